import {
  type CocoRle,
  ContourError,
  countsToString,
  encodeRuns,
  MAX_MASK_PIXELS,
  type Mask,
  mergeRuns,
  type Point,
  polygonRuns,
  type Runs,
  toRuns,
} from '@seglang/contour';
import { RewardError } from './errors';

/** A SimpleSeg ground truth: image size plus a mask, a COCO RLE, or polygons (pixels, or normalised). */
export type SimplesegGroundTruth = { width: number; height: number } & (
  | { mask: Mask }
  | { rle: CocoRle }
  | { polygons: Point[][]; normalized?: boolean }
);

/** A ground truth decoded once, to score many rollouts against it. Made only by {@link prepareGroundTruth}. */
export interface PreparedGroundTruth {
  readonly prepared: true;
  readonly width: number;
  readonly height: number;
  readonly rle: CocoRle;
  /** The RLE's runs, kept so that scoring never re-parses the string. */
  readonly runs: Runs;
  readonly area: number;
  /** Centroid in pixels (pixel centres), or null when empty. */
  readonly centroid: [number, number] | null;
}

/** The objects {@link prepareGroundTruth} made: a look-alike `{ prepared: true }` is not one. */
const PREPARED = new WeakSet<object>();

/** Farther than this (pixels), a ground-truth point is refused: rasterising walks every step. */
const MAX_PIXEL = 1e8;

const bad = (message: string): never => {
  throw new RewardError('INVALID_GROUND_TRUTH', message);
};

/** Centroid (pixel centres) of column-major runs over an image of height `h`. */
export function runsCentroid(counts: ArrayLike<number>, h: number): [number, number] | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const len = counts[j];
    if (j & 1) {
      // A run may span columns: split it at column ends.
      let start = pos;
      let left = len;
      while (left > 0) {
        const x = Math.floor(start / h);
        const y0 = start - x * h;
        const take = Math.min(left, h - y0);
        n += take;
        sx += x * take;
        sy += take * y0 + (take * (take - 1)) / 2;
        start += take;
        left -= take;
      }
    }
    pos += len;
  }
  return n === 0 ? null : [sx / n, sy / n];
}

/** The runs of a ground truth's polygons, rasterised with the COCO rule and united, without a mask. */
function polygonsRuns(polygons: unknown, normalized: boolean, width: number, height: number): Runs {
  if (!Array.isArray(polygons)) return bad('ground truth polygons must be an array of [x, y] point arrays');
  const list: Runs[] = [];
  polygons.forEach((poly, k) => {
    if (!Array.isArray(poly)) bad(`ground truth polygons[${k}] must be an array of [x, y] points`);
    const xy = new Float64Array(2 * poly.length);
    (poly as unknown[]).forEach((p, i) => {
      const q = p as unknown[];
      if (!Array.isArray(q) || q.length !== 2 || typeof q[0] !== 'number' || typeof q[1] !== 'number')
        bad(`ground truth polygons[${k}][${i}] must be [x, y]`);
      const x = normalized ? (q[0] as number) * width : (q[0] as number);
      const y = normalized ? (q[1] as number) * height : (q[1] as number);
      if (!(Math.abs(x) <= MAX_PIXEL && Math.abs(y) <= MAX_PIXEL))
        bad(`ground truth polygons[${k}][${i}] must be finite and within 1e8 pixels, got [${q[0]}, ${q[1]}]`);
      xy[2 * i] = x;
      xy[2 * i + 1] = y;
    });
    list.push(polygonRuns(xy, height, width));
  });
  return list.length > 0 ? mergeRuns(list) : { h: height, w: width, counts: Uint32Array.of(width * height) };
}

/**
 * Validates a ground truth and decodes it once (RLE, area, centroid) for many rollouts. The work is
 * proportional to what the ground truth holds — its runs, its polygons' edges, or its mask's pixels —
 * never to a declared image size alone: no mask is allocated for an RLE or polygons. Images hold at
 * most 2^31 − 1 pixels. A prepared ground truth is returned as it is; only objects this function
 * made count as prepared.
 * @throws RewardError `INVALID_GROUND_TRUTH` naming what is wrong.
 */
export function prepareGroundTruth(gt: SimplesegGroundTruth | PreparedGroundTruth): PreparedGroundTruth {
  if (gt !== null && typeof gt === 'object' && PREPARED.has(gt)) return gt as PreparedGroundTruth;
  if (gt === null || typeof gt !== 'object' || Array.isArray(gt))
    bad('ground truth must be an object { width, height, mask | rle | polygons }');
  const g = gt as Record<string, unknown>;
  const { width, height } = g as { width: number; height: number };
  if (!Number.isSafeInteger(width) || width < 1 || !Number.isSafeInteger(height) || height < 1)
    bad(
      `ground truth width and height must be positive integers, got ${String(width)} and ${String(height)}`,
    );
  if (width * height > MAX_MASK_PIXELS)
    bad(`a ${width}×${height} ground truth has more than 2^31 − 1 pixels`);
  const given = ['mask', 'rle', 'polygons'].filter((k) => g[k] !== undefined);
  if (given.length !== 1)
    bad(
      `ground truth needs exactly one of mask, rle or polygons, got ${given.length ? given.join(' and ') : 'none'}`,
    );
  if (g.normalized !== undefined && typeof g.normalized !== 'boolean')
    bad(`ground truth normalized must be true or false, got ${String(g.normalized)}`);
  let runs: Runs;
  try {
    if (given[0] === 'mask') runs = encodeRuns(g.mask as Mask);
    else if (given[0] === 'rle') runs = toRuns(g.rle as CocoRle, 'ground truth rle');
    else runs = polygonsRuns(g.polygons, g.normalized === true, width, height);
  } catch (err) {
    if (err instanceof ContourError) bad(`ground truth: ${err.message}`);
    throw err;
  }
  if (runs.w !== width || runs.h !== height)
    bad(`ground truth ${given[0]} is ${runs.w}x${runs.h} but width x height is ${width}x${height}`);
  let area = 0;
  for (let j = 1; j < runs.counts.length; j += 2) area += runs.counts[j];
  const prepared: PreparedGroundTruth = Object.freeze({
    prepared: true as const,
    width,
    height,
    rle: { size: [height, width] as [number, number], counts: countsToString(runs.counts) },
    runs,
    area,
    centroid: runsCentroid(runs.counts, height),
  });
  PREPARED.add(prepared);
  return prepared;
}
