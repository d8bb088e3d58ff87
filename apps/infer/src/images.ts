import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CocoRle, type Mask, rle } from '@seglang/contour';
import { DEFAULT_MAX_PIXELS, decodeMaskPng, encodeMaskPng, pngSize } from '@seglang/contour/node';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A bad input the user can fix: exit code 1, a one-line message. */
export class InputError extends Error {}

export { DEFAULT_MAX_PIXELS };

export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array; // RGB, row-major
}

/** A file's bytes; `-` is standard input. */
export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (err) {
    throw new InputError(
      `cannot read ${path === '-' ? 'standard input' : path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Whether a path names an existing folder (false for anything unreadable: the write reports it). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes a file whole or not at all: to a temporary file beside it, renamed when complete, so a
 * failed command leaves no partial output; its folder is made. `-` is standard output.
 */
export function writeOutput(path: string, data: Uint8Array | string): void {
  if (path === '-') {
    process.stdout.write(data);
    return;
  }
  if (isFolder(path)) throw new InputError(`cannot write ${path}: it is a folder`);
  const tmp = join(dirname(path), `.${Date.now().toString(36)}-${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new InputError(
      `cannot write ${path}: cannot make its folder ${dirname(path)} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError(
      `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function checkPixels(path: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels)
    throw new InputError(
      `${path} is ${width}x${height} = ${width * height} pixels, more than --max-pixels ${maxPixels}`,
    );
}

/** The size a JPEG declares in its first start-of-frame marker, or null. */
function jpegSize(bytes: Uint8Array): [number, number] | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return [(bytes[i + 7] << 8) | bytes[i + 8], (bytes[i + 5] << 8) | bytes[i + 6]];
    i += 2 + length;
  }
  return null;
}

/**
 * Reads a PNG or JPEG image as RGB (decoded by pngjs / jpeg-js), refusing one that declares more
 * than `maxPixels` before decoding it.
 */
export function readImage(path: string, maxPixels = DEFAULT_MAX_PIXELS): RgbImage {
  const bytes = readBytes(path);
  const png = bytes[0] === 0x89 && bytes[1] === 0x50;
  const jpg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!png && !jpg) throw new InputError(`${path} is not a PNG or JPEG image`);
  const size = png ? pngSize(bytes) : jpegSize(bytes);
  if (size) checkPixels(path, size[0], size[1], maxPixels);
  try {
    if (png) {
      const img = PNG.sync.read(bytes);
      const data = new Uint8Array(img.width * img.height * 3);
      for (let i = 0; i < img.width * img.height; i++) data.set(img.data.subarray(4 * i, 4 * i + 3), 3 * i);
      return { width: img.width, height: img.height, data };
    }
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 8) / 2 ** 20)),
    });
    return { width: img.width, height: img.height, data: img.data };
  } catch (err) {
    const message = (err as Error).message;
    // pngjs' words for a file that ends before its image data does.
    const why = /read requests waitng on finished stream/.test(message) ? 'the file is truncated' : message;
    throw new InputError(`${path} is not a readable image: ${why}`);
  }
}

export function writeRgbPng(path: string, image: RgbImage): void {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0; i < image.width * image.height; i++) {
    png.data[4 * i] = image.data[3 * i];
    png.data[4 * i + 1] = image.data[3 * i + 1];
    png.data[4 * i + 2] = image.data[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  writeOutput(path, PNG.sync.write(png));
}

/** Writes a mask as an 8-bit greyscale PNG (255 foreground), whole or not at all; `-` is standard output. */
export function writeMaskPng(path: string, mask: Mask): void {
  writeOutput(path, encodeMaskPng(mask));
}

/**
 * Reads a mask: a PNG (black background, one other grey for the object: a photo is refused), or
 * JSON holding a COCO RLE or an annotation whose segmentation is one. `-` is standard input. A
 * size over `maxPixels` is refused before anything is decoded.
 */
export function readMask(path: string, maxPixels = DEFAULT_MAX_PIXELS): Mask {
  const bytes = readBytes(path);
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50;
  if (!isPng) {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new InputError(`${path} is neither a PNG nor valid JSON: ${(err as Error).message}`);
    }
    const o = json as Record<string, unknown> | null;
    const r = (
      o !== null && typeof o === 'object' ? (o.counts !== undefined ? o : o.segmentation) : undefined
    ) as CocoRle | undefined;
    if (r === null || typeof r !== 'object' || !('counts' in r) || !Array.isArray(r.size))
      throw new InputError(
        `${path} holds no COCO RLE: { "size": [h, w], "counts": … }, or an annotation whose segmentation is one`,
      );
    const [h, w] = r.size;
    if (Number.isSafeInteger(h) && Number.isSafeInteger(w)) checkPixels(path, w, h, maxPixels);
    try {
      return rle.decode(r);
    } catch (err) {
      throw new InputError(`${path}: ${(err as Error).message}`);
    }
  }
  const size = pngSize(bytes);
  if (size) checkPixels(path, size[0], size[1], maxPixels);
  try {
    return decodeMaskPng(bytes, { maxPixels, binary: true });
  } catch (err) {
    const message = (err as Error).message;
    throw new InputError(
      `${path}: ${message}${/not a mask/.test(message) ? '; give a binary mask PNG or a COCO RLE JSON' : ''}`,
    );
  }
}
