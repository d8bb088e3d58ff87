import { ContourError } from './errors';
import { checkPoints, type Point } from './mask';

const fround = Math.fround;

// The int32 coordinates of the curve being processed, reused across calls: allocating (and
// zeroing) a fresh array cost more than reading the points.
let flatInts = new Int32Array(256);

/**
 * Validates a curve (as {@link checkPoints}) and flattens it, with whether OpenCV would treat it
 * as float32 (any non-integer value): int32 points go to a shared scratch Int32Array (the fast
 * integer path, one pass; valid until the next call, and possibly longer than 2·n), others to a
 * float32-rounded Float64Array.
 */
function flatten(curve: Point[], name: string): { xy: Int32Array | Float64Array; isFloat: boolean } {
  if (Array.isArray(curve)) {
    const n = curve.length;
    if (flatInts.length < 2 * n) flatInts = new Int32Array(Math.max(2 * n, 2 * flatInts.length));
    const ints = flatInts;
    let i = 0;
    for (; i < n; i++) {
      const p = curve[i];
      if (!Array.isArray(p)) break;
      const x = p[0];
      const y = p[1];
      if ((x | 0) !== x || (y | 0) !== y) break;
      ints[2 * i] = x;
      ints[2 * i + 1] = y;
    }
    if (i === n) return { xy: ints, isFloat: false };
  }
  checkPoints(curve, name);
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

/**
 * Douglas–Peucker on flat coordinates `[x0, y0, x1, y1, …]`, exactly as OpenCV 4.12's
 * `approxPolyDP_` (see {@link approxPolyDP}): returns the indices of the kept points, in output
 * order. An `Int32Array` takes the fast integer path without a copy. `isFloat` reproduces
 * OpenCV's `Point2f` path (coordinate differences rounded to float32; pass float32 values).
 *
 * @throws ContourError `INVALID_ARGUMENT` for a bad `count` or ε, `INVALID_POINT` for fewer than
 *   `2·count` numbers or a non-finite one.
 * @example
 * approxPolyDPIndices(Int32Array.of(0, 0, 1, 0, 2, 0, 2, 2, 0, 2), 5, true, 0.5); // → Int32Array [0, 2, 3, 4]
 */
export function approxPolyDPIndices(
  points: ArrayLike<number>,
  count: number,
  closed: boolean,
  epsilon: number,
  isFloat = false,
): Int32Array {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new ContourError('INVALID_ARGUMENT', `count must be a non-negative integer, got ${String(count)}`);
  }
  if (points === null || typeof points !== 'object' || typeof points.length !== 'number') {
    throw new ContourError('INVALID_POINT', 'points must be an array or typed array of coordinates');
  }
  if (points.length < 2 * count) {
    throw new ContourError(
      'INVALID_POINT',
      `points holds ${points.length} numbers, fewer than 2·count = ${2 * count}`,
    );
  }
  checkEpsilon(epsilon);
  if (!(points instanceof Int32Array)) {
    for (let i = 0; i < 2 * count; i++) {
      if (!Number.isFinite(points[i])) {
        throw new ContourError(
          'INVALID_POINT',
          `points[${i}] must be a finite number, got ${String(points[i])}`,
        );
      }
    }
  }
  // The count first: approxKept may replace the scratch storage with a larger one.
  const n = approxKept(points, count, closed, epsilon, isFloat);
  return keptIndices().slice(0, n);
}

/**
 * {@link approxPolyDPIndices} without the argument checks (callers have validated), leaving the
 * kept indices in scratch storage, `keptIndices()[0 … n)`, valid until the next call; returns n.
 * For callers that read the result at once, without allocating it.
 */
export function approxKept(
  points: ArrayLike<number>,
  count: number,
  closed: boolean,
  epsilon: number,
  isFloat = false,
): number {
  if (count === 0) return 0;
  if (!isFloat) {
    let ints: Int32Array | null = null;
    if (points instanceof Int32Array) ints = points;
    else {
      ints = Int32Array.from(points as ArrayLike<number>);
      for (let i = 0; i < 2 * count && ints !== null; i++) if (ints[i] !== points[i]) ints = null;
    }
    // Coordinates outside [−2^14, 2^14) (absurd for images, but accepted) take the general path.
    const packed = ints === null ? null : analyse(ints, count);
    if (packed !== null) return douglasPeucker(packed, count, closed, epsilon * epsilon, false);
  }
  // One element type (Float64Array) in the general path's loops.
  const xy =
    points instanceof Float64Array
      ? points
      : Float64Array.from(points instanceof Int32Array ? points.subarray(0, 2 * count) : points);
  return douglasPeucker(xy, count, closed, epsilon * epsilon, isFloat);
}

/**
 * The clean-up's test on a general curve: whether the kept point (px, py) between (sx, sy) and
 * (ex, ey) lies on an [almost] straight line and between them (`isFloat`: OpenCV's `Point2f`
 * path, in float32; otherwise its `Point` path, whose products wrap in int32).
 */
function removableGeneral(
  sx: number,
  sy: number,
  px: number,
  py: number,
  ex: number,
  ey: number,
  eps: number,
  isFloat: boolean,
): boolean {
  const dx = isFloat ? fround(ex - sx) : ex - sx;
  const dy = isFloat ? fround(ey - sy) : ey - sy;
  const ax = isFloat ? fround(px - sx) : px - sx;
  const ay = isFloat ? fround(py - sy) : py - sy;
  const dist = Math.abs(ax * dy - ay * dx);
  const bx = isFloat ? fround(ex - px) : ex - px;
  const by = isFloat ? fround(ey - py) : ey - py;
  const inner = isFloat
    ? fround(fround(ax * bx) + fround(ay * by))
    : (Math.imul(ax, bx) + Math.imul(ay, by)) | 0;
  return dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx !== 0 && dy !== 0 && inner >= 0;
}

/**
 * OpenCV's clean-up pass after Douglas–Peucker: removes the kept points that lie on [almost]
 * straight lines. `dst[0 … count)` holds the kept indices; leaves the final ones at its start and
 * returns how many.
 */
function cleanUp(
  xy: Int32Array | Float64Array,
  isFloat: boolean,
  dst: Int32Array,
  count: number,
  closed: boolean,
  eps: number,
): number {
  const ints = xy instanceof Int32Array ? xy : null;
  const doubles = xy as Float64Array;
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
    // T * T stays in T: float32 products and sum on OpenCV's Point2f path, int32 (wrapping) ones
    // on its Point path. The two read apart, as in douglasPeucker, so each keeps its value types.
    let remove: boolean;
    if (ints !== null) {
      const ws = ints[start];
      const we = ints[end];
      const wp = ints[pt];
      const sx = ws >> 16;
      const sy = (ws << 16) >> 16;
      const ex = we >> 16;
      const ey = (we << 16) >> 16;
      const px = wp >> 16;
      const py = (wp << 16) >> 16;
      const dx = ex - sx;
      const dy = ey - sy;
      const ax = px - sx;
      const ay = py - sy;
      const dist = Math.abs(ax * dy - ay * dx);
      const inner = (Math.imul(ax, ex - px) + Math.imul(ay, ey - py)) | 0;
      remove = dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx !== 0 && dy !== 0 && inner >= 0;
    } else {
      remove = removableGeneral(
        doubles[2 * start],
        doubles[2 * start + 1],
        doubles[2 * pt],
        doubles[2 * pt + 1],
        doubles[2 * end],
        doubles[2 * end + 1],
        eps,
        isFloat,
      );
    }
    if (remove) {
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
  return newCount;
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
  const count = Array.isArray(curve) ? curve.length : 0;
  // Integer curves within the int32 path's range are packed as they are read; others are
  // validated and flattened for the general path (or for the error).
  const pk = packCurve(curve);
  let n: number;
  if (pk !== null) {
    checkEpsilon(epsilon);
    n = count === 0 ? 0 : douglasPeucker(boxes(pk, count), count, closed, epsilon * epsilon, false);
  } else {
    const { xy, isFloat } = flatten(curve, 'curve');
    checkEpsilon(epsilon);
    n = approxKept(xy, count, closed, epsilon, isFloat);
  }
  const idx = keptIndices();
  const out: Point[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const p = curve[idx[k]];
    out[k] = [p[0], p[1]];
  }
  return out;
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
  const { xy } = flatten(curve, 'curve');
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
  const { xy } = flatten(curve, 'curve');
  return contourAreaFlat(xy, curve.length, oriented);
}

// The integer path. OpenCV's `Point` path computes in 32-bit ints and doubles; for curves whose
// coordinates lie in [−2^14, 2^14) every line distance `(y − sy)·dx − (x − sx)·dy` fits in int32,
// so it runs in int32 arithmetic here (exact); other integer curves take the general path.
//
// Such a point packs into one int32, x in the high 16 bits and y in the low 16 (`x << 16 | y &
// 0xffff`; back with `v >> 16` and `v << 16 >> 16`): the scans read one array element a point
// instead of two, with one bounds check (and the Point[] API packs while it reads, without a flat
// copy).
//
// Bounds for skipping: the curve is cut into blocks of 32 consecutive points, each with its
// bounding box (the block size is chosen by the contour bench). A long scan asks each block for an
// upper bound of its points' distances (exact) and looks only inside blocks whose bound beats the
// best value so far; it first reads the most promising block, so that the best value is high from the start.
// The first point with the strictly largest value is found exactly as a full scan finds it.
const SHIFT = 5;
const BLOCK = 1 << SHIFT;
/** Runs shorter than this are scanned point by point. */
const MIN_BLOCKED = 5 * BLOCK;
/** Coordinates must lie in [−SMALL, SMALL) for the int32 path. */
const SMALL = 2 ** 14;
/** Whether the int32 x and y lie in [−SMALL, SMALL) (both offsets below 2^15 as unsigned). */
const inPackRange = (x: number, y: number): boolean => ((x + SMALL) | (y + SMALL)) >>> 0 < 2 * SMALL;
/** The packed point (see above): x in the high 16 bits, y in the low 16. */
const pack = (x: number, y: number): number => (x << 16) | (y & 0xffff);

interface Blocks {
  x0: Int32Array;
  x1: Int32Array;
  y0: Int32Array;
  y1: Int32Array;
  /** Scratch: the bounds of the current scan. */
  ub: Float64Array;
}

// Scratch storage for the integer path, reused across calls (grown on demand; nothing here is
// reentrant): the packed points, the block boxes and bounds, the kept indices and the work stack.
const blocks: Blocks = {
  x0: new Int32Array(64),
  x1: new Int32Array(64),
  y0: new Int32Array(64),
  y1: new Int32Array(64),
  ub: new Float64Array(64),
};
let keptStore = new Int32Array(256);
/** Where {@link approxKept} leaves its result. */
export const keptIndices = (): Int32Array => keptStore;
let stackStore = new Int32Array(64);
let packedStore = new Int32Array(256);
/** The running maximum of the block-bounded scans, carried across the runs of a wrapping slice. */
const best = { dist: 0 };
/** The maximum {@link scanLine} reached. */
let scanMax = 0;
/**
 * The general path's running maximum: its own object, so that `best.dist` only ever holds int32
 * values (the integer scans then compare in int32, whatever curves came before).
 */
const bestGeneral = { dist: 0 };

/** Room in {@link blocks} for `nb` blocks and in the packed store for `count` points. */
function reserve(nb: number, count: number): void {
  if (blocks.x0.length < nb) {
    const cap = Math.max(nb, 2 * blocks.x0.length);
    blocks.x0 = new Int32Array(cap);
    blocks.x1 = new Int32Array(cap);
    blocks.y0 = new Int32Array(cap);
    blocks.y1 = new Int32Array(cap);
    blocks.ub = new Float64Array(cap);
  }
  if (packedStore.length < count) packedStore = new Int32Array(Math.max(count, 2 * packedStore.length));
}

/**
 * Packs flat int32 points into the packed store and fills {@link blocks} with the boxes of the
 * full blocks, in one pass; null if a coordinate lies outside [−SMALL, SMALL). The box loop
 * mirrors {@link boxes} on flat input, so that the points are read once.
 */
function analyse(xy: Int32Array, count: number): Int32Array | null {
  // No boxes for a curve shorter than MIN_BLOCKED: no scan of it is long enough to read them.
  const nb = count < MIN_BLOCKED ? 0 : count >> SHIFT;
  reserve(nb, count);
  const pk = packedStore;
  const { x0, x1, y0, y1 } = blocks;
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < nb; b++) {
    let minX = xy[b << (SHIFT + 1)];
    let maxX = minX;
    let minY = xy[(b << (SHIFT + 1)) + 1];
    let maxY = minY;
    // Two points a step through Math.min/max: compares and branches that predict well along a
    // contour, where coordinates move in long monotone runs.
    for (let i = b << (SHIFT + 1), end = (b + 1) << (SHIFT + 1); i < end; i += 4) {
      const xa = xy[i];
      const ya = xy[i + 1];
      const xb = xy[i + 2];
      const yb = xy[i + 3];
      pk[i >> 1] = pack(xa, ya);
      pk[(i >> 1) + 1] = pack(xb, yb);
      minX = Math.min(minX, xa, xb);
      maxX = Math.max(maxX, xa, xb);
      minY = Math.min(minY, ya, yb);
      maxY = Math.max(maxY, ya, yb);
    }
    x0[b] = minX;
    x1[b] = maxX;
    y0[b] = minY;
    y1[b] = maxY;
    lo = Math.min(lo, minX, minY);
    hi = Math.max(hi, maxX, maxY);
  }
  for (let i = nb << (SHIFT + 1), end = 2 * count; i < end; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    pk[i >> 1] = pack(x, y);
    lo = Math.min(lo, x, y);
    hi = Math.max(hi, x, y);
  }
  return lo >= -SMALL && hi < SMALL ? pk : null;
}

/**
 * The Point[] API's reading pass: packs an integer curve into the packed store, or returns null
 * if it is not an array of int32 points within [−SMALL, SMALL) (the caller then validates and
 * takes the general path). Two points a step, since the reading waits on memory (each point is its
 * own array).
 */
function packCurve(curve: Point[]): Int32Array | null {
  if (!Array.isArray(curve)) return null;
  const n = curve.length;
  reserve(0, n);
  const pk = packedStore;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const p = curve[i];
    const q = curve[i + 1];
    if (!Array.isArray(p) || !Array.isArray(q)) return null;
    const x = p[0];
    const y = p[1];
    const u = q[0];
    const v = q[1];
    if ((x | 0) !== x || (y | 0) !== y || (u | 0) !== u || (v | 0) !== v) return null;
    // inPackRange of both points in one test.
    if (((x + SMALL) | (y + SMALL) | (u + SMALL) | (v + SMALL)) >>> 0 >= 2 * SMALL) return null;
    pk[i] = pack(x, y);
    pk[i + 1] = pack(u, v);
  }
  if (i < n) {
    const p = curve[i];
    if (!Array.isArray(p)) return null;
    const x = p[0];
    const y = p[1];
    if ((x | 0) !== x || (y | 0) !== y || !inPackRange(x, y)) return null;
    pk[i] = pack(x, y);
  }
  return pk;
}

/** Fills {@link blocks} with the boxes of the full blocks of packed points; returns `pk`. */
function boxes(pk: Int32Array, count: number): Int32Array {
  // None for a curve shorter than MIN_BLOCKED, as in analyse: no scan of it reads them.
  const nb = count < MIN_BLOCKED ? 0 : count >> SHIFT;
  reserve(nb, 0);
  const { x0, x1, y0, y1 } = blocks;
  for (let b = 0; b < nb; b++) {
    const w = pk[b << SHIFT];
    let minX = w >> 16;
    let maxX = minX;
    let minY = (w << 16) >> 16;
    let maxY = minY;
    for (let i = b << SHIFT, end = (b + 1) << SHIFT; i < end; i += 2) {
      const wa = pk[i];
      const wb = pk[i + 1];
      const xa = wa >> 16;
      const ya = (wa << 16) >> 16;
      const xb = wb >> 16;
      const yb = (wb << 16) >> 16;
      minX = Math.min(minX, xa, xb);
      maxX = Math.max(maxX, xa, xb);
      minY = Math.min(minY, ya, yb);
      maxY = Math.max(maxY, ya, yb);
    }
    x0[b] = minX;
    x1[b] = maxX;
    y0[b] = minY;
    y1[b] = maxY;
  }
  return pk;
}

/**
 * Scans the packed points pk[i … end) for `|(y − sy)·dx − (x − sx)·dy|` above `maxDist`: returns
 * the index of the first point with the largest such value (`at` if none beats `maxDist`) and
 * leaves that value in {@link scanMax} (locals and a return value, not fields of `best`). Two
 * points per step. The distance is computed as `y·dx − x·dy + c` in wrapping int32 arithmetic,
 * exact because its true value fits in int32; the `| 0` on sums and on the index keeps them int32.
 */
function scanLine(
  pk: Int32Array,
  i: number,
  end: number,
  sx: number,
  sy: number,
  dx: number,
  dy: number,
  maxDist: number,
  at: number,
): number {
  const c = (Math.imul(sx, dy) - Math.imul(sy, dx)) | 0;
  for (const last = end - 1; i < last; i = (i + 2) | 0) {
    const v0 = pk[i];
    const v1 = pk[(i + 1) | 0];
    let d0 = (Math.imul((v0 << 16) >> 16, dx) - Math.imul(v0 >> 16, dy) + c) | 0;
    let d1 = (Math.imul((v1 << 16) >> 16, dx) - Math.imul(v1 >> 16, dy) + c) | 0;
    d0 = ((d0 ^ (d0 >> 31)) - (d0 >> 31)) | 0;
    d1 = ((d1 ^ (d1 >> 31)) - (d1 >> 31)) | 0;
    if (d0 > maxDist || d1 > maxDist) {
      if (d0 > maxDist) {
        maxDist = d0;
        at = i;
      }
      if (d1 > maxDist) {
        maxDist = d1;
        at = (i + 1) | 0;
      }
    }
  }
  if (i < end) {
    const v = pk[i];
    let d = (Math.imul((v << 16) >> 16, dx) - Math.imul(v >> 16, dy) + c) | 0;
    d = (d ^ (d >> 31)) - (d >> 31);
    if (d > maxDist) {
      maxDist = d;
      at = i;
    }
  }
  scanMax = maxDist;
  return at;
}

/**
 * Over the points [from, to): the first with the strictly largest `|(y − sy)·dx − (x − sx)·dy|`
 * above `best.dist` (which is raised to it), as a point index, or −1.
 */
function farthestFromLine(
  pk: Int32Array,
  from: number,
  to: number,
  sx: number,
  sy: number,
  dx: number,
  dy: number,
): number {
  let maxDist = best.dist;
  let p = from;
  let b = 0;
  let b1 = 0;
  const ub = blocks.ub;
  const blocked = to - from >= MIN_BLOCKED;
  if (blocked) {
    b = (from + BLOCK - 1) >> SHIFT;
    b1 = to >> SHIFT;
    // Corners giving the largest and the smallest value of the linear function over a box.
    const hiY = dx >= 0 ? blocks.y1 : blocks.y0;
    const loY = dx >= 0 ? blocks.y0 : blocks.y1;
    const hiX = dy >= 0 ? blocks.x0 : blocks.x1;
    const loX = dy >= 0 ? blocks.x1 : blocks.x0;
    let seed = -1;
    let seedBound = -1;
    for (let k = b; k < b1; k++) {
      const top = (hiY[k] - sy) * dx - (hiX[k] - sx) * dy;
      const bottom = (sy - loY[k]) * dx - (sx - loX[k]) * dy;
      const u = top > bottom ? top : bottom;
      ub[k] = u;
      if (u > seedBound) {
        seedBound = u;
        seed = k;
      }
    }
    if (seedBound > maxDist) {
      // A value reached in the range; one below it (values are integers) still lets the scan
      // find the first point that reaches the maximum.
      let v = 0;
      for (let i = seed << SHIFT, end = (seed + 1) << SHIFT; i < end; i++) {
        const w = pk[i];
        let d = (Math.imul(((w << 16) >> 16) - sy, dx) - Math.imul((w >> 16) - sx, dy)) | 0;
        d = (d ^ (d >> 31)) - (d >> 31);
        if (d > v) v = d;
      }
      if (v - 1 > maxDist) maxDist = v - 1;
    }
  }
  // Point by point up to the first full block, then block by block, then the tail.
  let at = -1;
  for (;;) {
    const end = blocked && b < b1 ? b << SHIFT : to;
    at = scanLine(pk, p, end, sx, sy, dx, dy, maxDist, at);
    maxDist = scanMax;
    if (end === to) break;
    while (b < b1 && ub[b] <= maxDist) b++;
    p = b << SHIFT;
    if (b < b1) {
      at = scanLine(pk, p, p + BLOCK, sx, sy, dx, dy, maxDist, at);
      maxDist = scanMax;
      b++;
      p += BLOCK;
    }
  }
  if (at >= 0) best.dist = maxDist;
  return at;
}

/**
 * Over the points [from, to): the first with the strictly largest squared distance to (sx, sy)
 * above `best.dist` (which is raised to it), as a point index, or −1. The same block walk as
 * {@link farthestFromLine} with another distance; each keeps its own walk, so that neither chooses
 * its distance per block.
 */
function farthestFromPoint(pk: Int32Array, from: number, to: number, sx: number, sy: number): number {
  let maxDist = best.dist;
  let farthest = -1;
  let p = from;
  let b = 0;
  let b1 = 0;
  const ub = blocks.ub;
  const blocked = to - from >= MIN_BLOCKED;
  if (blocked) {
    b = (from + BLOCK - 1) >> SHIFT;
    b1 = to >> SHIFT;
    const { x0, x1, y0, y1 } = blocks;
    let seed = -1;
    let seedBound = -1;
    for (let k = b; k < b1; k++) {
      const ax = Math.max(Math.abs(x0[k] - sx), Math.abs(x1[k] - sx));
      const ay = Math.max(Math.abs(y0[k] - sy), Math.abs(y1[k] - sy));
      const u = ax * ax + ay * ay;
      ub[k] = u;
      if (u > seedBound) {
        seedBound = u;
        seed = k;
      }
    }
    if (seedBound > maxDist) {
      let v = 0;
      for (let i = seed << SHIFT, end = (seed + 1) << SHIFT; i < end; i++) {
        const w = pk[i];
        const dx = (w >> 16) - sx;
        const dy = ((w << 16) >> 16) - sy;
        const d = (Math.imul(dx, dx) + Math.imul(dy, dy)) | 0;
        if (d > v) v = d;
      }
      if (v - 1 > maxDist) maxDist = v - 1;
    }
  }
  for (;;) {
    const end = blocked && b < b1 ? b << SHIFT : to;
    for (let i = p; i < end; i = (i + 1) | 0) {
      const w = pk[i];
      const dx = (w >> 16) - sx;
      const dy = ((w << 16) >> 16) - sy;
      const d = (Math.imul(dx, dx) + Math.imul(dy, dy)) | 0;
      if (d > maxDist) {
        maxDist = d;
        farthest = i;
      }
    }
    if (end === to) break;
    while (b < b1 && ub[b] <= maxDist) b++;
    p = b << SHIFT;
    if (b < b1) {
      for (let i = p, iEnd = p + BLOCK; i < iEnd; i = (i + 1) | 0) {
        const w = pk[i];
        const dx = (w >> 16) - sx;
        const dy = ((w << 16) >> 16) - sy;
        const d = (Math.imul(dx, dx) + Math.imul(dy, dy)) | 0;
        if (d > maxDist) {
          maxDist = d;
          farthest = i;
        }
      }
      b++;
      p += BLOCK;
    }
  }
  if (farthest >= 0) best.dist = maxDist;
  return farthest;
}

/**
 * Over the points [from, to) of a general (float64) curve: the first with the strictly largest
 * squared distance to (sx, sy) above `best.dist` (raised to it), as a point index, or −1. With
 * `isFloat`, coordinate differences are rounded to float32 as on OpenCV's `Point2f` path.
 */
function generalFromPoint(
  xy: Float64Array,
  from: number,
  to: number,
  sx: number,
  sy: number,
  isFloat: boolean,
): number {
  let maxDist = bestGeneral.dist;
  let farthest = -1;
  for (let i = 2 * from, end = 2 * to; i < end; i += 2) {
    const dx = isFloat ? fround(xy[i] - sx) : xy[i] - sx;
    const dy = isFloat ? fround(xy[i + 1] - sy) : xy[i + 1] - sy;
    const dist = dx * dx + dy * dy;
    if (dist > maxDist) {
      maxDist = dist;
      farthest = i >> 1;
    }
  }
  bestGeneral.dist = maxDist;
  return farthest;
}

/** {@link generalFromPoint} for the distance `|(y − sy)·dx − (x − sx)·dy|` to a line. */
function generalFromLine(
  xy: Float64Array,
  from: number,
  to: number,
  sx: number,
  sy: number,
  dx: number,
  dy: number,
  isFloat: boolean,
): number {
  let maxDist = bestGeneral.dist;
  let farthest = -1;
  for (let i = 2 * from, end = 2 * to; i < end; i += 2) {
    const dist = Math.abs(
      (isFloat ? fround(xy[i + 1] - sy) : xy[i + 1] - sy) * dx -
        (isFloat ? fround(xy[i] - sx) : xy[i] - sx) * dy,
    );
    if (dist > maxDist) {
      maxDist = dist;
      farthest = i >> 1;
    }
  }
  bestGeneral.dist = maxDist;
  return farthest;
}

/** Doubles the Douglas–Peucker stack, keeping its contents (a plain function, not a closure over
 * the stack). */
function growStack(stack: Int32Array): Int32Array {
  const grown = new Int32Array(stack.length * 2);
  grown.set(stack);
  stackStore = grown;
  return grown;
}

/**
 * OpenCV 4.12's `approxPolyDP_` walk and decisions — the 3-iteration farthest-point start for
 * closed curves, then Douglas–Peucker on a stack of slices, then the clean-up — with the wrapping
 * walks split into straight runs over the array. An `Int32Array` holds packed points, from
 * {@link analyse} or {@link packCurve} with the block boxes ready: it is scanned in int32 with the
 * block bounds. A `Float64Array` is scanned in doubles (`isFloat`: OpenCV's `Point2f` rounding).
 * `eps` is ε². Leaves the kept indices at the start of `keptStore` and returns how many.
 */
function douglasPeucker(
  xy: Int32Array | Float64Array,
  count: number,
  closed: boolean,
  eps: number,
  isFloat: boolean,
): number {
  const ints = xy instanceof Int32Array ? xy : null;
  const doubles = xy instanceof Float64Array ? xy : null;
  if (keptStore.length < count) keptStore = new Int32Array(Math.max(count, 2 * keptStore.length));
  const dst = keptStore;
  let newCount = 0;
  // Slices (s, e) to process; the first one or two always fit (it never shrinks below 64).
  let stack: Int32Array = stackStore;
  let top = 0;
  // The integer and the general path read and compute apart (no shared load or arithmetic), so
  // that the integer path's values stay int32 in a process that also meets doubles.
  let isClosed = closed;
  let initIters = 3;
  let rightStart = 0;
  let pos = 0;
  if (!isClosed) {
    rightStart = count;
    const last = count - 1;
    if (
      ints !== null
        ? ints[last] !== ints[0]
        : (doubles as Float64Array)[2 * last] !== (doubles as Float64Array)[0] ||
          (doubles as Float64Array)[2 * last + 1] !== (doubles as Float64Array)[1]
    ) {
      stack[top++] = 0;
      stack[top++] = last;
    } else {
      isClosed = true;
      initIters = 1;
    }
  }

  if (isClosed) {
    rightStart = 0;
    let start = 0;
    let leEps = false;
    for (let it = 0; it < initIters; it++) {
      pos = (pos + rightStart) % count;
      start = pos;
      if (++pos >= count) pos = 0;
      // j = 1 … count − 1 walks from start + 1 and wraps: two straight runs over the array.
      const to = pos === 0 ? count - 1 : count;
      let f1: number;
      let f2 = -1;
      if (ints !== null) {
        const w = ints[start];
        const sx = w >> 16;
        const sy = (w << 16) >> 16;
        best.dist = 0;
        f1 = farthestFromPoint(ints, pos, to, sx, sy);
        if (pos > 0) f2 = farthestFromPoint(ints, 0, start, sx, sy);
        leEps = best.dist <= eps;
      } else {
        const d = doubles as Float64Array;
        const sx = d[2 * start];
        const sy = d[2 * start + 1];
        bestGeneral.dist = 0;
        f1 = generalFromPoint(d, pos, to, sx, sy, isFloat);
        if (pos > 0) f2 = generalFromPoint(d, 0, start, sx, sy, isFloat);
        leEps = bestGeneral.dist <= eps;
      }
      if (f2 >= 0) rightStart = f2 + count - pos + 1;
      else if (f1 >= 0) rightStart = f1 - pos + 1;
      pos = start; // count − 1 steps from start + 1 end back at start
    }
    if (!leEps) {
      const sliceStart = pos % count;
      const sliceEnd = (rightStart + sliceStart) % count;
      stack[top++] = sliceEnd;
      stack[top++] = sliceStart;
      stack[top++] = sliceStart;
      stack[top++] = sliceEnd;
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
      // The points strictly between s and e in walking order: one straight run, or two when the
      // slice wraps past the end of the array.
      const to = pos < e ? e : count;
      if (ints !== null) {
        const ws = ints[s];
        const we = ints[e];
        const sx = ws >> 16;
        const sy = (ws << 16) >> 16;
        const dx = (we >> 16) - sx;
        const dy = ((we << 16) >> 16) - sy;
        let maxDist: number;
        if (pos < e ? e - pos < MIN_BLOCKED : count - pos + e < MIN_BLOCKED) {
          // Most integer segments are short: scanned right here, in two runs if the slice wraps
          // (the second starts from the first's maximum, so a tie keeps the earlier point).
          farthest = scanLine(ints, pos, to, sx, sy, dx, dy, 0, 0);
          maxDist = scanMax;
          if (pos > e) {
            farthest = scanLine(ints, 0, e, sx, sy, dx, dy, maxDist, farthest);
            maxDist = scanMax;
          }
        } else {
          best.dist = 0;
          const f1 = farthestFromLine(ints, pos, to, sx, sy, dx, dy);
          const f2 = pos > e ? farthestFromLine(ints, 0, e, sx, sy, dx, dy) : -1;
          farthest = f2 >= 0 ? f2 : f1 >= 0 ? f1 : 0;
          maxDist = best.dist;
        }
        leEps = maxDist * maxDist <= eps * (dx * dx + dy * dy);
      } else {
        const d = doubles as Float64Array;
        const sx = d[2 * s];
        const sy = d[2 * s + 1];
        const dx = isFloat ? fround(d[2 * e] - sx) : d[2 * e] - sx;
        const dy = isFloat ? fround(d[2 * e + 1] - sy) : d[2 * e + 1] - sy;
        bestGeneral.dist = 0;
        const f1 = generalFromLine(d, pos, to, sx, sy, dx, dy, isFloat);
        const f2 = pos > e ? generalFromLine(d, 0, e, sx, sy, dx, dy, isFloat) : -1;
        farthest = f2 >= 0 ? f2 : f1 >= 0 ? f1 : 0;
        const maxDist = bestGeneral.dist;
        leEps = maxDist * maxDist <= eps * (dx * dx + dy * dy);
      }
    }
    if (leEps) dst[newCount++] = s;
    else if (farthest === pos) {
      // The left half (s, farthest) has no point inside, so its pop would only keep s: kept here
      // at once, and the right half too when it is also empty. Same output, same order; on
      // contours that keep about half their points this saves a fifth to a third of the pops.
      dst[newCount++] = s;
      let next = farthest + 1;
      if (next >= count) next = 0;
      if (next === e) dst[newCount++] = farthest;
      else {
        if (top + 2 > stack.length) stack = growStack(stack);
        stack[top++] = farthest;
        stack[top++] = e;
      }
    } else {
      if (top + 4 > stack.length) stack = growStack(stack);
      stack[top++] = farthest;
      stack[top++] = e;
      stack[top++] = s;
      stack[top++] = farthest;
    }
  }

  if (!isClosed) dst[newCount++] = count - 1;

  return cleanUp(xy, isFloat, dst, newCount, closed, eps);
}
