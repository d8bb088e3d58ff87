import type { Mask } from '@seglang/contour';
import type { RgbImage } from '../../src/index';

/** The inputs both sides use: a textured 96×72 image, a point, a box and a rectangular mask. */
export function scenario(): {
  image: RgbImage;
  point: [number, number];
  box: [number, number, number, number];
  mask: Mask;
} {
  const width = 96;
  const height = 72;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3) & 255;
      data[i + 1] = (x * y) & 255;
      data[i + 2] = (255 - x * 2) & 255;
    }
  const mask = { width, height, data: new Uint8Array(width * height) };
  for (let y = 20; y < 50; y++) for (let x = 30; x < 70; x++) mask.data[y * width + x] = 1;
  return { image: { width, height, data }, point: [40, 30], box: [20, 10, 70, 60], mask };
}
