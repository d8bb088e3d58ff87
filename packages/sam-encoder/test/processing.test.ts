/** Pre- and post-processing against hand-computed values. */
import ndarray from 'ndarray';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  logitsToMask,
  maskToPrompt,
  preprocessImage,
  resizePlane,
  scalePrompt,
} from '../src';
import { maskOf } from './helpers';

const plane = (values: number[], h: number, w: number) => ndarray(Float32Array.from(values), [h, w]);
const resized = (values: number[], h: number, w: number, oh: number, ow: number, antialias: boolean) => {
  const out = ndarray(new Float32Array(oh * ow), [oh, ow]);
  resizePlane(plane(values, h, w), out, { antialias });
  return Array.from(out.data as Float32Array);
};

test('a known pixel goes to a known tensor position, normalised with the ImageNet mean and std', () => {
  // A 1024×1024 image is not resized: pixel (x, y) channel c lands at [c, y, x].
  const size = 1024;
  const data = new Uint8Array(size * size * 3);
  const [x, y] = [5, 7];
  data.set([255, 128, 0], (y * size + x) * 3);
  const t = preprocessImage({ data, width: size, height: size });
  expect(t.length).toBe(3 * size * size);
  const at = (c: number) => t[c * size * size + y * size + x];
  expect(at(0)).toBeCloseTo((1 - 0.485) / 0.229, 5);
  expect(at(1)).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
  expect(at(2)).toBeCloseTo((0 - 0.406) / 0.225, 5);
  // Its neighbour is black.
  expect(t[y * size + x + 1]).toBeCloseTo(-IMAGENET_MEAN[0] / IMAGENET_STD[0], 5);
});

test('a 2×2 image resizes to 1024×1024 as bilinear interpolation between pixel centres', () => {
  // Red channel: left column 0, right column 255. Along x the value is 255·clamp((x + 0.5)/512 − 0.5, 0, 1).
  const data = Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 0, 0, 255, 0, 0]);
  const t = preprocessImage({ data, width: 2, height: 2 });
  const red = (x: number) => t[x] * IMAGENET_STD[0] + IMAGENET_MEAN[0];
  expect(red(0)).toBeCloseTo(0, 5);
  expect(red(255)).toBeCloseTo(0, 5);
  expect(red(256)).toBeCloseTo(0.5 / 512, 5);
  expect(red(512)).toBeCloseTo(0.5 + 0.5 / 512, 5);
  expect(red(1023)).toBeCloseTo(1, 5);
});

test('bilinear resizing matches hand-computed values (align_corners=False, and antialiased downsampling)', () => {
  // Upsampling [0, 1] to 4: sources −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  expect(resized([0, 1], 1, 2, 1, 4, false)).toEqual([0, 0.25, 0.75, 1]);
  expect(resized([0, 1], 1, 2, 1, 4, true)).toEqual([0, 0.25, 0.75, 1]);
  // Downsampling [0, 1, 2, 3] to 2 without antialiasing samples at 0.5 and 2.5.
  expect(resized([0, 1, 2, 3], 1, 4, 1, 2, false)).toEqual([0.5, 2.5]);
  // With antialiasing (PyTorch antialias=True / PIL): a triangle of half-width 2 around 1 and 3,
  // weights (0.75, 0.75, 0.25)/1.75 over 0, 1, 2 → 5/7, and (0.25, 0.75, 0.75)/1.75 over 1, 2, 3 → 16/7.
  const aa = resized([0, 1, 2, 3], 1, 4, 1, 2, true);
  expect(aa[0]).toBeCloseTo(5 / 7, 6);
  expect(aa[1]).toBeCloseTo(16 / 7, 6);
});

test('a known logit map resizes to a known mask, at the SAM2 (> 0) and SAMTok (> 0.5) thresholds', () => {
  // [[1, −1], [−1, 1]] at 4×4 is (1 − 2fx)(1 − 2fy) with f ∈ {0, 0.25, 0.75, 1}: factors 1, 0.5, −0.5, −1.
  const logits = plane([1, -1, -1, 1], 2, 2);
  expect(Array.from(logitsToMask(logits, 4, 4, 0).data)).toEqual([
    1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1,
  ]);
  // Only products above 0.5: 1·1 at the two corners.
  expect(Array.from(logitsToMask(logits, 4, 4, 0.5).data)).toEqual([
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
  ]);
  // A strided view (one mask of a [3, 2, 2] output) resizes the same as a copy.
  const stack = ndarray(Float32Array.from([9, 9, 9, 9, 1, -1, -1, 1, 9, 9, 9, 9]), [3, 2, 2]);
  expect(logitsToMask(stack.pick(1, null, null), 4, 4, 0)).toEqual(logitsToMask(logits, 4, 4, 0));
});

test('a mask becomes a 256×256 dense prompt: 4× upsampling of a block mask', () => {
  const mask = maskOf(64, 64, (x) => x >= 32);
  const p = maskToPrompt(mask);
  // Column u of 256 samples source (u + 0.5)/4 − 0.5: 127 → 31.375 (between 31 = 0 and 32 = 1: 0.375).
  expect(p[10 * 256 + 126]).toBeCloseTo(0.125, 6);
  expect(p[10 * 256 + 127]).toBeCloseTo(0.375, 6);
  expect(p[10 * 256 + 128]).toBeCloseTo(0.625, 6);
  expect(p[10 * 256 + 0]).toBe(0);
  expect(p[10 * 256 + 255]).toBe(1);
});

test('points and boxes scale by 1024/W and 1024/H', () => {
  const s = scalePrompt(
    {
      points: [
        [40, 30],
        [80, 60],
        [0, 0],
      ],
      labels: [1, 0, 1],
      box: [10, 15, 20, 45],
    },
    80,
    60,
  );
  expect(s.coords).toEqual([512, 512, 1024, 1024, 0, 0]);
  expect(s.labels).toEqual([1, 0, 1]);
  expect(s.box).toEqual([128, 256, 256, 768]);
});
