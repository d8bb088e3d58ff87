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
function region(parts: Point[][], name: string): MultiPolygon {
  checkPolygons(parts, name);
  const polys: Polygon[] = [];
  for (const part of parts)
    if (part.length >= 3) polys.push([part.map(([x, y]) => [x, y] as [number, number])]);
  if (polys.length === 0) return [];
  return polygonClipping.union(polys[0], ...polys.slice(1));
}

/**
 * Exact vector IoU of two sets of polygon parts (each side's parts united first, self-intersecting
 * rings repaired by the union), computed with polygon-clipping — beside the raster IoU, which
 * depends on the pixel grid. Invariant under scaling, so normalised and pixel coordinates agree.
 * Two empty regions give 0.
 */
export function polygonIou(prediction: Point[][], groundTruth: Point[][]): number {
  const a = region(prediction, 'prediction');
  const b = region(groundTruth, 'groundTruth');
  if (a.length === 0 || b.length === 0) return 0;
  const inter = area(polygonClipping.intersection(a, b));
  const union = area(polygonClipping.union(a, b));
  return union > 0 ? inter / union : 0;
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
  let iou: number;
  try {
    iou = polygonIou(parts, groundTruth);
  } catch (err) {
    if (err instanceof RewardError) throw err;
    return { value: 0, iou: 0, reason: `polygon clipping failed: ${(err as Error).message}` };
  }
  return iou < threshold
    ? { value: 0, iou, reason: `polygon IoU ${iou.toFixed(4)} < τ ${threshold}` }
    : { value: iou, iou, reason: `polygon IoU ${iou.toFixed(4)} ≥ τ ${threshold}` };
}
