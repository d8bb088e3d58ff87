import { ContourError } from './errors';
import { checkIntegerPoints, checkMask, checkSize, MAX_MASK_PIXELS, type Mask, type Point } from './mask';

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
  let x1 = ax;
  let y1 = ay;
  let dx = bx - x1;
  let dy = by - y1;
  if (dx < 0) {
    dx = -dx;
    dy = -dy;
    x1 = bx;
    y1 = by;
  }
  let sy = 1;
  if (dy < 0) {
    dy = -dy;
    sy = -1;
  }
  // Bresenham with the major axis fixed per loop; the pixel index moves by one step at a time.
  // Branch-free (as OpenCV's LineIterator): m is −1 when the minor axis steps, else 0.
  const rowStep = sy * w;
  let p = y1 * w + x1;
  if (dy > dx) {
    let err = dy - (dx + dx);
    const plus = dy + dy;
    const minus = -(dx + dx);
    for (let i = 0; i <= dy; i++) {
      data[p] = 1;
      const m = err >> 31;
      err = (err + minus + (plus & m)) | 0;
      p = (p + rowStep + (1 & m)) | 0;
    }
  } else {
    let err = dx - (dy + dy);
    const plus = dx + dx;
    const minus = -(dy + dy);
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
}

/**
 * `CollectPolyEdges` (shift 0, 8-connected): draws each edge of one polygon and appends the
 * non-horizontal ones to the edge table from index `count`. Returns the new edge count.
 */
function collectPolyEdges(data: Uint8Array, w: number, h: number, v: Point[], count: number): number {
  const n = v.length;
  // With shift 0 a vertex's 16.16 value rounds back to the vertex itself.
  let px = v[n - 1][0];
  let py = v[n - 1][1];
  let pOut = outside(px, py, w, h);
  for (let i = 0; i < n; i++) {
    const qx = v[i][0];
    const qy = v[i][1];
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

/** Writes 1 into `data[p … q)`: words for short spans, memset for long ones. */
function fillSpan(
  data: Uint8Array,
  view: DataView,
  words: Float64Array,
  base: number,
  p: number,
  q: number,
  wide: boolean,
): void {
  const len = q - p;
  if (len >= 16) {
    if (len >= LONG_SPAN || wide) data.fill(1, p, q);
    else {
      view.setFloat64(p, ONES8, true);
      view.setFloat64(q - 8, ONES8, true);
      let k = (base + p + 7) >> 3;
      const kEnd = (base + q) >> 3;
      for (; k + 4 <= kEnd; k += 4) {
        words[k] = ONES8;
        words[k + 1] = ONES8;
        words[k + 2] = ONES8;
        words[k + 3] = ONES8;
      }
      for (; k < kEnd; k++) words[k] = ONES8;
    }
  } else if (len >= 8) {
    view.setFloat64(p, ONES8, true);
    view.setFloat64(q - 8, ONES8, true);
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
  base: number,
  row: number,
  w: number,
  a: number,
  b: number,
  narrow: boolean,
  wide: boolean,
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
  if (xa <= xb) fillSpan(data, view, words, base, row + xa, row + xb + 1, wide);
}

/**
 * How {@link fillEdgeCollection} orders each row's crossings: `buckets` computes them edge by edge
 * and sorts each row, `active-edges` keeps them sorted from row to row, `auto` picks by the
 * average number of crossings per row. All give the same pixels; tests force each one.
 */
export type FillStrategy = 'auto' | 'buckets' | 'active-edges';

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

  // Crossings per row (a difference array turned into start offsets).
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

  const base = data.byteOffset;
  const view = new DataView(data.buffer, base, data.byteLength);
  const words = new Float64Array(data.buffer, 0, Math.floor(data.buffer.byteLength / 8));
  // Word offsets are computed in int32; buffers beyond 2 GiB take memset for every long span.
  const wide = data.buffer.byteLength > 0x7ffffff0;
  for (let r = 0; r < rows; r++) {
    const s = start[r];
    const e = start[r + 1];
    // A row holds a handful of crossings, most often two or four: those are put in order by
    // branch-free compare-exchanges (a sorting network), others by insertion sort up to 48, and
    // longer rows (many polygons, or long self-intersecting ones) by the native sort, which keeps
    // a row's cost at k·log k where insertion sort's grows with k².
    const k = e - s;
    if (k === 2) {
      const a = xs[s];
      const b = xs[s + 1];
      xs[s] = Math.min(a, b);
      xs[s + 1] = Math.max(a, b);
    } else if (k === 4) {
      let a = xs[s];
      let b = xs[s + 1];
      let c = xs[s + 2];
      let d = xs[s + 3];
      let t = Math.min(a, b);
      b = Math.max(a, b);
      a = t;
      t = Math.min(c, d);
      d = Math.max(c, d);
      c = t;
      t = Math.min(a, c);
      c = Math.max(a, c);
      a = t;
      t = Math.min(b, d);
      d = Math.max(b, d);
      b = t;
      t = Math.min(b, c);
      c = Math.max(b, c);
      b = t;
      xs[s] = a;
      xs[s + 1] = b;
      xs[s + 2] = c;
      xs[s + 3] = d;
    } else if (k > 48) xs.subarray(s, e).sort();
    else
      for (let i = s + 1; i < e; i++) {
        const v = xs[i];
        let j = i - 1;
        while (j >= s && xs[j] > v) {
          xs[j + 1] = xs[j];
          j--;
        }
        xs[j + 1] = v;
      }
    const row = (ys + r) * w;
    for (let i = s; i + 1 < e; i += 2)
      fillBetween(data, view, words, base, row, w, xs[i], xs[i + 1], narrow, wide);
  }
}

/**
 * Rows cross this many edges on average before {@link fillActiveEdges} takes over (where the two
 * measured even on many small polygons; on the benchmark's COCO-like shapes rows cross about 5).
 */
const ACTIVE_EDGES_FROM = 24;

let activeE = new Int32Array(64);
let activeX = new Float64Array(64);
let mergedE = new Int32Array(64);
let mergedX = new Float64Array(64);
let enteringE = new Int32Array(64);
let enteringKey = new Float64Array(64);

/**
 * {@link fillEdgeCollection} for rows that cross many edges (many polygons, or long
 * self-intersecting ones), as OpenCV does it: an active-edge list kept sorted by x from row to row.
 * Edges rarely change order between two rows, so one insertion pass re-sorts the list, and the
 * edges entering a row are sorted among themselves and merged in: a row costs about its number of
 * crossings, where sorting it afresh costs k·log k. The crossings are the same values as there
 * (x at the entry row, then + dx per row), so are the spans.
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

  const base = data.byteOffset;
  const view = new DataView(data.buffer, base, data.byteLength);
  const words = new Float64Array(data.buffer, 0, Math.floor(data.buffer.byteLength / 8));
  const wide = data.buffer.byteLength > 0x7ffffff0;
  let curE = activeE;
  let curX = activeX;
  let nextE = mergedE;
  let nextX = mergedX;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const y = ys + r;
    // Step the active edges to row y, dropping those that ended, and restore the order.
    let k = 0;
    for (let i = 0; i < n; i++) {
      const e = curE[i];
      if (y >= edgeY1[e]) continue;
      const x = curX[i] + edgeDx[e];
      let j = k;
      while (j > 0 && curX[j - 1] > x) {
        curE[j] = curE[j - 1];
        curX[j] = curX[j - 1];
        j--;
      }
      curE[j] = e;
      curX[j] = x;
      k++;
    }
    n = k;
    // Edges entering on this row: sorted by x after the active ones (in the spare buffer's
    // tail), then merged with them into the spare buffer.
    const s = start[r];
    const e1 = start[r + 1];
    if (s < e1) {
      const m = e1 - s;
      // Place the entering edges, sorted, at the end of the spare buffer [n, n + m): many of them
      // by the native sort of keys packing the clamped x (exact 16.16, ties in any order: they
      // give the same spans) with their place, while keys stay below 2^53 (exact doubles).
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
          nextE[n + i] = e;
          nextX[n + i] = edgeX[e] + (y - edgeY0[e]) * edgeDx[e];
        }
      } else
        for (let i = 0; i < m; i++) {
          const e = entering[s + i];
          const x = edgeX[e] + (y - edgeY0[e]) * edgeDx[e];
          let j = n + i;
          while (j > n && nextX[j - 1] > x) {
            nextE[j] = nextE[j - 1];
            nextX[j] = nextX[j - 1];
            j--;
          }
          nextE[j] = e;
          nextX[j] = x;
        }
      // Merge from the front: the write index never passes the entering edges not yet read.
      let a = 0;
      let b = n;
      const bEnd = n + m;
      let o = 0;
      while (a < n && b < bEnd) {
        if (nextX[b] < curX[a]) {
          nextE[o] = nextE[b];
          nextX[o++] = nextX[b++];
        } else {
          nextE[o] = curE[a];
          nextX[o++] = curX[a++];
        }
      }
      while (a < n) {
        nextE[o] = curE[a];
        nextX[o++] = curX[a++];
      }
      n = bEnd;
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
      fillBetween(data, view, words, base, row, w, a, b, narrow, wide);
    }
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
  let total = 0;
  for (const poly of polygons)
    if (poly.length > 0) total = collectPolyEdges(mask.data, width, height, poly, total);
  fillEdgeCollection(mask.data, width, height, total, strategy);
  return mask;
}
