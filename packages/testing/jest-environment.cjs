/**
 * Jest runs tests in a separate realm, so typed arrays made by onnxruntime-node's native addon fail
 * `instanceof Float32Array` there (a jest artefact; plain Node has one realm). Share the host's.
 */
const { TestEnvironment } = require('jest-environment-node');

module.exports = class SharedTypedArrays extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'ArrayBuffer',
      'SharedArrayBuffer',
      'DataView',
      'Float32Array',
      'Float64Array',
      'Float16Array',
      'Int8Array',
      'Int16Array',
      'Int32Array',
      'Uint8Array',
      'Uint8ClampedArray',
      'Uint16Array',
      'Uint32Array',
      'BigInt64Array',
      'BigUint64Array',
    ]) {
      if (globalThis[name]) this.global[name] = globalThis[name];
    }
  }
};
