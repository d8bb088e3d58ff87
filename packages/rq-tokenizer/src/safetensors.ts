import { RqError } from './errors';

export interface Tensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data)
 * into float32 tensors. Supports F32, F64, F16 and BF16.
 * @throws RqError `INVALID_FILE` naming the problem and the byte offset.
 */
export function readSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  if (!(bytes instanceof Uint8Array))
    throw new RqError('INVALID_FILE', 'safetensors input must be a Uint8Array');
  if (bytes.length < 8)
    throw new RqError(
      'INVALID_FILE',
      `safetensors file is truncated: ${bytes.length} bytes, the header length needs 8`,
      0,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) {
    throw new RqError(
      'INVALID_FILE',
      `safetensors header length ${headerLength} exceeds the file (${bytes.length - 8} bytes after it)`,
      0,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    throw new RqError('INVALID_FILE', `safetensors header is not valid JSON: ${(err as Error).message}`, 8);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new RqError('INVALID_FILE', 'safetensors header must be a JSON object', 8);
  const dataStart = 8 + headerLength;
  const out = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info === null || typeof info !== 'object' || Array.isArray(info))
      throw new RqError(
        'INVALID_FILE',
        `tensor ${JSON.stringify(name)} must be { dtype, shape, data_offsets }`,
        8,
      );
    const t = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const size = Object.hasOwn(DTYPE_BYTES, String(t.dtype)) ? DTYPE_BYTES[String(t.dtype)] : 0;
    if (!size)
      throw new RqError(
        'INVALID_FILE',
        `tensor ${JSON.stringify(name)} has unsupported dtype ${JSON.stringify(t.dtype)} (F32, F64, F16, BF16)`,
      );
    if (!Array.isArray(t.shape) || !t.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      throw new RqError(
        'INVALID_FILE',
        `tensor ${JSON.stringify(name)} has an invalid shape ${JSON.stringify(t.shape)}`,
      );
    }
    const offsets = t.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0) ||
      offsets[1] < offsets[0]
    ) {
      throw new RqError(
        'INVALID_FILE',
        `tensor ${JSON.stringify(name)} has invalid data_offsets ${JSON.stringify(offsets)}`,
      );
    }
    const count = (t.shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * size) {
      throw new RqError(
        'INVALID_FILE',
        `tensor ${JSON.stringify(name)}: data_offsets span ${end - begin} bytes, shape ${JSON.stringify(t.shape)} × ${t.dtype} needs ${count * size}`,
      );
    }
    if (dataStart + end > bytes.length) {
      throw new RqError(
        'INVALID_FILE',
        `safetensors file is truncated: tensor ${JSON.stringify(name)} ends at byte ${dataStart + end}, the file has ${bytes.length}`,
        bytes.length,
      );
    }
    const data = new Float32Array(count);
    const base = dataStart + begin;
    for (let i = 0; i < count; i++) {
      const at = base + i * size;
      switch (t.dtype) {
        case 'F32':
          data[i] = view.getFloat32(at, true);
          break;
        case 'F64':
          data[i] = view.getFloat64(at, true);
          break;
        case 'F16':
          data[i] = halfToFloat(view.getUint16(at, true));
          break;
        default: {
          const scratch = new DataView(new ArrayBuffer(4));
          scratch.setUint16(2, view.getUint16(at, true), false);
          scratch.setUint16(0, 0, false);
          data[i] = scratch.getFloat32(0, false);
        }
      }
    }
    out.set(name, { dtype: String(t.dtype), shape: t.shape as number[], data });
  }
  return out;
}

type TensorsIn =
  | Record<string, { shape: number[]; data: Float32Array }>
  | ReadonlyMap<string, { shape: number[]; data: Float32Array }>;

/**
 * Writes float32 tensors as a safetensors file (header padded with spaces to 8-byte alignment).
 * `tensors` is a plain object or a Map (what {@link readSafetensors} returns), in the order given.
 */
export function writeSafetensors(tensors: TensorsIn, metadata?: Record<string, string>): Uint8Array {
  const isPlain =
    tensors !== null &&
    typeof tensors === 'object' &&
    [Object.prototype, null].includes(Object.getPrototypeOf(tensors));
  if (!(tensors instanceof Map) && !isPlain)
    throw new RqError('INVALID_ARGUMENT', 'tensors must be an object or a Map { name: { shape, data } }');
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (typeof name !== 'string' || name === '__metadata__')
      throw new RqError('INVALID_ARGUMENT', `a tensor cannot be named ${JSON.stringify(name)}`);
    if (t === null || typeof t !== 'object' || !(t.data instanceof Float32Array) || !Array.isArray(t.shape))
      throw new RqError(
        'INVALID_ARGUMENT',
        `tensors.${name} must be { shape: number[], data: Float32Array }`,
      );
    let n = 1;
    for (const d of t.shape) {
      if (!Number.isInteger(d) || d < 0)
        throw new RqError(
          'INVALID_ARGUMENT',
          `tensors.${name}.shape must hold non-negative integers, got [${t.shape}]`,
        );
      n *= d;
    }
    if (n !== t.data.length)
      throw new RqError(
        'INVALID_ARGUMENT',
        `tensors.${name} has shape [${t.shape}] (${n} values) but ${t.data.length} values`,
      );
  }
  if (metadata !== undefined) {
    if (
      metadata === null ||
      typeof metadata !== 'object' ||
      Object.values(metadata).some((v) => typeof v !== 'string')
    )
      throw new RqError('INVALID_ARGUMENT', 'metadata must be an object of strings');
  }
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of entries) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/**
 * Reads a NumPy `.npy` file (format versions 1–3, little-endian `<f4`/`<f8`, C order) as float32.
 * @throws RqError `INVALID_FILE` for anything else.
 */
export function readNpy(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!(bytes instanceof Uint8Array) || bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw new RqError('INVALID_FILE', 'not a .npy file (missing the \\x93NUMPY magic)', 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3)
    throw new RqError('INVALID_FILE', `.npy format version ${major}.${bytes[7]} is not one of 1, 2, 3`, 6);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart)
    throw new RqError(
      'INVALID_FILE',
      `.npy file is truncated: ${bytes.length} bytes, its header length needs ${headerStart}`,
      bytes.length,
    );
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerStart + headerLength > bytes.length)
    throw new RqError('INVALID_FILE', '.npy header is truncated', bytes.length);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new RqError(
      'INVALID_FILE',
      `.npy header is malformed: ${JSON.stringify(header.trim().slice(0, 200))}`,
      headerStart,
    );
  if (fortran === 'True')
    throw new RqError('INVALID_FILE', '.npy arrays in Fortran order are not supported; save with C order');
  if (descr !== '<f4' && descr !== '<f8')
    throw new RqError('INVALID_FILE', `.npy dtype ${descr} is not supported (<f4 or <f8)`);
  // Each dimension a non-negative integer as numpy writes it: `(3, 256)`, `(5,)`, `()`.
  const dims = shapeText.split(',').map((s) => s.trim());
  if (dims.length > 1 && dims[dims.length - 1] === '') dims.pop();
  if (dims.length === 1 && dims[0] === '') dims.pop();
  if (!dims.every((d) => /^\d{1,15}$/.test(d)))
    throw new RqError('INVALID_FILE', `.npy shape (${shapeText}) must be non-negative integers`, headerStart);
  const shape = dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const size = descr === '<f4' ? 4 : 8;
  const start = headerStart + headerLength;
  if (count * size !== bytes.length - start) {
    throw new RqError(
      'INVALID_FILE',
      `.npy data does not match its shape: (${shape.join(', ')}) × ${descr} needs ${count * size} bytes, the file has ${bytes.length - start}`,
      start,
    );
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++)
    data[i] = size === 4 ? view.getFloat32(start + 4 * i, true) : view.getFloat64(start + 8 * i, true);
  return { shape, data };
}
