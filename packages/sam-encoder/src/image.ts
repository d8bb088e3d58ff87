import type { Mask } from '@seglang/contour';
import ndarray, { type NdArray } from 'ndarray';
import { SamError } from './errors';

/** An RGB image: `data` is row-major, 3 bytes per pixel. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The side of the square SAM2 and SAMTok images are resized to. */
export const SAM_IMAGE_SIZE = 1024;
/** The side of the low-resolution mask logits and dense mask prompts. */
export const SAM_MASK_SIZE = 256;
/** ImageNet mean and std, the SAM2 normalisation (on values scaled to [0, 1]). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** @throws SamError `INVALID_IMAGE` unless `image` is an RGB image with a buffer of `width·height·3` bytes. */
export function checkImage(image: RgbImage, what = 'image'): void {
  if (!image || typeof image !== 'object')
    throw new SamError('INVALID_IMAGE', `${what} must be { data, width, height }`);
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SamError(
      'INVALID_IMAGE',
      `${what} width and height must be positive integers, got ${width}×${height}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new SamError('INVALID_IMAGE', `${what}.data must be a Uint8Array of RGB bytes`);
  }
  if (data.length !== width * height * 3) {
    const hint = data.length === width * height * 4 ? ' (RGBA? drop the alpha channel)' : '';
    throw new SamError(
      'INVALID_IMAGE',
      `${what}.data has ${data.length} bytes, expected ${width}×${height}×3 = ${width * height * 3}${hint}`,
    );
  }
}

/** Triangle-filter taps along one axis: for each output index, the first input index and normalised weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  width: number;
}

/**
 * Bilinear taps for resizing `inSize` → `outSize`, half-pixel centres (`align_corners=False`).
 * `antialias` widens the triangle by the scale when downsampling (PyTorch `antialias=True`, PIL
 * `BILINEAR`); without it, each output samples its two nearest inputs (`F.interpolate` default).
 */
function taps(inSize: number, outSize: number, antialias: boolean): Taps {
  const scale = inSize / outSize;
  if (!antialias || scale <= 1) {
    const start = new Int32Array(outSize);
    const count = new Int32Array(outSize).fill(2);
    const weights = new Float64Array(outSize * 2);
    for (let i = 0; i < outSize; i++) {
      const src = Math.max((i + 0.5) * scale - 0.5, 0);
      const x0 = Math.min(Math.floor(src), inSize - 1);
      const x1 = Math.min(x0 + 1, inSize - 1);
      const l = src - x0;
      start[i] = x0;
      weights[i * 2] = 1 - l;
      weights[i * 2 + 1] = x1 === x0 ? 0 : l;
      if (x1 === x0) {
        weights[i * 2] = 1;
        count[i] = 1;
      }
    }
    return { start, count, weights, width: 2 };
  }
  const support = scale;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let i = 0; i < outSize; i++) {
    const centre = scale * (i + 0.5);
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const w = Math.max(0, 1 - Math.abs((j - centre + 0.5) / scale));
      weights[i * width + j - lo] = w;
      total += w;
    }
    for (let j = lo; j < hi; j++) weights[i * width + j - lo] /= total;
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, width };
}

/**
 * Resizes a 2-D plane (any strided view) into `out` (`outH × outW`), separably: rows first, then columns.
 * `antialias: true` is PyTorch's `interpolate(..., 'bilinear', antialias=True)` (= PIL's BILINEAR);
 * `false` is `interpolate(..., 'bilinear', align_corners=False)`.
 */
function checkPlane(x: unknown, name: string): asserts x is NdArray {
  const a = x as NdArray | null;
  if (
    a === null ||
    typeof a !== 'object' ||
    !Array.isArray(a.shape) ||
    a.shape.length !== 2 ||
    !a.shape.every((d) => Number.isInteger(d) && d >= 1) ||
    typeof a.get !== 'function'
  )
    throw new SamError('INVALID_ARGUMENT', `${name} must be a 2-d ndarray with positive sides`);
}

const checkSide = (n: unknown, name: string) => {
  if (!Number.isInteger(n) || (n as number) < 1)
    throw new SamError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(n)}`);
};

export function resizePlane(src: NdArray, out: NdArray, options: { antialias: boolean }): void {
  checkPlane(src, 'src');
  checkPlane(out, 'out');
  const [inH, inW] = src.shape;
  const [outH, outW] = out.shape;
  const tx = taps(inW, outW, options.antialias);
  const ty = taps(inH, outH, options.antialias);
  // Rows first into `mid`, then columns into `out`. Each output value is the same sum, in the
  // same order, as a plain per-pixel loop; the loops are arranged so that every inner one reads
  // contiguous float64 storage (each source row is copied out of its view first, into a buffer
  // that stays in cache), rather than indexing the views' storage, of any type and stride, in the
  // hot loops.
  const line = new Float64Array(inW);
  const mid = new Float64Array(inH * outW);
  for (let y = 0; y < inH; y++) {
    readRow(src, y, line);
    resizeRow(line, tx, mid, y * outW);
  }
  const acc = new Float64Array(outW);
  const od = out.data;
  const [oy, ox] = out.stride;
  const { start, count, weights, width } = ty;
  for (let y = 0; y < outH; y++) {
    const w0 = y * width;
    const s = start[y];
    const row = out.offset + y * oy;
    if (count[y] === 2 && od instanceof Float32Array) {
      // Two taps (any upsampling): straight into the output.
      blendRows(od, row, ox, mid, s * outW, (s + 1) * outW, weights[w0], weights[w0 + 1], outW);
      continue;
    }
    acc.fill(0);
    for (let k = 0, n = count[y]; k < n; k++) addRow(acc, mid, (s + k) * outW, weights[w0 + k]);
    if (od instanceof Float32Array) writeFloat32(od, row, ox, acc);
    else for (let x = 0; x < outW; x++) (od as { [i: number]: number })[row + x * ox] = acc[x];
  }
}

/** `od[row + x·ox] = (0 + wa·mid[a + x]) + wb·mid[b + x]` over a row: the two-tap sum, in order. */
function blendRows(
  od: Float32Array,
  row: number,
  ox: number,
  mid: Float64Array,
  a: number,
  b: number,
  wa: number,
  wb: number,
  n: number,
): void {
  for (let x = 0, i = row; x < n; x++, i += ox) od[i] = 0 + wa * mid[a + x] + wb * mid[b + x];
}

/** `od[row + x·ox] = acc[x]` over a row, for the usual float32 output. */
function writeFloat32(od: Float32Array, row: number, ox: number, acc: Float64Array): void {
  for (let x = 0, i = row; x < acc.length; x++, i += ox) od[i] = acc[x];
}

/** Row y of a 2-D view, as float64 (exact for any numeric storage), into `line`. */
function readRow(src: NdArray, y: number, line: Float64Array): void {
  const d = src.data as ArrayLike<number>;
  const sx = src.stride[1];
  for (let x = 0, j = src.offset + y * src.stride[0]; x < line.length; x++, j += sx) line[x] = d[j];
}

/** The horizontal pass for one row: `line` resized by `t` into `mid[from …]`. */
function resizeRow(line: Float64Array, t: Taps, mid: Float64Array, from: number): void {
  const { start, count, weights, width } = t;
  for (let x = 0, w0 = 0; x < count.length; x++, w0 += width) {
    const s = start[x];
    const n = count[x];
    if (n === 2) {
      mid[from + x] = 0 + weights[w0] * line[s] + weights[w0 + 1] * line[s + 1];
      continue;
    }
    let acc = 0;
    for (let k = 0; k < n; k++) acc += weights[w0 + k] * line[s + k];
    mid[from + x] = acc;
  }
}

/** `acc[x] += weight · mid[from + x]` over a row. */
function addRow(acc: Float64Array, mid: Float64Array, from: number, weight: number): void {
  for (let x = 0; x < acc.length; x++) acc[x] += weight * mid[from + x];
}

/**
 * The SAM2 / SAMTok image tensor `[1, 3, 1024, 1024]`: the image resized straight to 1024×1024
 * (aspect not kept; bilinear, antialiased, on floats as SAM2's `Resize` does), scaled to [0, 1]
 * and normalised with the ImageNet mean and std.
 * @throws SamError `INVALID_IMAGE` for a malformed image.
 */
export function preprocessImage(image: RgbImage, size = SAM_IMAGE_SIZE): Float32Array {
  checkImage(image);
  const { width, height } = image;
  const hwc = ndarray(image.data, [height, width, 3]);
  const out = new Float32Array(3 * size * size);
  const chw = ndarray(out, [3, size, size]);
  for (let c = 0; c < 3; c++) {
    const plane = chw.pick(c, null, null);
    resizePlane(hwc.pick(null, null, c), plane, { antialias: true });
    const m = IMAGENET_MEAN[c];
    const s = IMAGENET_STD[c];
    const d = plane.data as Float32Array;
    const o = plane.offset;
    for (let i = 0; i < size * size; i++) d[o + i] = (d[o + i] / 255 - m) / s;
  }
  return out;
}

/** Throws `INVALID_MASK` unless `mask` is `{ width, height, data }` with positive sides and width·height bytes. */
export function checkMaskData(mask: unknown): asserts mask is Mask {
  const m = mask as Partial<Mask> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    !Number.isInteger(m.width) ||
    !Number.isInteger(m.height) ||
    (m.width as number) < 1 ||
    (m.height as number) < 1 ||
    !(m.data instanceof Uint8Array) ||
    m.data.length !== (m.width as number) * (m.height as number)
  )
    throw new SamError('INVALID_MASK', 'mask must be { width, height, data: Uint8Array(width·height) }');
}

/** A mask as a `256 × 256` float plane (bilinear, antialiased): SAMTok's dense prompt. */
export function maskToPrompt(mask: Mask, size = SAM_MASK_SIZE): Float32Array {
  checkMaskData(mask);
  checkSide(size, 'size');
  const src = new Float32Array(mask.width * mask.height);
  for (let i = 0; i < src.length; i++) src[i] = mask.data[i] ? 1 : 0;
  const out = new Float32Array(size * size);
  resizePlane(ndarray(src, [mask.height, mask.width]), ndarray(out, [size, size]), {
    antialias: true,
  });
  return out;
}

/**
 * Low-resolution logits (any `h × w` strided view, e.g. one mask of a `[L, 3, 256, 256]` output)
 * resized bilinearly to `width × height` and thresholded: `logit > threshold` is foreground
 * (SAM2 uses 0, SAMTok 0.5).
 */
export function logitsToMask(logits: NdArray, width: number, height: number, threshold: number): Mask {
  checkPlane(logits, 'logits');
  checkSide(width, 'width');
  checkSide(height, 'height');
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    throw new SamError('INVALID_ARGUMENT', `threshold must be a number, got ${String(threshold)}`);
  const up = new Float32Array(width * height);
  resizePlane(logits, ndarray(up, [height, width]), { antialias: false });
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = up[i] > threshold ? 1 : 0;
  return { width, height, data };
}
