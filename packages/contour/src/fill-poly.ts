import { ContourError } from './errors';
import {
  checkIntegerPoints,
  checkMask,
  checkSize,
  fillBytes,
  MAX_MASK_PIXELS,
  type Mask,
  type Point,
} from './mask';
import { sortCrossings, sortWideCrossings } from './sort-networks';

// OpenCV's drawing code works in 16.16 fixed point. Values here stay below 2^53, so plain
// numbers hold them exactly; shifts become floor-divisions by 2^16.
const XY_ONE = 65536;
const MAX_COORD = 2 ** 17;

/**
 * C's truncating integer division, exact for integers |a| < 2^53 and b ≠ 0: if a/b is not an
 * integer it lies at least 1/|b| from one, while rounding a/b to a double moves it by less than
 * |a/b|·2^-53 < 1/|b|, so truncating the double gives C's quotient.
 */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** `cv::clipLine(Size2l, Point2l&, Point2l&)`: clips in place, returns whether anything is inside. */
function clipLine(w: number, h: number, p: Segment): boolean {
  if (w <= 0 || h <= 0) return false;
  const right = w - 1;
  const bottom = h - 1;
  let { x1, y1, x2, y2 } = p;
  let c1 = +(x1 < 0) + +(x1 > right) * 2 + +(y1 < 0) * 4 + +(y1 > bottom) * 8;
  let c2 = +(x2 < 0) + +(x2 > right) * 2 + +(y2 < 0) * 4 + +(y2 > bottom) * 8;
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    let a: number;
    if (c1 & 12) {
      a = c1 < 8 ? 0 : bottom;
      x1 += idiv((a - y1) * (x2 - x1), y2 - y1);
      y1 = a;
      c1 = +(x1 < 0) + +(x1 > right) * 2;
    }
    if (c2 & 12) {
      a = c2 < 8 ? 0 : bottom;
      x2 += idiv((a - y2) * (x2 - x1), y2 - y1);
      y2 = a;
      c2 = +(x2 < 0) + +(x2 > right) * 2;
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        a = c1 === 1 ? 0 : right;
        y1 += idiv((a - x1) * (y2 - y1), x2 - x1);
        x1 = a;
        c1 = 0;
      }
      if (c2) {
        a = c2 === 1 ? 0 : right;
        y2 += idiv((a - x2) * (y2 - y1), x2 - x1);
        x2 = a;
        c2 = 0;
      }
    }
  }
  p.x1 = x1;
  p.y1 = y1;
  p.x2 = x2;
  p.y2 = y2;
  return (c1 | c2) === 0;
}

const outside = (x: number, y: number, w: number, h: number) => x < 0 || x >= w || y < 0 || y >= h;

const scratch: Segment = { x1: 0, y1: 0, x2: 0, y2: 0 };

/**
 * An 8-connected Bresenham line from (ax, ay) to (bx, by), both inside the image, drawn left to
 * right as OpenCV's `LineIterator`.
 */
function drawLine(data: Uint8Array, w: number, ax: number, ay: number, bx: number, by: number): void {
  // Everything in int32 (`| 0`): the end points may arrive as doubles (clipped ones come from a
  // division), and negating a 0 gives −0; the loop below then stays in int32 arithmetic.
  let x1 = ax | 0;
  let y1 = ay | 0;
  let dx = (bx - x1) | 0;
  let dy = (by - y1) | 0;
  if (dx < 0) {
    dx = (0 - dx) | 0;
    dy = (0 - dy) | 0;
    x1 = bx | 0;
    y1 = by | 0;
  }
  let sy = 1;
  if (dy < 0) {
    dy = (0 - dy) | 0;
    sy = -1;
  }
  // Bresenham with the major axis fixed per loop; the pixel index moves by one step at a time.
  // Branch-free (as OpenCV's LineIterator): m is −1 when the minor axis steps, else 0.
  const rowStep = (sy * w) | 0;
  let p = (y1 * w + x1) | 0;
  if (dy > dx) {
    let err = (dy - (dx + dx)) | 0;
    const plus = (dy + dy) | 0;
    const minus = (0 - (dx + dx)) | 0;
    for (let i = 0; i <= dy; i++) {
      data[p] = 1;
      const m = err >> 31;
      err = (err + minus + (plus & m)) | 0;
      p = (p + rowStep + (1 & m)) | 0;
    }
  } else {
    let err = (dx - (dy + dy)) | 0;
    const plus = (dx + dx) | 0;
    const minus = (0 - (dy + dy)) | 0;
    for (let i = 0; i <= dx; i++) {
      data[p] = 1;
      const m = err >> 31;
      err = (err + minus + (plus & m)) | 0;
      p = (p + 1 + (rowStep & m)) | 0;
    }
  }
}

// Scratch storage reused across calls (grown on demand): the edge table, the per-row crossing
// offsets and the crossings themselves.
let edgeY0 = new Int32Array(64);
let edgeY1 = new Int32Array(64);
let edgeX = new Float64Array(64);
let edgeDx = new Float64Array(64);
let edgeTopX = new Int32Array(64);
let edgeRun = new Int32Array(64);
let rowStart = new Int32Array(64);
let rowCursor = new Int32Array(64);
let crossings = new Int32Array(64);
let wideCrossings = new Float64Array(0);

function reserveEdges(n: number): void {
  if (edgeY0.length >= n) return;
  const cap = Math.max(n, edgeY0.length * 2);
  edgeY0 = new Int32Array(cap);
  edgeY1 = new Int32Array(cap);
  edgeX = new Float64Array(cap);
  edgeDx = new Float64Array(cap);
  edgeTopX = new Int32Array(cap);
  edgeRun = new Int32Array(cap);
}

/**
 * `CollectPolyEdges` (shift 0, 8-connected): draws each edge of one polygon and appends the
 * non-horizontal ones to the edge table from index `count`. Returns the new edge count.
 */
function collectPolyEdges(data: Uint8Array, w: number, h: number, v: Point[], count: number): number {
  const n = v.length;
  // With shift 0 a vertex's 16.16 value rounds back to the vertex itself. Vertices are checked
  // int32 values; `| 0` also turns a −0 into 0, so that all the arithmetic below stays int32.
  let px = v[n - 1][0] | 0;
  let py = v[n - 1][1] | 0;
  let pOut = outside(px, py, w, h);
  for (let i = 0; i < n; i++) {
    const qx = v[i][0] | 0;
    const qy = v[i][1] | 0;
    const qOut = outside(qx, qy, w, h);
    // OpenCV clips the line to the image for drawing, and builds the edge from the clipped end
    // points too (for accuracy outside the image).
    let x0c = px;
    let x1c = qx;
    let y0c = py;
    let y1c = qy;
    if (pOut || qOut) {
      scratch.x1 = px;
      scratch.y1 = py;
      scratch.x2 = qx;
      scratch.y2 = qy;
      const visible = clipLine(w, h, scratch);
      x0c = scratch.x1;
      x1c = scratch.x2;
      if (visible) drawLine(data, w, x0c, scratch.y1, x1c, scratch.y2);
      if (scratch.y1 !== scratch.y2) {
        y0c = scratch.y1;
        y1c = scratch.y2;
      }
    } else drawLine(data, w, px, py, qx, qy);
    pOut = qOut;
    if (py !== qy) {
      const dx = idiv((x1c - x0c) * XY_ONE, y1c - y0c);
      if (py < qy) {
        edgeY0[count] = py;
        edgeY1[count] = qy;
        edgeX[count] = x0c * XY_ONE + (py - y0c) * dx;
      } else {
        edgeY0[count] = qy;
        edgeY1[count] = py;
        edgeX[count] = x1c * XY_ONE + (qy - y1c) * dx;
      }
      edgeDx[count] = dx;
      count++;
    }
    px = qx;
    py = qy;
  }
  return count;
}

// Eight bytes of 1 as one float64 (a normal number, so typed-array stores keep its bytes).
const ONES8 = new Float64Array(new Uint8Array(8).fill(1).buffer)[0];
// Spans at least this long go to `TypedArray.fill` (memset); shorter ones are written as words,
// which avoids the builtin's per-call cost that dominates short spans.
const LONG_SPAN = 128;

/**
 * The 8-byte words that hold a mask's pixels, for {@link fillSpan}: word k is bytes
 * 8k − shift … 8k − shift + 7 of `data`, with shift = `data.byteOffset` mod 8 (a Float64Array
 * must start on a multiple of 8 bytes). Word indices stay below 2^28 for any mask.
 */
function wordsOf(data: Uint8Array): Float64Array {
  const start = data.byteOffset - (data.byteOffset % 8);
  return new Float64Array(data.buffer, start, Math.floor((data.byteOffset + data.byteLength - start) / 8));
}

/** Writes 1 into `data[p … q)`: words for short spans, memset for long ones. */
function fillSpan(
  data: Uint8Array,
  view: DataView,
  words: Float64Array,
  shift: number,
  p: number,
  q: number,
): void {
  const len = q - p;
  if (len >= LONG_SPAN) fillBytes.call(data, 1, p, q);
  else if (len >= 8) {
    // The unaligned ends, then any aligned words between them: four at a time and then the
    // last four (overlapping), or three stores for one to three words; one loop exit a span.
    view.setFloat64(p, ONES8, true);
    view.setFloat64(q - 8, ONES8, true);
    if (len > 16) {
      let k = (shift + p + 7) >> 3;
      const e = (shift + q) >> 3;
      if (e - k >= 4) {
        for (; k + 4 < e; k += 4) {
          words[k] = ONES8;
          words[k + 1] = ONES8;
          words[k + 2] = ONES8;
          words[k + 3] = ONES8;
        }
        words[e - 4] = ONES8;
        words[e - 3] = ONES8;
        words[e - 2] = ONES8;
        words[e - 1] = ONES8;
      } else {
        words[k] = ONES8;
        words[(k + e) >> 1] = ONES8;
        words[e - 1] = ONES8;
      }
    }
  } else if (len >= 4) {
    view.setUint32(p, 0x01010101, true);
    view.setUint32(q - 4, 0x01010101, true);
  } else if (len >= 2) {
    view.setUint16(p, 0x0101, true);
    view.setUint16(q - 2, 0x0101, true);
  } else data[p] = 1;
}

/**
 * Fills the pixels of one row between two of its crossings a ≤ b (16.16 fixed point, clamped to
 * [−1, w] pixels): from ⌈a⌉ to ⌊b⌋, cut to the image. `narrow`: a and b are int32.
 */
function fillBetween(
  data: Uint8Array,
  view: DataView,
  words: Float64Array,
  shift: number,
  row: number,
  w: number,
  a: number,
  b: number,
  narrow: boolean,
): void {
  let xa: number;
  let xb: number;
  if (narrow) {
    xa = (a + (XY_ONE - 1)) >> 16;
    xb = b >> 16;
  } else {
    xa = Math.floor((a + (XY_ONE - 1)) / XY_ONE);
    xb = Math.floor(b / XY_ONE);
  }
  if (xa >= w || xb < 0) return;
  if (xa < 0) xa = 0;
  if (xb >= w) xb = w - 1;
  if (xa <= xb) fillSpan(data, view, words, shift, row + xa, row + xb + 1);
}

/**
 * Where each row's crossings go: over rows [ys, ye), the edges' crossings per row as a difference
 * array turned into start offsets, in `rowStart` (and a copy in `rowCursor`, to fill them by).
 * Returns the number of crossings.
 */
function rowOffsets(total: number, ys: number, ye: number): number {
  const rows = ye - ys;
  if (rowStart.length < rows + 1) {
    rowStart = new Int32Array(Math.max(rows + 1, rowStart.length * 2));
    rowCursor = new Int32Array(rowStart.length);
  }
  const start = rowStart;
  const cursor = rowCursor;
  start.fill(0, 0, rows + 1);
  for (let k = 0; k < total; k++) {
    const a = Math.max(edgeY0[k], ys);
    const b = Math.min(edgeY1[k], ye);
    if (a < b) {
      start[a - ys]++;
      start[b - ys]--;
    }
  }
  let active = 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    active += start[r];
    start[r] = sum;
    cursor[r] = sum;
    sum += active;
  }
  start[rows] = sum;
  return sum;
}

/**
 * How {@link fillPoly} finds each row's spans: `buckets` computes the crossings edge by edge and
 * sorts each row ({@link fillEdgeCollection}), `active-edges` keeps them sorted from row to row
 * ({@link fillActiveEdges}), `fused` is `buckets` with the outline folded into the spans
 * ({@link fillFused}; when a vertex lies outside the image it falls back to `buckets`), and
 * `auto` takes `fused` or `buckets` unless rows cross many edges on average, then
 * `active-edges`. All give the same pixels; tests force each one.
 */
export type FillStrategy = 'auto' | 'fused' | 'buckets' | 'active-edges';

/**
 * `FillEdgeCollection`: OpenCV walks the rows keeping an x-sorted active-edge list, and on each
 * row fills between consecutive pairs of edges (even-odd), stepping every edge's x by its slope.
 * Only the sorted x values of the active edges matter for the pixels, so when rows cross few
 * edges (the usual case) this computes them edge by edge — x at row y is x0 + (y − y0)·dx, exact
 * in doubles as OpenCV's repeated additions are in 64-bit integers — buckets them per row, sorts
 * each row's few values and fills the same spans. Rows crossing many edges on average go to
 * {@link fillActiveEdges}. Rows above and below the image are never visited.
 */
function fillEdgeCollection(
  data: Uint8Array,
  w: number,
  h: number,
  total: number,
  strategy: FillStrategy,
): void {
  if (total < 2) return;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < total; k++) {
    const x = edgeX[k];
    const xEnd = x + (edgeY1[k] - edgeY0[k]) * edgeDx[k];
    if (edgeY0[k] < yMin) yMin = edgeY0[k];
    if (edgeY1[k] > yMax) yMax = edgeY1[k];
    if (x < xMin) xMin = x;
    if (xEnd < xMin) xMin = xEnd;
    if (x > xMax) xMax = x;
    if (xEnd > xMax) xMax = xEnd;
  }
  if (yMax < 0 || yMin >= h || xMax < 0 || xMin >= w * XY_ONE) return;
  const ys = Math.max(yMin, 0);
  const ye = Math.min(yMax, h);
  const rows = ye - ys;
  if (rows <= 0) return;

  const sum = rowOffsets(total, ys, ye);
  const start = rowStart;
  const cursor = rowCursor;
  if (strategy === 'active-edges' || (strategy === 'auto' && sum > ACTIVE_EDGES_FROM * rows)) {
    fillActiveEdges(data, w, total, ys, ye);
    return;
  }
  // Crossings are clamped to [−1, w] pixels: that keeps their order and every span (a span end
  // left of the image or right of it is cut to the image either way), and lets them sit in int32
  // 16.16 fixed point unless the image is 32k pixels wide or more.
  const lo = -XY_ONE;
  const hi = w * XY_ONE;
  const narrow = hi + XY_ONE < 2 ** 31;
  let xs: Int32Array | Float64Array;
  if (narrow) {
    if (crossings.length < sum) crossings = new Int32Array(Math.max(sum, crossings.length * 2));
    xs = crossings;
  } else {
    if (wideCrossings.length < sum) wideCrossings = new Float64Array(sum);
    xs = wideCrossings;
  }
  for (let k = 0; k < total; k++) {
    const y0 = edgeY0[k];
    const a = Math.max(y0, ys);
    const b = Math.min(edgeY1[k], ye);
    if (a >= b) continue;
    const dx = edgeDx[k];
    let x = edgeX[k] + (a - y0) * dx;
    const xLast = x + (b - 1 - a) * dx;
    if (Math.min(x, xLast) >= lo && Math.max(x, xLast) <= hi) {
      for (let r = a - ys, end = b - ys; r < end; r++) {
        xs[cursor[r]++] = x;
        x += dx;
      }
    } else {
      for (let r = a - ys, end = b - ys; r < end; r++) {
        xs[cursor[r]++] = x < lo ? lo : x > hi ? hi : x;
        x += dx;
      }
    }
  }

  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = wordsOf(data);
  const shift = data.byteOffset % 8;
  for (let r = 0; r < rows; r++) {
    const s = start[r];
    const e = start[r + 1];
    // A row holds a handful of crossings, most often two (see sort-networks.ts). int32 crossings
    // lie in [−2^16, w·2^16], so any two differ by less than 2^31, as sortCrossings needs.
    if (e - s > 1) {
      if (narrow) sortCrossings(crossings, s, e);
      else sortWideCrossings(wideCrossings, s, e);
    }
    const row = (ys + r) * w;
    for (let i = s; i + 1 < e; i += 2)
      fillBetween(data, view, words, shift, row, w, xs[i], xs[i + 1], narrow);
  }
}

/**
 * Rows cross this many edges on average before {@link fillActiveEdges} takes over (the crossover
 * the fill bench finds; rows of COCO-like shapes cross about 5).
 */
const ACTIVE_EDGES_FROM = 24;

let activeE = new Int32Array(64);
let activeX = new Float64Array(64);
let mergedE = new Int32Array(64);
let mergedX = new Float64Array(64);
let enteringE = new Int32Array(64);
let enteringKey = new Float64Array(64);
let enterE = new Int32Array(64);
let enterX = new Float64Array(64);

/** Places edge e at x into the x-sorted list `E`/`X[0 … o)` by insertion, as its element o. */
function insertByX(E: Int32Array, X: Float64Array, o: number, e: number, x: number): void {
  let j = o;
  while (j > 0 && X[j - 1] > x) {
    E[j] = E[j - 1];
    X[j] = X[j - 1];
    j--;
  }
  E[j] = e;
  X[j] = x;
}

/**
 * {@link fillEdgeCollection} for rows that cross many edges (many polygons, or long
 * self-intersecting ones), as OpenCV does it: an active-edge list kept sorted by x from row to row.
 * Edges rarely change order between two rows, so one insertion pass both steps and re-sorts the
 * list, merging in the edges entering the row (sorted among themselves first): a row costs about
 * its number of crossings, where sorting it afresh costs k·log k. The crossings are the same
 * values as there (x at the entry row, then + dx per row), so are the spans.
 */
function fillActiveEdges(data: Uint8Array, w: number, total: number, ys: number, ye: number): void {
  const rows = ye - ys;
  const lo = -XY_ONE;
  const hi = w * XY_ONE;
  const narrow = hi + XY_ONE < 2 ** 31;
  if (activeE.length < total) {
    const cap = Math.max(total, 2 * activeE.length);
    activeE = new Int32Array(cap);
    activeX = new Float64Array(cap);
    mergedE = new Int32Array(cap);
    mergedX = new Float64Array(cap);
    enteringE = new Int32Array(cap);
    enterE = new Int32Array(cap);
    enterX = new Float64Array(cap);
  }
  // Edges by entry row (a counting sort).
  const start = rowStart;
  const cursor = rowCursor;
  start.fill(0, 0, rows + 1);
  for (let k = 0; k < total; k++) {
    const a = Math.max(edgeY0[k], ys);
    if (a < Math.min(edgeY1[k], ye)) start[a - ys + 1]++;
  }
  for (let r = 0; r < rows; r++) {
    start[r + 1] += start[r];
    cursor[r] = start[r];
  }
  const entering = enteringE;
  for (let k = 0; k < total; k++) {
    const a = Math.max(edgeY0[k], ys);
    if (a < Math.min(edgeY1[k], ye)) entering[cursor[a - ys]++] = k;
  }

  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = wordsOf(data);
  const shift = data.byteOffset % 8;
  let curE = activeE;
  let curX = activeX;
  let nextE = mergedE;
  let nextX = mergedX;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const y = ys + r;
    // The edges entering on this row, sorted by x into enterE/enterX: many of them by the native
    // sort of keys packing the clamped x (exact 16.16, ties in any order: they give the same
    // spans) with their place, while keys stay below 2^53 (exact doubles).
    const s = start[r];
    const m = start[r + 1] - s;
    if (m > 0) {
      if (m > 32 && (hi + XY_ONE + 1) * m <= 2 ** 53) {
        if (enteringKey.length < m) enteringKey = new Float64Array(Math.max(m, 2 * enteringKey.length));
        const keys = enteringKey.subarray(0, m);
        for (let i = 0; i < m; i++) {
          const e = entering[s + i];
          const x = edgeX[e] + (y - edgeY0[e]) * edgeDx[e];
          keys[i] = ((x < lo ? lo : x > hi ? hi : x) + XY_ONE) * m + i;
        }
        keys.sort();
        for (let i = 0; i < m; i++) {
          const e = entering[s + (keys[i] % m)];
          enterE[i] = e;
          enterX[i] = edgeX[e] + (y - edgeY0[e]) * edgeDx[e];
        }
      } else
        for (let i = 0; i < m; i++) {
          const e = entering[s + i];
          insertByX(enterE, enterX, i, e, edgeX[e] + (y - edgeY0[e]) * edgeDx[e]);
        }
    }
    // One pass: step the active edges to row y (dropping those that ended), merge the entering
    // ones in by x, and restore the order by insertion (edges rarely swap between two rows).
    let o = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const e = curE[i];
      if (y >= edgeY1[e]) continue;
      const x = curX[i] + edgeDx[e];
      for (; b < m && enterX[b] < x; b++) insertByX(nextE, nextX, o++, enterE[b], enterX[b]);
      insertByX(nextE, nextX, o++, e, x);
    }
    for (; b < m; b++) insertByX(nextE, nextX, o++, enterE[b], enterX[b]);
    n = o;
    {
      const te = curE;
      const tx = curX;
      curE = nextE;
      curX = nextX;
      nextE = te;
      nextX = tx;
    }
    const row = y * w;
    for (let i = 0; i + 1 < n; i += 2) {
      const a = curX[i] < lo ? lo : curX[i] > hi ? hi : curX[i];
      const b = curX[i + 1] < lo ? lo : curX[i + 1] > hi ? hi : curX[i + 1];
      fillBetween(data, view, words, shift, row, w, a, b, narrow);
    }
  }
}

// The fused path's limits: crossings in int32 16.16 (width below 2^15), and every edge spanning
// fewer than 2^15 rows (height at most 2^15), which keeps each crossing within ½ pixel of the line.
const FUSED_MAX_WIDTH = 32767;
const FUSED_MAX_HEIGHT = 32768;

// The row range found by {@link survey}.
let surveyYMin = 0;
let surveyYMax = 0;

/**
 * For {@link fillFused}: whether every vertex lies inside the image. Returns the number of row
 * crossings of all edges (the sum of |Δy|), or −1 when a vertex lies outside; records the rows
 * spanned in `surveyYMin`/`surveyYMax`.
 */
function survey(polygons: Point[][], w: number, h: number): number {
  let yMin = h;
  let yMax = -1;
  let sum = 0;
  for (let k = 0; k < polygons.length; k++) {
    const v = polygons[k];
    const n = v.length;
    if (n === 0) continue;
    let py = v[n - 1][1] | 0;
    for (let i = 0; i < n; i++) {
      const x = v[i][0] | 0;
      const y = v[i][1] | 0;
      if (x < 0 || x >= w || y < 0 || y >= h) return -1;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
      sum += y > py ? y - py : py - y;
      py = y;
    }
  }
  surveyYMin = yMin;
  surveyYMax = yMax;
  return sum;
}

/**
 * {@link fillEdgeCollection}'s bucket scheme with the outline folded into the spans, for polygons
 * whose vertices all lie inside the image (so no edge is clipped). Most of the outline need not be
 * drawn, and each span needs no rounding or clipping:
 *
 * - On a row an edge crosses, its 8-connected Bresenham line has one pixel in a run of the line
 *   at r = ⌈x − ½⌉, x the exact line's abscissa (from the left end point, Bresenham's pixel on
 *   each row or column is the exact one rounded, ties towards the start). OpenCV's 16.16
 *   crossing c steps by a truncated slope, so it lies within `dy`/2^16 < ½ pixel of x, and r is
 *   ⌊c⌋ or ⌈c⌉.
 * - OpenCV fills ⌈a⌉ … ⌊b⌋ between a pair of crossings a ≤ b and draws the outline. Since r_a is
 *   ⌈a⌉ − 1 or ⌈a⌉, and r_b is ⌊b⌋ or ⌊b⌋ + 1, the span together with those two outline pixels
 *   is exactly min(r_a, r_b) … max(r_a, r_b), including when the span is empty.
 * - So each crossing is stored as its pixel r, and a row fills between consecutive pairs of its
 *   sorted r values. Sorting r rather than c pairs them differently only where c-order and
 *   r-order disagree, which needs two r values one apart; for any pixel p no r equals, the r
 *   values below p still all come first in either order, so p is filled in both or neither.
 * - A steep edge (one pixel a row) then needs only its bottom pixel drawn: its other pixels are
 *   the crossings. Shallow edges (several pixels a row) and horizontal ones are drawn in full.
 *
 * r comes from c: rounding c gives r unless c's fraction lies within `dy`/2^16 of ½, where it is
 * computed exactly as xTop + ⌊(2j·Δx + dy − 1) / 2dy⌋ on row j of the edge.
 *
 * `sum`, `ys` and `ye` are what {@link survey} found: the crossings and the rows they lie on.
 */
function fillFused(
  data: Uint8Array,
  w: number,
  polygons: Point[][],
  sum: number,
  ys: number,
  ye: number,
): void {
  const rows = ye - ys;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = wordsOf(data);
  const shift = data.byteOffset % 8;
  // The edge table: top row, bottom row, top x and Δx (bottom x − top x) of each edge that is not
  // horizontal; the outline that the spans will not cover is drawn on the way.
  let total = 0;
  for (let k = 0; k < polygons.length; k++) {
    const v = polygons[k];
    const n = v.length;
    if (n === 0) continue;
    let px = v[n - 1][0] | 0;
    let py = v[n - 1][1] | 0;
    for (let i = 0; i < n; i++) {
      const qx = v[i][0] | 0;
      const qy = v[i][1] | 0;
      if (py === qy) {
        const row = py * w;
        if (px < qx) fillSpan(data, view, words, shift, row + px, row + qx + 1);
        else fillSpan(data, view, words, shift, row + qx, row + px + 1);
      } else {
        const down = py < qy;
        const xTop = down ? px : qx;
        const yTop = down ? py : qy;
        const xBottom = down ? qx : px;
        const yBottom = down ? qy : py;
        const run = xBottom - xTop;
        const dy = yBottom - yTop;
        edgeY0[total] = yTop;
        edgeY1[total] = yBottom;
        edgeTopX[total] = xTop;
        edgeRun[total] = run;
        total++;
        if (run > dy || run < -dy) drawLine(data, w, px, py, qx, qy);
        else data[yBottom * w + xBottom] = 1;
      }
      px = qx;
      py = qy;
    }
  }
  if (rows <= 0) return;

  rowOffsets(total, ys, ys + rows);
  const start = rowStart;
  const cursor = rowCursor;
  if (crossings.length < sum) crossings = new Int32Array(Math.max(sum, crossings.length * 2));
  const xs = crossings;
  for (let k = 0; k < total; k++) {
    const y0 = edgeY0[k];
    const dy = edgeY1[k] - y0;
    const run = edgeRun[k];
    const xTop = edgeTopX[k];
    const dx = idiv(run * XY_ONE, dy);
    // c's fraction is within dy of ½ (32768) when (fraction − 32769 + dy) mod 2^32 < 2dy − 1.
    const near = dy - 32769;
    const nearWidth = 2 * dy - 1;
    let c = xTop * XY_ONE;
    for (let r = y0 - ys, end = r + dy; r < end; r++) {
      if (((c & 0xffff) + near) >>> 0 < nearWidth)
        xs[cursor[r]++] = xTop + Math.floor((2 * (r + ys - y0) * run + dy - 1) / (2 * dy));
      else xs[cursor[r]++] = (c + 32767) >> 16;
      c = (c + dx) | 0;
    }
  }

  for (let r = 0; r < rows; r++) {
    const s = start[r];
    const e = start[r + 1];
    // Pixel columns, within [0, 32767): sortCrossings' int32 arithmetic cannot overflow.
    if (e - s > 1) sortCrossings(xs, s, e);
    const row = (ys + r) * w;
    for (let i = s; i + 1 < e; i += 2) fillSpan(data, view, words, shift, row + xs[i], row + xs[i + 1] + 1);
  }
}

/** The fast check: an array of `[x, y]` int32 pairs within ±2^17. */
function validPolygon(poly: unknown): boolean {
  if (!Array.isArray(poly)) return false;
  for (let i = 0; i < poly.length; i++) {
    const pt = poly[i];
    if (!Array.isArray(pt)) return false;
    const x = pt[0];
    const y = pt[1];
    if (
      (x | 0) !== x ||
      (y | 0) !== y ||
      x <= -MAX_COORD ||
      x >= MAX_COORD ||
      y <= -MAX_COORD ||
      y >= MAX_COORD
    )
      return false;
  }
  return true;
}

/** The slow check, for a polygon {@link validPolygon} refused: throws the precise error. */
function checkPolygon(poly: unknown, k: number): void {
  checkIntegerPoints(poly, `polygons[${k}]`);
  for (let i = 0; i < poly.length; i++) {
    if (Math.abs(poly[i][0]) >= MAX_COORD || Math.abs(poly[i][1]) >= MAX_COORD) {
      throw new ContourError(
        'INVALID_POINT',
        `polygons[${k}][${i}] is outside ±2^17: [${poly[i][0]}, ${poly[i][1]}]`,
      );
    }
  }
}

/**
 * Rasterises polygons exactly as OpenCV's `cv.fillPoly(img, polygons, 1, cv.LINE_8, 0)`:
 * boundary drawn with 8-connected Bresenham lines, interior by even-odd scan lines, all polygons
 * into one mask. Points must be integers (OpenCV's `int` points), within ±2^17.
 *
 * @param options.into draw into this mask (same size) instead of a new one, as OpenCV draws into
 *   its `img`; existing foreground is kept.
 * @returns the mask drawn into (a new `width`×`height` mask unless `into` is given).
 * Images are limited to 2^31 − 1 pixels (a 46340² mask), like OpenCV's `int` pixel offsets.
 * @throws ContourError `INVALID_POINT` for non-integer, NaN or huge coordinates, `INVALID_SIZE` for bad sizes or more than 2^31 − 1 pixels, `SIZE_MISMATCH` for an `into` mask of another size.
 * @example
 * fillPoly([[[1, 1], [3, 1], [3, 3], [1, 3]]], 5, 5).data.reduce((a, b) => a + b, 0); // → 9
 */
export function fillPoly(
  polygons: Point[][],
  width: number,
  height: number,
  options: { into?: Mask } = {},
): Mask {
  return fillPolyWith('auto', polygons, width, height, options);
}

/** {@link fillPoly} with the row strategy chosen (internal: the tests run each one). */
export function fillPolyWith(
  strategy: FillStrategy,
  polygons: Point[][],
  width: number,
  height: number,
  options: { into?: Mask } = {},
): Mask {
  checkSize(width, 'width');
  checkSize(height, 'height');
  if (width * height > MAX_MASK_PIXELS) {
    throw new ContourError(
      'INVALID_SIZE',
      `fillPoly draws into at most 2^31 - 1 pixels, got ${width}x${height} = ${width * height}`,
    );
  }
  if (!Array.isArray(polygons))
    throw new ContourError('INVALID_POINT', 'polygons must be an array of point arrays');
  for (let k = 0; k < polygons.length; k++) if (!validPolygon(polygons[k])) checkPolygon(polygons[k], k);
  let mask: Mask;
  if (options.into) {
    checkMask(options.into, 'options.into');
    if (options.into.width !== width || options.into.height !== height) {
      throw new ContourError(
        'SIZE_MISMATCH',
        `options.into is ${options.into.width}x${options.into.height}, expected ${width}x${height}`,
      );
    }
    mask = options.into;
  } else {
    mask = { width, height, data: new Uint8Array(width * height) };
  }
  if (width === 0 || height === 0) return mask;
  let vertices = 0;
  for (const poly of polygons) vertices += poly.length;
  reserveEdges(vertices);
  if (
    (strategy === 'auto' || strategy === 'fused') &&
    width <= FUSED_MAX_WIDTH &&
    height <= FUSED_MAX_HEIGHT
  ) {
    const sum = survey(polygons, width, height);
    if (sum >= 0 && (strategy === 'fused' || sum <= ACTIVE_EDGES_FROM * (surveyYMax - surveyYMin))) {
      fillFused(mask.data, width, polygons, sum, surveyYMin, surveyYMax);
      return mask;
    }
  }
  let total = 0;
  for (const poly of polygons)
    if (poly.length > 0) total = collectPolyEdges(mask.data, width, height, poly, total);
  fillEdgeCollection(mask.data, width, height, total, strategy === 'fused' ? 'buckets' : strategy);
  return mask;
}
