import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { ContourError } from './errors';
import { checkMask, checkMaskPixels, type Mask } from './mask';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a PNG into a mask: a pixel is foreground when its first channel (grey or red) is
 * non-zero and, for images with alpha, its alpha is non-zero.
 * @throws ContourError `INVALID_PNG` for bytes that are not a valid PNG.
 */
export function decodeMaskPng(bytes: Uint8Array): Mask {
  if (!(bytes instanceof Uint8Array))
    throw new ContourError('INVALID_PNG', 'a PNG must be given as bytes (a Uint8Array)');
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b))
    throw new ContourError('INVALID_PNG', 'not a PNG file: it does not start with the PNG signature');
  // The size from the header, checked before pngjs allocates 4 bytes a pixel for it.
  if (bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    checkMaskPixels(view.getUint32(16), view.getUint32(20), 'PNG');
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

/** Reads a PNG mask file. @throws ContourError `INVALID_PNG` naming the file. */
export function readMaskPng(path: string): Mask {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ContourError('INVALID_PNG', `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return decodeMaskPng(bytes);
  } catch (err) {
    throw new ContourError('INVALID_PNG', `${path}: ${(err as Error).message}`);
  }
}

/** Writes a mask as a greyscale PNG file. */
export function writeMaskPng(path: string, mask: Mask): void {
  writeFileSync(path, encodeMaskPng(mask));
}
