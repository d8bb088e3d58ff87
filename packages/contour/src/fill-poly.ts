import { ContourError } from './errors';
import { checkIntegerPoints, checkMask, checkSize, type Mask, type Point } from './mask';

// OpenCV's drawing code works in 16.16 fixed point. Values here stay below 2^53, so plain
// numbers hold them exactly; shifts become floor-divisions by 2^16.
const XY_ONE = 65536;
const MAX_COORD = 2 ** 17;

/** C's truncating integer division, exact for |a| < 2^53. */
function idiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  const r = a - q * b;
  const toward = Math.sign(a) * Math.sign(b);
  if (r !== 0 && Math.sign(r) !== Math.sign(a)) q -= toward;
  else if (Math.abs(r) >= Math.abs(b)) q += toward;
  return q;
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

/** An 8-connected Bresenham line, drawn left to right, as OpenCV's `LineIterator`. */
function drawLine(data: Uint8Array, w: number, h: number, seg: Segment, clipped: Segment): void {
  clipped.x1 = seg.x1;
  clipped.y1 = seg.y1;
  clipped.x2 = seg.x2;
  clipped.y2 = seg.y2;
  if (outside(seg.x1, seg.y1, w, h) || outside(seg.x2, seg.y2, w, h)) {
    if (!clipLine(w, h, clipped)) return;
  }
  let x1 = clipped.x1;
  let y1 = clipped.y1;
  let dx = clipped.x2 - x1;
  let dy = clipped.y2 - y1;
  if (dx < 0) {
    dx = -dx;
    dy = -dy;
    x1 = clipped.x2;
    y1 = clipped.y2;
  }
  let sy = 1;
  if (dy < 0) {
    dy = -dy;
    sy = -1;
  }
  // Bresenham with the major axis fixed per loop; the pixel index moves by one step at a time.
  const rowStep = sy * w;
  let p = y1 * w + x1;
  if (dy > dx) {
    let err = dy - (dx + dx);
    const plus = dy + dy;
    const minus = -(dx + dx);
    for (let i = 0; i <= dy; i++) {
      data[p] = 1;
      p += rowStep;
      if (err < 0) {
        err += minus + plus;
        p += 1;
      } else err += minus;
    }
  } else {
    let err = dx - (dy + dy);
    const plus = dx + dx;
    const minus = -(dy + dy);
    for (let i = 0; i <= dx; i++) {
      data[p] = 1;
      p += 1;
      if (err < 0) {
        err += minus + plus;
        p += rowStep;
      } else err += minus;
    }
  }
}

interface Edges {
  y0: number[];
  y1: number[];
  x: number[];
  dx: number[];
}

/** `CollectPolyEdges` (shift 0, 8-connected): draws each edge and records it for the scan fill. */
function collectPolyEdges(data: Uint8Array, w: number, h: number, v: Point[], edges: Edges): void {
  const n = v.length;
  const scratch: Segment = { x1: 0, y1: 0, x2: 0, y2: 0 };
  let x0 = v[n - 1][0] * XY_ONE;
  let y0 = v[n - 1][1];
  for (let i = 0; i < n; i++) {
    const x1 = v[i][0] * XY_ONE;
    const y1 = v[i][1];
    let y0c = y0;
    let y1c = y1;
    const t: Segment = {
      x1: Math.floor((x0 + XY_ONE / 2) / XY_ONE),
      y1: y0,
      x2: Math.floor((x1 + XY_ONE / 2) / XY_ONE),
      y2: y1,
    };
    drawLine(data, w, h, t, scratch);
    // OpenCV builds the edge from the clipped end points, for accuracy outside the image.
    if (outside(t.x1, t.y1, w, h) || outside(t.x2, t.y2, w, h)) {
      clipLine(w, h, t);
      if (t.y1 !== t.y2) {
        y0c = t.y1;
        y1c = t.y2;
      }
    }
    const x0c = t.x1 * XY_ONE;
    const x1c = t.x2 * XY_ONE;
    if (y0 !== y1) {
      const dx = idiv(x1c - x0c, y1c - y0c);
      if (y0 < y1) {
        edges.y0.push(y0);
        edges.y1.push(y1);
        edges.x.push(x0c + (y0 - y0c) * dx);
      } else {
        edges.y0.push(y1);
        edges.y1.push(y0);
        edges.x.push(x1c + (y1 - y1c) * dx);
      }
      edges.dx.push(dx);
    }
    x0 = x1;
    y0 = y1;
  }
}

/** `FillEdgeCollection`: the active-edge scan-line fill between pairs of edges. */
function fillEdgeCollection(data: Uint8Array, w: number, h: number, edges: Edges): void {
  const total = edges.y0.length;
  if (total < 2) return;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < total; i++) {
    const xEnd = edges.x[i] + (edges.y1[i] - edges.y0[i]) * edges.dx[i];
    yMin = Math.min(yMin, edges.y0[i]);
    yMax = Math.max(yMax, edges.y1[i]);
    xMin = Math.min(xMin, edges.x[i], xEnd);
    xMax = Math.max(xMax, edges.x[i], xEnd);
  }
  if (yMax < 0 || yMin >= h || xMax < 0 || xMin >= w * XY_ONE) return;

  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((a, b) => edges.y0[a] - edges.y0[b] || edges.x[a] - edges.x[b] || edges.dx[a] - edges.dx[b]);
  // Node k < total: sorted edge k; node total: the end sentinel; node total + 1: the list head.
  const SENTINEL = total;
  const HEAD = total + 1;
  const NIL = -1;
  const ey0 = new Float64Array(total + 2);
  const ey1 = new Float64Array(total + 2);
  const ex = new Float64Array(total + 2);
  const edx = new Float64Array(total + 2);
  const next = new Int32Array(total + 2).fill(NIL);
  for (let k = 0; k < total; k++) {
    const i = order[k];
    ey0[k] = edges.y0[i];
    ey1[k] = edges.y1[i];
    ex[k] = edges.x[i];
    edx[k] = edges.dx[i];
  }
  ey0[SENTINEL] = Number.MAX_SAFE_INTEGER;

  let i = 0;
  let e = 0;
  yMax = Math.min(yMax, h);
  for (let y = ey0[e]; y < yMax; y++) {
    let draw = false;
    const clip = y < 0;
    let prelast = HEAD;
    let last = next[HEAD];
    while (last !== NIL || ey0[e] === y) {
      if (last !== NIL && ey1[last] === y) {
        next[prelast] = next[last];
        last = next[last];
        continue;
      }
      const keep = prelast;
      if (last !== NIL && (ey0[e] > y || ex[last] < ex[e])) {
        prelast = last;
        last = next[last];
      } else if (i < total) {
        next[prelast] = e;
        next[e] = last;
        prelast = e;
        e = ++i;
      } else break;

      if (draw) {
        if (!clip) {
          let xa: number;
          let xb: number;
          if (ex[keep] > ex[prelast]) {
            xa = Math.floor((ex[prelast] + XY_ONE - 1) / XY_ONE);
            xb = Math.floor(ex[keep] / XY_ONE);
          } else {
            xa = Math.floor((ex[keep] + XY_ONE - 1) / XY_ONE);
            xb = Math.floor(ex[prelast] / XY_ONE);
          }
          if (xa < w && xb >= 0) {
            if (xa < 0) xa = 0;
            if (xb >= w) xb = w - 1;
            if (xa <= xb) data.fill(1, y * w + xa, y * w + xb + 1);
          }
        }
        ex[keep] += edx[keep];
        ex[prelast] += edx[prelast];
      }
      draw = !draw;
    }

    // Keep the active list sorted by x (bubble sort, as OpenCV).
    let keepPrelast = NIL;
    do {
      prelast = HEAD;
      last = next[HEAD];
      let lastExchange = NIL;
      while (last !== keepPrelast && next[last] !== NIL) {
        const te = next[last];
        if (ex[last] > ex[te]) {
          next[prelast] = te;
          next[last] = next[te];
          next[te] = last;
          prelast = te;
          lastExchange = prelast;
        } else {
          prelast = last;
          last = te;
        }
      }
      if (lastExchange === NIL) break;
      keepPrelast = lastExchange;
    } while (keepPrelast !== next[HEAD] && keepPrelast !== HEAD);
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
 * @throws ContourError `INVALID_POINT` for non-integer, NaN or huge coordinates, `INVALID_SIZE` for bad sizes, `SIZE_MISMATCH` for an `into` mask of another size.
 * @example
 * fillPoly([[[1, 1], [3, 1], [3, 3], [1, 3]]], 5, 5).data.reduce((a, b) => a + b, 0); // → 9
 */
export function fillPoly(
  polygons: Point[][],
  width: number,
  height: number,
  options: { into?: Mask } = {},
): Mask {
  checkSize(width, 'width');
  checkSize(height, 'height');
  if (!Array.isArray(polygons))
    throw new ContourError('INVALID_POINT', 'polygons must be an array of point arrays');
  polygons.forEach((poly, k) => {
    checkIntegerPoints(poly, `polygons[${k}]`);
    for (let i = 0; i < poly.length; i++) {
      if (Math.abs(poly[i][0]) >= MAX_COORD || Math.abs(poly[i][1]) >= MAX_COORD) {
        throw new ContourError(
          'INVALID_POINT',
          `polygons[${k}][${i}] is outside ±2^17: [${poly[i][0]}, ${poly[i][1]}]`,
        );
      }
    }
  });
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
  const edges: Edges = { y0: [], y1: [], x: [], dx: [] };
  for (const poly of polygons) if (poly.length > 0) collectPolyEdges(mask.data, width, height, poly, edges);
  fillEdgeCollection(mask.data, width, height, edges);
  return mask;
}
