import { approxKept, arcLengthFlat, contourAreaFlat, keptIndices } from './approx';
import { ContourError } from './errors';
import { findContoursFlat } from './find-contours';
import { checkMask, checkMaskPixels, checkPoints, checkSize, type Mask, type Point } from './mask';
import { decodeRuns, mergeRuns, polygonRuns, type Runs } from './rle';

/**
 * Simplification tolerance for {@link maskToPolygons}:
 * - a number or `{ pixels }`: `approxPolyDP(c, pixels, true)`;
 * - `{ perimeter }`: a fraction of each contour's length, `approxPolyDP(c, f * arcLength(c, true), true)`
 *   (the common OpenCV idiom, and the SimpleSeg data script with f = 0.001);
 * - `{ normalized }`: in normalised coordinates (SimpleSeg's ε = 0.001 … 0.01): ε · min(width, height)
 *   pixels, so that every dropped point lies within ε of the polygon in normalised units.
 */
export type Epsilon = number | { pixels: number } | { perimeter: number } | { normalized: number };

/**
 * Where the boundary runs:
 * - `'pixel-centres'`: OpenCV's contours through the centres of the boundary pixels (what the
 *   SimpleSeg data script uses). Rasterising them with the COCO rule loses the right and bottom
 *   half-pixel: a 2×2 block rasterises to 1 pixel.
 * - `'pixel-edges'`: the cracks between foreground and background pixels, pixel (x, y) being the
 *   square [x, x+1]×[y, y+1]. `rle.fromPolygon` of these polygons reproduces the mask exactly
 *   (before simplification; holes are filled, as in every mode).
 */
export type Boundary = 'pixel-centres' | 'pixel-centers' | 'pixel-edges';

/**
 * Vertex order of {@link maskToPolygons}' polygons, as seen on screen (x right, y down):
 * - `'opencv'`: the direction OpenCV traces outer borders, counter-clockwise on screen (clockwise in
 *   a y-up frame: what the SimpleSeg paper calls clockwise). Pixel-centre polygons are
 *   `approxPolyDP`'s output unchanged (same start point and order: the SimpleSeg data script, byte
 *   for byte); pixel-edge polygons, which OpenCV does not trace, are turned to the same direction.
 * - `'screen-clockwise'`: clockwise on screen; a polygon in the other direction is reversed keeping
 *   its first vertex.
 */
export type Orientation = 'opencv' | 'screen-clockwise';

export interface MaskToPolygonsOptions {
  /** `'simpleseg'`: the public SimpleSeg data script (the default when no other option is given). */
  preset?: 'simpleseg';
  /** Default `'opencv'` (the SimpleSeg data script's order). */
  orientation?: Orientation;
  /** Default `{ perimeter: 0.001 }` (the SimpleSeg script). `0` keeps every contour vertex. */
  epsilon?: Epsilon;
  /** Default `'pixel-centres'`. */
  boundary?: Boundary;
  /** Drop parts whose polygon area (pixels², before simplification) is below this. Default 0. */
  minArea?: number;
  /** Divide x by width and y by height, giving coordinates in [0, 1]. Default `true`. */
  normalize?: boolean;
}

const SIMPLESEG: Required<Omit<MaskToPolygonsOptions, 'preset'>> = {
  orientation: 'opencv',
  epsilon: { perimeter: 0.001 },
  boundary: 'pixel-centres',
  minArea: 0,
  normalize: true,
};

/** ε as validated up front: how each contour's tolerance in pixels is found, and the value. */
interface EpsilonRule {
  kind: 'pixels' | 'perimeter' | 'normalized';
  value: number;
}

/** Checks `options.epsilon` (before any contour is traced, so that an empty mask checks it too). */
function epsilonRule(eps: Epsilon): EpsilonRule {
  let rule: EpsilonRule;
  if (typeof eps === 'number') rule = { kind: 'pixels', value: eps };
  else if (eps && typeof eps === 'object' && 'pixels' in eps) rule = { kind: 'pixels', value: eps.pixels };
  else if (eps && typeof eps === 'object' && 'perimeter' in eps)
    rule = { kind: 'perimeter', value: eps.perimeter };
  else if (eps && typeof eps === 'object' && 'normalized' in eps)
    rule = { kind: 'normalized', value: eps.normalized };
  else {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.epsilon must be a number, { pixels }, { perimeter } or { normalized }, got ${JSON.stringify(eps)}`,
    );
  }
  if (typeof rule.value !== 'number' || !(rule.value >= 0) || !Number.isFinite(rule.value)) {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.epsilon must be finite and >= 0, got ${JSON.stringify(eps)}`,
    );
  }
  return rule;
}

/** The tolerance in pixels for one contour (flat coordinates `xy`). */
function epsilonPixels(rule: EpsilonRule, xy: Int32Array, mask: Mask): number {
  if (rule.kind === 'perimeter') return rule.value * arcLengthFlat(xy, xy.length >> 1, true);
  if (rule.kind === 'normalized') return rule.value * Math.min(mask.width, mask.height);
  return rule.value;
}

/**
 * Traces the crack boundary of the 8-connected component whose top-left pixel is (sx, sy),
 * clockwise on screen (foreground on the right), keeping only corner vertices.
 * @throws ContourError `INVALID_ARGUMENT` unless (sx, sy) is a foreground pixel with background
 *   (or the image edge) above it, where a boundary starts.
 */
export function traceCrackBoundary(mask: Mask, sx: number, sy: number): Int32Array {
  checkMask(mask);
  const { width: w, height: h, data } = mask;
  const fg = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && data[y * w + x] !== 0;
  if (!Number.isInteger(sx) || !Number.isInteger(sy) || !fg(sx, sy) || fg(sx, sy - 1)) {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `(sx, sy) = (${String(sx)}, ${String(sy)}) must be a foreground pixel of the ${w}x${h} mask with background above it`,
    );
  }
  // Directions clockwise on screen: 0 east, 1 south, 2 west, 3 north.
  const DX = [1, 0, -1, 0];
  const DY = [0, 1, 0, -1];
  const valid = (vx: number, vy: number, d: number): boolean => {
    switch (d) {
      case 0:
        return fg(vx, vy) && !fg(vx, vy - 1);
      case 1:
        return fg(vx - 1, vy) && !fg(vx, vy);
      case 2:
        return fg(vx - 1, vy - 1) && !fg(vx - 1, vy);
      default:
        return fg(vx, vy - 1) && !fg(vx - 1, vy - 1);
    }
  };
  const out: number[] = [sx, sy];
  let vx = sx + 1;
  let vy = sy;
  let d = 0;
  // Each step follows one directed crack between pixels; there are fewer than 4·(w+1)·(h+1).
  for (let steps = 4 * (w + 1) * (h + 1); vx !== sx || vy !== sy; steps--) {
    if (steps === 0)
      throw new ContourError('INVALID_MASK', `the boundary from (${sx}, ${sy}) does not close`);
    // Turn left first so that diagonal neighbours stay in one (8-connected) region.
    let next = (d + 3) & 3;
    if (!valid(vx, vy, next)) {
      next = d;
      if (!valid(vx, vy, next)) next = (d + 1) & 3;
    }
    if (next !== d) out.push(vx, vy);
    d = next;
    vx += DX[d];
    vy += DY[d];
  }
  return Int32Array.from(out);
}

/**
 * Whether a simplified polygon (`kept[0 … m)` of the contour `xy`) is reversed (keeping its first
 * vertex) to give the requested orientation. Pixel-centre polygons in OpenCV's order are never
 * touched: they are the reference's output. Otherwise the direction is decided on the simplified
 * polygon itself, since simplification can flip a thin shape.
 */
function mustReverse(
  xy: Int32Array,
  kept: Int32Array,
  m: number,
  orientation: Orientation,
  edges: boolean,
): boolean {
  if (orientation === 'opencv' && !edges) return false;
  const simplified = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    simplified[2 * k] = xy[2 * kept[k]];
    simplified[2 * k + 1] = xy[2 * kept[k] + 1];
  }
  // Positive for clockwise on screen. Pixel-centre contours of zero area (1-pixel lines) come from
  // OpenCV in its own direction, which 'screen-clockwise' turns round.
  const signed = contourAreaFlat(simplified, m, true);
  if (orientation === 'opencv') return signed > 0;
  return signed < 0 || (signed === 0 && !edges);
}

/**
 * Converts a binary mask to polygons: outer boundaries (Suzuki–Abe, OpenCV parity) simplified with
 * Douglas–Peucker (`approxPolyDP` parity), in OpenCV's order (see {@link Orientation}), optionally
 * normalised to [0, 1].
 *
 * Parts come in OpenCV's `RETR_EXTERNAL` order. Holes are not represented (each part's polygon
 * encloses its holes), as in SimpleSeg's polygon text. With `orientation: 'screen-clockwise'`, a
 * simplified polygon whose signed area is negative (or zero, for pixel-centre contours) is reversed
 * keeping its first vertex, so every polygon is clockwise on screen or degenerate (zero area, e.g. a
 * 1-pixel line).
 *
 * The default (and `preset: 'simpleseg'`) reproduces the public SimpleSeg data script byte for byte:
 * `findContours(mask, 'external', 'simple')`, `approxPolyDP(c, 0.001 * arcLength(c, true), true)`,
 * then division by [width, height], in OpenCV's own vertex order.
 *
 * @returns one polygon per part; an empty mask gives `[]`.
 * @throws ContourError for a malformed mask or options.
 * @example
 * const mask = { width: 4, height: 4, data: Uint8Array.from([0,0,0,0, 0,1,1,0, 0,1,1,0, 0,0,0,0]) };
 * maskToPolygons(mask, { normalize: false });                                     // → [[[1, 1], [1, 2], [2, 2], [2, 1]]]
 * maskToPolygons(mask, { normalize: false, orientation: 'screen-clockwise' });    // → [[[1, 1], [2, 1], [2, 2], [1, 2]]]
 * maskToPolygons(mask, { normalize: false, boundary: 'pixel-edges' });           // → [[[1, 1], [1, 3], [3, 3], [3, 1]]]
 */
export function maskToPolygons(mask: Mask, options: MaskToPolygonsOptions = {}): Point[][] {
  checkMask(mask);
  if (options.preset !== undefined && options.preset !== 'simpleseg') {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.preset must be 'simpleseg', got ${JSON.stringify(options.preset)}`,
    );
  }
  // Options given as `undefined` keep their defaults.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const opts = { ...SIMPLESEG, ...given };
  const boundary = opts.boundary;
  if (boundary !== 'pixel-centres' && boundary !== 'pixel-centers' && boundary !== 'pixel-edges') {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.boundary must be 'pixel-centres' or 'pixel-edges', got ${JSON.stringify(boundary)}`,
    );
  }
  if (typeof opts.minArea !== 'number' || !(opts.minArea >= 0)) {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.minArea must be a number >= 0, got ${String(opts.minArea)}`,
    );
  }
  if (opts.orientation !== 'opencv' && opts.orientation !== 'screen-clockwise') {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.orientation must be 'opencv' or 'screen-clockwise', got ${JSON.stringify(opts.orientation)}`,
    );
  }
  if (typeof opts.normalize !== 'boolean') {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.normalize must be true or false, got ${JSON.stringify(opts.normalize)}`,
    );
  }
  const epsilon = epsilonRule(opts.epsilon);
  const { contours } = findContoursFlat(mask, { mode: 'external', method: 'simple' });
  const out: Point[][] = [];
  for (const contour of contours) {
    const xy = boundary === 'pixel-edges' ? traceCrackBoundary(mask, contour[0], contour[1]) : contour;
    const n = xy.length >> 1;
    if (opts.minArea > 0 && contourAreaFlat(xy, n) < opts.minArea) continue;
    const eps = epsilonPixels(epsilon, xy, mask);
    const m = approxKept(xy, n, true, eps);
    const kept = keptIndices();
    const reverse = mustReverse(xy, kept, m, opts.orientation, boundary === 'pixel-edges');
    const poly: Point[] = new Array(m);
    for (let k = 0; k < m; k++) {
      const i = kept[reverse ? (m - k) % m : k];
      // Division, not multiplication by a reciprocal: bit-identical to numpy's `c / [w, h]`.
      poly[k] = opts.normalize
        ? [xy[2 * i] / mask.width, xy[2 * i + 1] / mask.height]
        : [xy[2 * i], xy[2 * i + 1]];
    }
    out.push(poly);
  }
  return out;
}

/**
 * Rasterises polygons with the COCO rule (pycocotools `frPyObjects` per polygon, union of the
 * parts), as the SimpleSeg decoder and the rewards do. With `normalized`, coordinates in [0, 1]
 * are first scaled by [width, height].
 * @throws ContourError `INVALID_POINT` for NaN/∞ coordinates.
 * @example
 * polygonsToMask([[[1, 1], [3, 1], [3, 3], [1, 3]]], 4, 4).data.reduce((a, b) => a + b, 0); // → 4
 */
export function polygonsToMask(
  polygons: Point[][],
  width: number,
  height: number,
  options: { normalized?: boolean } = {},
): Mask {
  checkSize(width, 'width');
  checkSize(height, 'height');
  checkMaskPixels(width, height);
  if (!Array.isArray(polygons))
    throw new ContourError('INVALID_POINT', 'polygons must be an array of point arrays');
  const runs: Runs[] = polygons.map((poly, k) => {
    checkPoints(poly, `polygons[${k}]`);
    const xy = new Float64Array(poly.length * 2);
    for (let i = 0; i < poly.length; i++) {
      xy[2 * i] = options.normalized ? poly[i][0] * width : poly[i][0];
      xy[2 * i + 1] = options.normalized ? poly[i][1] * height : poly[i][1];
      if (Math.abs(xy[2 * i]) > 1e8 || Math.abs(xy[2 * i + 1]) > 1e8) {
        throw new ContourError('INVALID_POINT', `polygons[${k}][${i}] is beyond ±1e8 pixels`);
      }
    }
    return polygonRuns(xy, height, width);
  });
  if (runs.length === 0) return { width, height, data: new Uint8Array(width * height) };
  return decodeRuns(mergeRuns(runs));
}

/**
 * Direction of a polygon as seen on screen (y down), from its signed area (shoelace in float64):
 * `'clockwise'` for positive area, `'counter-clockwise'` for negative, `'degenerate'` for zero.
 * @throws ContourError `INVALID_POINT` for NaN/∞ coordinates.
 */
export function polygonOrientation(points: Point[]): 'clockwise' | 'counter-clockwise' | 'degenerate' {
  checkPoints(points, 'points');
  let a = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    a += points[j][0] * points[i][1] - points[j][1] * points[i][0];
  }
  return a > 0 ? 'clockwise' : a < 0 ? 'counter-clockwise' : 'degenerate';
}
