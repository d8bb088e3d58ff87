import type { Mask } from '@seglang/contour';
import { InputError, type RgbImage } from './images';

/**
 * Draws a mask on an image: the foreground tinted (alpha 0.4) and its outline — foreground pixels
 * with a background 4-neighbour or on the image edge — in solid colour.
 */
export function drawOverlay(
  image: RgbImage,
  mask: Mask,
  color: [number, number, number] = [255, 0, 64],
): RgbImage {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new InputError(
      `the mask is ${mask.width}x${mask.height} but the image is ${image.width}x${image.height}`,
    );
  }
  const { width: w, height: h } = image;
  const out = Uint8Array.from(image.data);
  const m = mask.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!m[i]) continue;
      const edge =
        x === 0 || y === 0 || x === w - 1 || y === h - 1 || !m[i - 1] || !m[i + 1] || !m[i - w] || !m[i + w];
      for (let c = 0; c < 3; c++)
        out[3 * i + c] = edge ? color[c] : Math.round(0.6 * out[3 * i + c] + 0.4 * color[c]);
    }
  }
  return { width: w, height: h, data: out };
}
