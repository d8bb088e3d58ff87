import { readFileSync, writeFileSync } from 'node:fs';
import { type CocoRle, type Mask, rle } from '@seglang/contour';
import { decodeMaskPng } from '@seglang/contour/node';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A bad input the user can fix: exit code 1, a one-line message. */
export class InputError extends Error {}

export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array; // RGB, row-major
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Reads a PNG or JPEG image as RGB (decoded by pngjs / jpeg-js). */
export function readImage(path: string): RgbImage {
  const bytes = readBytes(path);
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const png = PNG.sync.read(bytes);
      const data = new Uint8Array(png.width * png.height * 3);
      for (let i = 0; i < png.width * png.height; i++) data.set(png.data.subarray(4 * i, 4 * i + 3), 3 * i);
      return { width: png.width, height: png.height, data };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (err) {
    const message = (err as Error).message;
    // pngjs' words for a file that ends before its image data does.
    const why = /read requests waitng on finished stream/.test(message) ? 'the file is truncated' : message;
    throw new InputError(`${path} is not a readable image: ${why}`);
  }
  throw new InputError(`${path} is not a PNG or JPEG image`);
}

export function writeRgbPng(path: string, image: RgbImage): void {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    png.data[4 * i] = image.data[3 * i];
    png.data[4 * i + 1] = image.data[3 * i + 1];
    png.data[4 * i + 2] = image.data[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

/** Reads a mask: a PNG (non-zero = foreground), or JSON holding a COCO RLE or an annotation whose segmentation is one. */
export function readMask(path: string): Mask {
  const bytes = readBytes(path);
  if (path.toLowerCase().endsWith('.json')) {
    let json: { size?: unknown; counts?: unknown; segmentation?: unknown };
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new InputError(`${path} is not valid JSON: ${(err as Error).message}`);
    }
    const r = (json.counts !== undefined ? json : json.segmentation) as CocoRle | undefined;
    if (!r || typeof r !== 'object' || !('counts' in r))
      throw new InputError(`${path} holds no COCO RLE ({ size, counts } or an annotation's segmentation)`);
    try {
      return rle.decode(r);
    } catch (err) {
      throw new InputError(`${path}: ${(err as Error).message}`);
    }
  }
  try {
    return decodeMaskPng(bytes);
  } catch (err) {
    throw new InputError(`${path}: ${(err as Error).message}`);
  }
}
