import { mergeRuns, polygonRuns, type Runs, runsIntersectionUnion } from '@seglang/contour';
import { type DecodeMode, decodeAnswer, type Point } from '@seglang/polygon-grammar';
import polygonClipping, { type MultiPolygon, type Polygon } from 'polygon-clipping';
import { checkObject, checkPolygons, checkUnit } from './check';
import { RewardError } from './errors';
import type { RewardResult } from './result';
import { checkDecoder } from './simpleseg';

function ringArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += ring[j][0] * ring[i][1] - ring[j][1] * ring[i][0];
  return Math.abs(a) / 2;
}

/** Area of a multipolygon: outer rings minus their holes. */
function area(mp: MultiPolygon): number {
  let a = 0;
  for (const poly of mp) poly.forEach((ring, k) => (a += k === 0 ? ringArea(ring) : -ringArea(ring)));
  return a;
}

/** The region covered by polygon parts: their union, which also repairs self-intersecting rings. */
function region(parts: Point[][]): MultiPolygon {
  const polys: Polygon[] = [];
  for (const part of parts)
    if (part.length >= 3) polys.push([part.map(([x, y]) => [x, y] as [number, number])]);
  if (polys.length === 0) return [];
  return polygonClipping.union(polys[0], ...polys.slice(1));
}

/**
 * Beyond these, one side's vector union gives way to the raster IoU: polygon-clipping's work grows
 * with the edge crossings it must resolve (a random 401-point ring has tens of thousands: 1.4 s).
 */
const MAX_CROSSINGS = 64;
const MAX_VERTICES = 4096;
/** The raster fallback's grid over the two sides' common box. */
const RASTER_SIDE = 1024;

/**
 * Edge crossings among one side's parts (every ring's edges against every other edge, shared
 * corners of neighbouring edges excepted), counted up to `limit`: a sweep over x intervals.
 */
function crossings(parts: Point[][], limit: number): number {
  const e: number[] = [];
  for (const part of parts) {
    const n = part.length;
    if (n < 3) continue;
    for (let i = 0; i < n; i++) {
      const [x1, y1] = part[i];
      const [x2, y2] = part[(i + 1) % n];
      e.push(x1, y1, x2, y2);
    }
  }
  const m = e.length / 4;
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => Math.min(e[4 * a], e[4 * a + 2]) - Math.min(e[4 * b], e[4 * b + 2]),
  );
  const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
    Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  let count = 0;
  for (let a = 0; a < m; a++) {
    const i = order[a];
    const [ax1, ay1, ax2, ay2] = [e[4 * i], e[4 * i + 1], e[4 * i + 2], e[4 * i + 3]];
    const maxX = Math.max(ax1, ax2);
    for (let b = a + 1; b < m; b++) {
      const j = order[b];
      const [bx1, by1, bx2, by2] = [e[4 * j], e[4 * j + 1], e[4 * j + 2], e[4 * j + 3]];
      if (Math.min(bx1, bx2) > maxX) break;
      if (Math.max(by1, by2) < Math.min(ay1, ay2) || Math.min(by1, by2) > Math.max(ay1, ay2)) continue;
      // Neighbouring edges share a corner; only a proper crossing counts.
      const d1 = orient(ax1, ay1, ax2, ay2, bx1, by1);
      const d2 = orient(ax1, ay1, ax2, ay2, bx2, by2);
      const d3 = orient(bx1, by1, bx2, by2, ax1, ay1);
      const d4 = orient(bx1, by1, bx2, by2, ax2, ay2);
      if (d1 * d2 < 0 && d3 * d4 < 0 && ++count > limit) return count;
    }
  }
  return count;
}

/** Raster IoU of two sides on a grid over their common box, each side's parts united (pycocotools' rule). */
function rasterIou(a: Point[][], b: Point[][]): number {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const part of [...a, ...b])
    for (const [x, y] of part) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  const sx = x1 > x0 ? RASTER_SIDE / (x1 - x0) : 1;
  const sy = y1 > y0 ? RASTER_SIDE / (y1 - y0) : 1;
  const runs = (parts: Point[][]): Runs | null => {
    const list = parts
      .filter((p) => p.length >= 3)
      .map((p) =>
        polygonRuns(
          p.flatMap(([x, y]) => [(x - x0) * sx, (y - y0) * sy]),
          RASTER_SIDE,
          RASTER_SIDE,
        ),
      );
    return list.length ? mergeRuns(list) : null;
  };
  const ra = runs(a);
  const rb = runs(b);
  if (!ra || !rb) return 0;
  const { intersection, union } = runsIntersectionUnion(ra, rb);
  return union > 0 ? intersection / union : 0;
}

/**
 * {@link polygonIou} with how it was computed: exactly with polygon-clipping, or — when a side has
 * more than 4,096 vertices or more than 64 edge crossings, which make the vector union slow — as a
 * raster IoU on a 1024 × 1024 grid over both sides' common box.
 * @throws RewardError `INVALID_ARGUMENT` for malformed polygons.
 */
export function polygonIouDetailed(
  prediction: Point[][],
  groundTruth: Point[][],
): { iou: number; method: 'vector' | 'raster'; reason: string } {
  checkPolygons(prediction, 'prediction');
  checkPolygons(groundTruth, 'groundTruth');
  for (const [side, name] of [
    [prediction, 'prediction'],
    [groundTruth, 'groundTruth'],
  ] as const) {
    const vertices = side.reduce((n, p) => n + p.length, 0);
    const k = vertices > MAX_VERTICES ? 0 : crossings(side, MAX_CROSSINGS);
    if (vertices > MAX_VERTICES || k > MAX_CROSSINGS) {
      const why =
        vertices > MAX_VERTICES ? `${vertices} vertices` : `more than ${MAX_CROSSINGS} edge crossings`;
      return {
        iou: rasterIou(prediction, groundTruth),
        method: 'raster',
        reason: `the ${name} has ${why}: raster IoU on a ${RASTER_SIDE}² grid`,
      };
    }
  }
  const a = region(prediction);
  const b = region(groundTruth);
  if (a.length === 0 || b.length === 0) return { iou: 0, method: 'vector', reason: 'an empty region' };
  const inter = area(polygonClipping.intersection(a, b));
  const union = area(polygonClipping.union(a, b));
  return { iou: union > 0 ? inter / union : 0, method: 'vector', reason: 'polygon IoU' };
}

/**
 * Exact vector IoU of two sets of polygon parts (each side's parts united first, self-intersecting
 * rings repaired by the union), computed with polygon-clipping — beside the raster IoU, which
 * depends on the pixel grid. Invariant under scaling, so normalised and pixel coordinates agree.
 * Two empty regions give 0. A side too tangled for a bounded vector union (see
 * {@link polygonIouDetailed}) is measured on a raster instead.
 */
export function polygonIou(prediction: Point[][], groundTruth: Point[][]): number {
  return polygonIouDetailed(prediction, groundTruth).iou;
}

/**
 * Polygon IoU as a reward: the response's polygons found as the `decoder` says (default
 * `'reference'`, as {@link maskIouReward}), their vector IoU with the normalised ground-truth
 * polygons, 0 below τ. No polygon, or an answer the reference decoder raises on, scores 0.
 */
export function polygonIouReward(
  response: string,
  groundTruth: Point[][],
  opts: { threshold?: number; decoder?: DecodeMode } = {},
): RewardResult & { iou: number } {
  checkObject(opts, 'options');
  const threshold = checkUnit('threshold', opts.threshold ?? 0.5);
  const decoder = checkDecoder(opts.decoder);
  if (typeof response !== 'string') return { value: 0, iou: 0, reason: 'the response is not a string' };
  const decoded = decodeAnswer(response, { mode: decoder });
  if (decoded.failure)
    return { value: 0, iou: 0, reason: `no mask: the reference decoder fails: ${decoded.failure.message}` };
  if (decoded.parts.length === 0)
    return { value: 0, iou: 0, reason: `no mask: no polygon (${decoder} decoding)` };
  const parts = decoded.parts.map((p) => p.points);
  let r: ReturnType<typeof polygonIouDetailed>;
  try {
    r = polygonIouDetailed(parts, groundTruth);
  } catch (err) {
    if (err instanceof RewardError) throw err;
    return { value: 0, iou: 0, reason: `polygon clipping failed: ${(err as Error).message}` };
  }
  const { iou } = r;
  const how = r.method === 'vector' ? 'polygon IoU' : `IoU (${r.reason})`;
  return iou < threshold
    ? { value: 0, iou, reason: `${how} ${iou.toFixed(4)} < τ ${threshold}` }
    : { value: iou, iou, reason: `${how} ${iou.toFixed(4)} ≥ τ ${threshold}` };
}
