import { ContourError } from './errors';

/** A binary mask: row-major, `data[y * width + x]`, non-zero = foreground. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A point `[x, y]`: x to the right, y down (image coordinates). */
export type Point = [x: number, y: number];

/** Throws a `ContourError` unless `n` is a non-negative integer. */
export function checkSize(n: unknown, name: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new ContourError('INVALID_SIZE', `${name} must be a non-negative integer, got ${String(n)}`);
  }
}

/** Throws a `ContourError` unless `mask` is a well-formed {@link Mask}. */
export function checkMask(mask: unknown, name = 'mask'): asserts mask is Mask {
  if (mask === null || typeof mask !== 'object') {
    throw new ContourError('INVALID_MASK', `${name} must be an object { width, height, data }`);
  }
  const m = mask as Partial<Mask>;
  checkSize(m.width, `${name}.width`);
  checkSize(m.height, `${name}.height`);
  if (!(m.data instanceof Uint8Array)) {
    throw new ContourError('INVALID_MASK', `${name}.data must be a Uint8Array`);
  }
  if (m.data.length !== m.width * m.height) {
    throw new ContourError(
      'INVALID_MASK',
      `${name}.data has length ${m.data.length}, expected width*height = ${m.width}*${m.height} = ${m.width * m.height}`,
    );
  }
}

/** Throws a `ContourError` unless every point has two finite coordinates. */
export function checkPoints(points: unknown, name: string): asserts points is Point[] {
  if (!Array.isArray(points))
    throw new ContourError('INVALID_POINT', `${name} must be an array of [x, y] points`);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new ContourError(
        'INVALID_POINT',
        `${name}[${i}] must be [x, y] with finite numbers, got ${JSON.stringify(p)}`,
      );
    }
  }
}

/** Throws a `ContourError` unless every point has integer coordinates within ±2^30. */
export function checkIntegerPoints(points: unknown, name: string): asserts points is Point[] {
  checkPoints(points, name);
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i];
    if (!Number.isInteger(x) || !Number.isInteger(y) || Math.abs(x) > 2 ** 30 || Math.abs(y) > 2 ** 30) {
      throw new ContourError(
        'INVALID_POINT',
        `${name}[${i}] must have integer coordinates within ±2^30 (OpenCV's int points), got [${x}, ${y}]`,
      );
    }
  }
}

/** The most pixels a mask may have: typed arrays index with int32 here, as OpenCV's `int` offsets do. */
export const MAX_MASK_PIXELS = 2 ** 31 - 1;

// Typed-array methods for hot loops, called as `fillBytes.call(data, …)`: a known function called
// directly, not a method looked up on each call.
export const fillBytes = Uint8Array.prototype.fill;
export const setBytes = Uint8Array.prototype.set;
export const subarrayOf = Uint8Array.prototype.subarray;

/** Throws `INVALID_SIZE` unless a `width`×`height` mask fits in {@link MAX_MASK_PIXELS}. */
export function checkMaskPixels(width: number, height: number, what = 'mask'): void {
  if (width * height > MAX_MASK_PIXELS)
    throw new ContourError(
      'INVALID_SIZE',
      `a ${width}x${height} ${what} has ${width * height} pixels, more than 2^31 - 1`,
    );
}

/** A new all-background mask. */
export function createMask(width: number, height: number): Mask {
  checkSize(width, 'width');
  checkSize(height, 'height');
  checkMaskPixels(width, height);
  return { width, height, data: new Uint8Array(width * height) };
}

/** Number of foreground pixels. */
export function maskArea(mask: Mask): number {
  checkMask(mask);
  let n = 0;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  return n;
}

/**
 * Tight bounding box of the foreground as `[x, y, w, h]` in pixels (COCO's box convention),
 * or `[0, 0, 0, 0]` for an empty mask.
 */
export function maskBbox(mask: Mask): [x: number, y: number, w: number, h: number] {
  checkMask(mask);
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] !== 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** Centroid `[x, y]` of the foreground pixels (pixel centres), or `null` for an empty mask. */
export function maskCentroid(mask: Mask): Point | null {
  checkMask(mask);
  const { width, height, data } = mask;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] !== 0) {
        n++;
        sx += x;
        sy += y;
      }
    }
  }
  return n === 0 ? null : [sx / n, sy / n];
}

/**
 * Intersection over union of two masks of the same size.
 * Two empty masks give 0 (pycocotools' convention: no intersection → IoU 0).
 * @throws ContourError `SIZE_MISMATCH` when the sizes differ.
 */
export function maskIou(a: Mask, b: Mask): number {
  checkMask(a, 'a');
  checkMask(b, 'b');
  if (a.width !== b.width || a.height !== b.height) {
    throw new ContourError(
      'SIZE_MISMATCH',
      `maskIou: a is ${a.width}x${a.height} but b is ${b.width}x${b.height}`,
    );
  }
  const da = a.data;
  const db = b.data;
  const n = da.length;
  // 8 bytes of both masks at a time: a chunk where both are background (most of a mask) is skipped
  // on one test; the others are counted byte by byte without branches ((v + 255) >> 8 is v ≠ 0).
  const va = new DataView(da.buffer, da.byteOffset, n);
  const vb = new DataView(db.buffer, db.byteOffset, n);
  let inter = 0;
  let union = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    if ((va.getUint32(i) | va.getUint32(i + 4) | vb.getUint32(i) | vb.getUint32(i + 4)) === 0) continue;
    for (let j = i; j < i + 8; j++) {
      const pa = (da[j] + 255) >> 8;
      const pb = (db[j] + 255) >> 8;
      inter += pa & pb;
      union += pa | pb;
    }
  }
  for (; i < n; i++) {
    const pa = (da[i] + 255) >> 8;
    const pb = (db[i] + 255) >> 8;
    inter += pa & pb;
    union += pa | pb;
  }
  return inter === 0 ? 0 : inter / union;
}
