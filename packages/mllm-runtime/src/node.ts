import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { ModelFiles } from './files';
import type { RgbImage } from './image';
import { type LoadOptions, QwenVlModel } from './model';
import { ServedModel, type ServedModelOptions } from './served';

/** Model files in a local folder (onnx-community layout). ONNX files are passed by path, so ORT finds external data itself. */
export function folderFiles(dir: string): ModelFiles {
  const root = resolve(dir);
  return {
    location: root,
    async text(name) {
      const path = join(root, name);
      return existsSync(path) ? readFile(path, 'utf8') : undefined;
    },
    async onnx(name) {
      const path = join(root, name);
      return existsSync(path) ? { model: path } : undefined;
    },
  };
}

/**
 * Loads a Qwen-VL-family model from a local folder.
 * @example
 * import * as ort from 'onnxruntime-node';
 * const model = await loadModel('models/simpleseg-qwen2.5-vl-3b-onnx', { ort, dtype: 'q4f16' });
 */
export function loadModel(dir: string, options: Omit<LoadOptions, 'files'>): Promise<QwenVlModel> {
  return QwenVlModel.load({ ...options, files: folderFiles(dir) });
}

/** Encodes RGB pixels as PNG bytes (pngjs). */
export function encodePng(image: RgbImage): Uint8Array {
  const png = new PNG({
    width: image.width,
    height: image.height,
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}

/** A {@link ServedModel} that sends pixel images as PNG data URLs (encoded with pngjs). */
export function servedModel(options: ServedModelOptions): ServedModel {
  return new ServedModel({ encodeImage: encodePng, ...options });
}

export * from './index';
