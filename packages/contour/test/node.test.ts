import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ContourError } from '../src';
import { decodeMaskPng, encodeMaskPng, readMaskPng, writeMaskPng } from '../src/node';

test('PNG masks round-trip through a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglang-'));
  const mask = { width: 5, height: 3, data: Uint8Array.from([0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1]) };
  writeMaskPng(join(dir, 'm.png'), mask);
  expect(readMaskPng(join(dir, 'm.png'))).toEqual(mask);
});

test('RGBA PNGs: foreground is a non-zero first channel with non-zero alpha', () => {
  const png = new PNG({ width: 3, height: 1 });
  png.data = Buffer.from([255, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]);
  expect(Array.from(decodeMaskPng(PNG.sync.write(png)).data)).toEqual([1, 0, 0]);
  expect(decodeMaskPng(encodeMaskPng({ width: 1, height: 1, data: Uint8Array.from([7]) })).data[0]).toBe(1);
});

test('corrupt and missing files give ContourError INVALID_PNG naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seglang-'));
  writeFileSync(join(dir, 'bad.png'), 'not a png');
  expect(() => readMaskPng(join(dir, 'bad.png'))).toThrow(ContourError);
  expect(() => readMaskPng(join(dir, 'bad.png'))).toThrow(/bad\.png/);
  expect(() => readMaskPng(join(dir, 'missing.png'))).toThrow(/missing\.png/);
});

test('what is wrong with a PNG: not one, cut short, or too large to hold', () => {
  const good = encodeMaskPng({ width: 3, height: 2, data: Uint8Array.from([0, 1, 0, 1, 1, 1]) });
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return [(e as ContourError).code, (e as Error).message];
    }
    return null;
  };
  expect(code(() => decodeMaskPng(new TextEncoder().encode('garbage')))).toEqual([
    'INVALID_PNG',
    'not a PNG file: it does not start with the PNG signature',
  ]);
  expect(code(() => decodeMaskPng(good.subarray(0, good.length - 20)))).toEqual([
    'INVALID_PNG',
    'not a valid PNG: the file is truncated',
  ]);
  // A header claiming 100000x100000 pixels is refused before 40 GB of RGBA are asked for.
  const huge = Uint8Array.from(good);
  new DataView(huge.buffer).setUint32(16, 100_000);
  new DataView(huge.buffer).setUint32(20, 100_000);
  expect(code(() => decodeMaskPng(huge))?.[0]).toBe('INVALID_SIZE');
  expect(code(() => decodeMaskPng('x' as never))?.[0]).toBe('INVALID_PNG');
});

test('a decompression bomb is refused from its header, before anything is decoded', () => {
  // A real 8x8 PNG whose IHDR is rewritten to declare 20000 × 20000: its CRC no longer matches, so
  // a decoder would fail on it, and this message shows the size was read before any decoding.
  const bytes = encodeMaskPng({ width: 8, height: 8, data: new Uint8Array(64).fill(1) });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(16, 20000);
  view.setUint32(20, 20000);
  expect(() => decodeMaskPng(bytes)).toThrow(
    expect.objectContaining({
      code: 'INVALID_SIZE',
      message: expect.stringMatching(
        /declares 20000x20000 = 400000000 pixels, more than the limit of 100000000/,
      ),
    }),
  );
  expect(() =>
    decodeMaskPng(encodeMaskPng({ width: 50, height: 50, data: new Uint8Array(2500) }), { maxPixels: 2000 }),
  ).toThrow(/more than the limit of 2000/);
  expect(() => decodeMaskPng(bytes, { maxPixels: Number.NaN })).toThrow(/maxPixels must be a number/);
});

test('binary: a photo passed as a mask is refused, a mask is read', () => {
  const photo = new PNG({ width: 4, height: 1 });
  photo.data = Buffer.from([10, 20, 30, 255, 200, 100, 50, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  expect(() => decodeMaskPng(PNG.sync.write(photo), { binary: true })).toThrow(
    /not a mask: the image has colour/,
  );
  // Without the check it became a mask of almost every pixel.
  expect(Array.from(decodeMaskPng(PNG.sync.write(photo)).data)).toEqual([1, 1, 0, 1]);
  const grey = new PNG({ width: 3, height: 1 });
  grey.data = Buffer.from([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  expect(() => decodeMaskPng(PNG.sync.write(grey), { binary: true })).toThrow(/more than two grey levels/);
  const mask = { width: 3, height: 2, data: Uint8Array.from([0, 1, 1, 0, 0, 1]) };
  expect(decodeMaskPng(encodeMaskPng(mask), { binary: true })).toEqual(mask);
});
