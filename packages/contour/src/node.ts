import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { ContourError } from './errors';
import { checkMask, checkMaskPixels, type Mask } from './mask';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Pixels a decoded image may hold unless told otherwise: room for real photos (100 megapixels). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodeMaskOptions {
  /**
   * Refuse a PNG declaring more pixels than this, before any is decoded (default
   * {@link DEFAULT_MAX_PIXELS}): a 380 KiB PNG can declare 20000 × 20000 and make the decoder
   * allocate gigabytes.
   */
  maxPixels?: number;
  /**
   * Refuse an image that is not a mask: one with colour, or with more than two grey levels (a
   * photo passed by mistake would otherwise become a mask of almost every pixel). Default false.
   */
  binary?: boolean;
}

/** The width and height a PNG's header declares, or null when the bytes hold no IHDR where it belongs. */
export function pngSize(bytes: Uint8Array): [width: number, height: number] | null {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

/**
 * Decodes a PNG into a mask: a pixel is foreground when its first channel (grey or red) is
 * non-zero and, for images with alpha, its alpha is non-zero.
 * @throws ContourError `INVALID_PNG` for bytes that are not a valid PNG (or, with `binary`, not a
 *   mask), `INVALID_SIZE` for a declared size over `maxPixels`.
 */
export function decodeMaskPng(bytes: Uint8Array, opts: DecodeMaskOptions = {}): Mask {
  if (!(bytes instanceof Uint8Array))
    throw new ContourError('INVALID_PNG', 'a PNG must be given as bytes (a Uint8Array)');
  if (opts === null || typeof opts !== 'object')
    throw new ContourError('INVALID_ARGUMENT', 'options must be an object { maxPixels?, binary? }');
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof maxPixels !== 'number' || !(maxPixels >= 1))
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.maxPixels must be a number >= 1, got ${String(maxPixels)}`,
    );
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b))
    throw new ContourError('INVALID_PNG', 'not a PNG file: it does not start with the PNG signature');
  // The size from the header, checked before pngjs allocates 4 bytes a pixel for it.
  const size = pngSize(bytes);
  if (size) {
    checkMaskPixels(size[0], size[1], 'PNG');
    if (size[0] * size[1] > maxPixels)
      throw new ContourError(
        'INVALID_SIZE',
        `the PNG declares ${size[0]}x${size[1]} = ${size[0] * size[1]} pixels, more than the limit of ${maxPixels}`,
      );
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    const message = (err as Error).message;
    // pngjs' words for a file that ends before its image data does.
    const why = /read requests waitng on finished stream|unexpected end/i.test(message)
      ? 'the file is truncated'
      : message;
    throw new ContourError('INVALID_PNG', `not a valid PNG: ${why}`);
  }
  const { width, height, data: rgba } = png;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[4 * i] !== 0 && rgba[4 * i + 3] !== 0 ? 1 : 0;
  if (opts.binary) {
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i++) {
      const r = rgba[4 * i];
      if (r !== rgba[4 * i + 1] || r !== rgba[4 * i + 2])
        throw new ContourError(
          'INVALID_PNG',
          'not a mask: the image has colour (a mask is black and one other grey)',
        );
      levels.add(rgba[4 * i + 3] === 0 ? 0 : r);
      if (levels.size > 2)
        throw new ContourError(
          'INVALID_PNG',
          'not a mask: the image has more than two grey levels (a mask is black and one other grey)',
        );
    }
  }
  return { width, height, data };
}

/** Encodes a mask as an 8-bit greyscale PNG (foreground 255, background 0). */
export function encodeMaskPng(mask: Mask): Uint8Array {
  checkMask(mask);
  const png = new PNG({
    width: mask.width,
    height: mask.height,
    colorType: 0,
    inputColorType: 0,
    bitDepth: 8,
  });
  const grey = Buffer.alloc(mask.width * mask.height);
  for (let i = 0; i < grey.length; i++) grey[i] = mask.data[i] !== 0 ? 255 : 0;
  png.data = grey;
  return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** Reads a PNG mask file. @throws ContourError `INVALID_PNG` (or `INVALID_SIZE`) naming the file. */
export function readMaskPng(path: string, opts: DecodeMaskOptions = {}): Mask {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ContourError('INVALID_PNG', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return decodeMaskPng(bytes, opts);
  } catch (err) {
    if (err instanceof ContourError) throw new ContourError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}

/** Writes a mask as a greyscale PNG file. */
export function writeMaskPng(path: string, mask: Mask): void {
  writeFileSync(path, encodeMaskPng(mask));
}
