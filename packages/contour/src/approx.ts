import { ContourError } from './errors';
import { checkPoints, type Point } from './mask';

const fround = Math.fround;

/**
 * Flat coordinates plus whether OpenCV would treat them as float32 (any non-integer value):
 * an Int32Array for integer points (the fast integer path), else float32-rounded Float64Array.
 */
function flatten(curve: Point[]): { xy: Int32Array | Float64Array; isFloat: boolean } {
  const ints = new Int32Array(curve.length * 2);
  for (let i = 0; i < curve.length; i++) {
    const x = curve[i][0];
    const y = curve[i][1];
    ints[2 * i] = x;
    ints[2 * i + 1] = y;
    if (ints[2 * i] !== x || ints[2 * i + 1] !== y) {
      // Not int32: the general path.
      const xy = new Float64Array(curve.length * 2);
      let isFloat = false;
      for (let k = 0; k < curve.length; k++) {
        xy[2 * k] = curve[k][0];
        xy[2 * k + 1] = curve[k][1];
        if (!Number.isInteger(curve[k][0]) || !Number.isInteger(curve[k][1])) isFloat = true;
      }
      if (isFloat) for (let k = 0; k < xy.length; k++) xy[k] = fround(xy[k]);
      return { xy, isFloat };
    }
  }
  return { xy: ints, isFloat: false };
}

/**
 * Douglas–Peucker on flat coordinates, as OpenCV 4.12's `approxPolyDP_`: distance to the infinite
 * line through the slice ends, a 3-iteration farthest-point start for closed curves, then a clean-up
 * pass that drops nearly collinear points. Returns indices of the kept points, in output order.
 * `isFloat` reproduces OpenCV's `Point2f` path (coordinate differences rounded to float32).
 */
export function approxPolyDPIndices(
  points: ArrayLike<number>,
  count: number,
  closed: boolean,
  epsilon: number,
  isFloat = false,
): Int32Array {
  if (count === 0) return new Int32Array(0);
  if (!isFloat) {
    if (points instanceof Int32Array) return approxInt(points, count, closed, epsilon * epsilon);
    // Integer coordinates beyond int32 (absurd for images, but accepted) take the general path.
    const ints = Int32Array.from(points as ArrayLike<number>);
    let same = true;
    for (let i = 0; i < 2 * count && same; i++) same = ints[i] === points[i];
    if (same) return approxInt(ints, count, closed, epsilon * epsilon);
  }
  // One element type in the hot loops keeps V8's property access monomorphic.
  const xy = points instanceof Float64Array ? points : Float64Array.from(points);
  const eps = epsilon * epsilon;
  const dst = new Int32Array(count);
  let newCount = 0;
  let stack = new Int32Array(Math.max(16, 2 * count));
  let top = 0;
  const push = (s: number, e: number) => {
    if (top + 2 > stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = s;
    stack[top++] = e;
  };

  let isClosed = closed;
  let initIters = 3;
  let rightStart = 0;
  let pos = 0;
  if (!isClosed) {
    rightStart = count;
    const last = count - 1;
    if (xy[2 * last] !== xy[0] || xy[2 * last + 1] !== xy[1]) push(0, last);
    else {
      isClosed = true;
      initIters = 1;
    }
  }

  if (isClosed) {
    rightStart = 0;
    let start = 0;
    let leEps = false;
    for (let it = 0; it < initIters; it++) {
      let maxDist = 0;
      pos = (pos + rightStart) % count;
      start = pos;
      if (++pos >= count) pos = 0;
      const sx = xy[2 * start];
      const sy = xy[2 * start + 1];
      for (let j = 1; j < count; j++) {
        const p = pos;
        if (++pos >= count) pos = 0;
        const dx = isFloat ? fround(xy[2 * p] - sx) : xy[2 * p] - sx;
        const dy = isFloat ? fround(xy[2 * p + 1] - sy) : xy[2 * p + 1] - sy;
        const dist = dx * dx + dy * dy;
        if (dist > maxDist) {
          maxDist = dist;
          rightStart = j;
        }
      }
      leEps = maxDist <= eps;
    }
    if (!leEps) {
      const sliceStart = pos % count;
      const sliceEnd = (rightStart + sliceStart) % count;
      push(sliceEnd, sliceStart);
      push(sliceStart, sliceEnd);
    } else {
      dst[newCount++] = start;
    }
  }

  while (top > 0) {
    const e = stack[--top];
    const s = stack[--top];
    pos = s;
    if (++pos >= count) pos = 0;
    let leEps: boolean;
    let farthest = 0;
    if (pos !== e) {
      const sx = xy[2 * s];
      const sy = xy[2 * s + 1];
      const dx = isFloat ? fround(xy[2 * e] - sx) : xy[2 * e] - sx;
      const dy = isFloat ? fround(xy[2 * e + 1] - sy) : xy[2 * e + 1] - sy;
      let maxDist = 0;
      while (pos !== e) {
        const p = pos;
        if (++pos >= count) pos = 0;
        const dist = Math.abs(
          (isFloat ? fround(xy[2 * p + 1] - sy) : xy[2 * p + 1] - sy) * dx -
            (isFloat ? fround(xy[2 * p] - sx) : xy[2 * p] - sx) * dy,
        );
        if (dist > maxDist) {
          maxDist = dist;
          farthest = p;
        }
      }
      leEps = maxDist * maxDist <= eps * (dx * dx + dy * dy);
    } else {
      leEps = true;
    }
    if (leEps) dst[newCount++] = s;
    else {
      push(farthest, e);
      push(s, farthest);
    }
  }

  if (!isClosed) dst[newCount++] = count - 1;

  return cleanUp(xy, isFloat, dst, newCount, closed, eps);
}

/**
 * OpenCV's clean-up pass after Douglas–Peucker: removes the kept points that lie on [almost]
 * straight lines. `dst[0 … newCount)` holds the kept indices; returns the final ones.
 */
function cleanUp(
  xy: Int32Array | Float64Array,
  isFloat: boolean,
  dst: Int32Array,
  count: number,
  closed: boolean,
  eps: number,
): Int32Array {
  let newCount = count;
  const n = newCount;
  let pos: number;
  const open = closed ? 0 : 1;
  pos = closed ? n - 1 : 0;
  let start = dst[pos];
  if (++pos >= n) pos = 0;
  let wpos = pos;
  let pt = dst[pos];
  if (++pos >= n) pos = 0;
  for (let i = open; i < n - open && newCount > 2; i++) {
    const end = dst[pos];
    if (++pos >= n) pos = 0;
    const dx = isFloat ? fround(xy[2 * end] - xy[2 * start]) : xy[2 * end] - xy[2 * start];
    const dy = isFloat ? fround(xy[2 * end + 1] - xy[2 * start + 1]) : xy[2 * end + 1] - xy[2 * start + 1];
    const px = isFloat ? fround(xy[2 * pt] - xy[2 * start]) : xy[2 * pt] - xy[2 * start];
    const py = isFloat ? fround(xy[2 * pt + 1] - xy[2 * start + 1]) : xy[2 * pt + 1] - xy[2 * start + 1];
    const dist = Math.abs(px * dy - py * dx);
    // T * T stays in T: float32 products and sum on OpenCV's Point2f path.
    const ix = px * (isFloat ? fround(xy[2 * end] - xy[2 * pt]) : xy[2 * end] - xy[2 * pt]);
    const iy = py * (isFloat ? fround(xy[2 * end + 1] - xy[2 * pt + 1]) : xy[2 * end + 1] - xy[2 * pt + 1]);
    const inner = isFloat ? fround(fround(ix) + fround(iy)) : ix + iy;
    if (dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx !== 0 && dy !== 0 && inner >= 0) {
      newCount--;
      dst[wpos] = start = end;
      if (++wpos >= n) wpos = 0;
      pt = dst[pos];
      if (++pos >= n) pos = 0;
      i++;
      continue;
    }
    dst[wpos] = start = pt;
    if (++wpos >= n) wpos = 0;
    pt = end;
  }
  if (!closed) dst[wpos] = pt;
  return dst.slice(0, newCount);
}

function checkEpsilon(epsilon: unknown): asserts epsilon is number {
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !(epsilon < 1e30)) {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `epsilon must be a finite number >= 0, got ${String(epsilon)}`,
    );
  }
}

/**
 * Simplifies a curve with Douglas–Peucker exactly as OpenCV 4.12's `cv.approxPolyDP`
 * (same points, same order, same start point).
 *
 * @param curve points; integer points follow OpenCV's `int` path, others its `float32` path.
 * @param epsilon maximum distance (pixels) between the curve and its approximation.
 * @param closed whether the curve is closed.
 * @returns the kept points (the input's own values).
 * @throws ContourError `INVALID_POINT` for NaN/∞ coordinates, `INVALID_ARGUMENT` for ε < 0 or non-finite.
 * @example
 * approxPolyDP([[0, 0], [1, 0.1], [2, 0], [2, 2], [0, 2]], 0.5, true); // → [[0, 0], [0, 2], [2, 2], [2, 0]]
 */
export function approxPolyDP(curve: Point[], epsilon: number, closed: boolean): Point[] {
  checkPoints(curve, 'curve');
  checkEpsilon(epsilon);
  const { xy, isFloat } = flatten(curve);
  const idx = approxPolyDPIndices(xy, curve.length, closed, epsilon, isFloat);
  return Array.from(idx, (i) => [curve[i][0], curve[i][1]] as Point);
}

/** `cv.arcLength` on flat coordinates: float32 segment lengths summed in float64, as OpenCV does. */
export function arcLengthFlat(xy: ArrayLike<number>, count: number, closed: boolean): number {
  if (count <= 1) return 0;
  const last = closed ? count - 1 : 0;
  let px = fround(xy[2 * last]);
  let py = fround(xy[2 * last + 1]);
  let perimeter = 0;
  for (let i = 0; i < count; i++) {
    const x = fround(xy[2 * i]);
    const y = fround(xy[2 * i + 1]);
    const dx = fround(x - px);
    const dy = fround(y - py);
    perimeter += fround(Math.sqrt(fround(fround(dx * dx) + fround(dy * dy))));
    px = x;
    py = y;
  }
  return perimeter;
}

/**
 * Curve length, bit-identical to OpenCV's `cv.arcLength` (which measures each segment in float32).
 * @throws ContourError `INVALID_POINT` for NaN/∞ coordinates.
 * @example
 * arcLength([[0, 0], [3, 0], [3, 4]], true); // → 12
 */
export function arcLength(curve: Point[], closed: boolean): number {
  checkPoints(curve, 'curve');
  const { xy } = flatten(curve);
  return arcLengthFlat(xy, curve.length, closed);
}

/** `cv.contourArea` on flat coordinates (shoelace formula on float32 inputs, in float64). */
export function contourAreaFlat(xy: ArrayLike<number>, count: number, oriented = false): number {
  if (count === 0) return 0;
  let px = fround(xy[2 * (count - 1)]);
  let py = fround(xy[2 * (count - 1) + 1]);
  let a = 0;
  for (let i = 0; i < count; i++) {
    const x = fround(xy[2 * i]);
    const y = fround(xy[2 * i + 1]);
    a += px * y - py * x;
    px = x;
    py = y;
  }
  a *= 0.5;
  return oriented ? a : Math.abs(a);
}

/**
 * Polygon area, identical to OpenCV's `cv.contourArea`. With `oriented`, the sign tells the
 * direction: positive for clockwise on screen (y down), negative for counter-clockwise — OpenCV's
 * outer contours are negative.
 * @throws ContourError `INVALID_POINT` for NaN/∞ coordinates.
 * @example
 * contourArea([[0, 0], [4, 0], [4, 3]]); // → 6
 */
export function contourArea(curve: Point[], oriented = false): number {
  checkPoints(curve, 'curve');
  const { xy } = flatten(curve);
  return contourAreaFlat(xy, curve.length, oriented);
}

/**
 * The integer path of {@link approxPolyDPIndices} (OpenCV's `Point` path) on `Int32Array`
 * coordinates: the same walk and the same decisions, with the wrapping walks split into straight
 * runs and the distance to the line written as `y·dx − x·dy + C` (exact: integers below 2^53).
 */
function approxInt(xy: Int32Array, count: number, closed: boolean, eps: number): Int32Array {
  const dst = new Int32Array(count);
  let newCount = 0;
  let stack = new Int32Array(64);
  let top = 0;
  const push = (s: number, e: number) => {
    if (top + 2 > stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = s;
    stack[top++] = e;
  };

  let isClosed = closed;
  let initIters = 3;
  let rightStart = 0;
  let pos = 0;
  if (!isClosed) {
    rightStart = count;
    const last = count - 1;
    if (xy[2 * last] !== xy[0] || xy[2 * last + 1] !== xy[1]) push(0, last);
    else {
      isClosed = true;
      initIters = 1;
    }
  }

  if (isClosed) {
    rightStart = 0;
    let start = 0;
    let leEps = false;
    for (let it = 0; it < initIters; it++) {
      let maxDist = 0;
      pos = (pos + rightStart) % count;
      start = pos;
      if (++pos >= count) pos = 0;
      const sx = xy[2 * start];
      const sy = xy[2 * start + 1];
      // j = 1 … count − 1, walking from start + 1 and wrapping: two straight runs.
      let j = 1;
      for (let i = 2 * pos, end = 2 * count; j < count && i < end; i += 2, j++) {
        const dx = xy[i] - sx;
        const dy = xy[i + 1] - sy;
        const dist = dx * dx + dy * dy;
        if (dist > maxDist) {
          maxDist = dist;
          rightStart = j;
        }
      }
      for (let i = 0; j < count; i += 2, j++) {
        const dx = xy[i] - sx;
        const dy = xy[i + 1] - sy;
        const dist = dx * dx + dy * dy;
        if (dist > maxDist) {
          maxDist = dist;
          rightStart = j;
        }
      }
      pos = start; // count − 1 steps from start + 1 end back at start
      leEps = maxDist <= eps;
    }
    if (!leEps) {
      const sliceStart = pos % count;
      const sliceEnd = (rightStart + sliceStart) % count;
      push(sliceEnd, sliceStart);
      push(sliceStart, sliceEnd);
    } else {
      dst[newCount++] = start;
    }
  }

  while (top > 0) {
    const e = stack[--top];
    const s = stack[--top];
    pos = s + 1;
    if (pos >= count) pos = 0;
    let leEps = true;
    let farthest = 0;
    if (pos !== e) {
      const sx = xy[2 * s];
      const sy = xy[2 * s + 1];
      const dx = xy[2 * e] - sx;
      const dy = xy[2 * e + 1] - sy;
      // (y − sy)·dx − (x − sx)·dy = y·dx − x·dy + c.
      const c = sx * dy - sy * dx;
      let maxDist = 0;
      // The points strictly between s and e in walking order, as one or two straight runs.
      const stop = pos < e ? e : count;
      for (let i = 2 * pos, end = 2 * stop; i < end; i += 2) {
        let d = xy[i + 1] * dx - xy[i] * dy + c;
        if (d < 0) d = -d;
        if (d > maxDist) {
          maxDist = d;
          farthest = i;
        }
      }
      if (pos > e)
        for (let i = 0, end = 2 * e; i < end; i += 2) {
          let d = xy[i + 1] * dx - xy[i] * dy + c;
          if (d < 0) d = -d;
          if (d > maxDist) {
            maxDist = d;
            farthest = i;
          }
        }
      farthest >>= 1;
      leEps = maxDist * maxDist <= eps * (dx * dx + dy * dy);
    }
    if (leEps) dst[newCount++] = s;
    else {
      push(farthest, e);
      push(s, farthest);
    }
  }

  if (!isClosed) dst[newCount++] = count - 1;

  return cleanUp(xy, false, dst, newCount, closed, eps);
}
