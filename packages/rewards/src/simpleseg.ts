import {
  type CocoRle,
  countsToString,
  mergeRuns,
  polygonRuns,
  type Runs,
  runsIntersectionUnion,
  stringToCounts,
} from '@seglang/contour';
import { extractLocations, LOCATION_KINDS, type Point } from '@seglang/polygon-grammar';
import { checkObject, checkPolygons, checkUnit, checkWeights } from './check';
import { RewardError } from './errors';
import { type PreparedGroundTruth, prepareGroundTruth, type SimplesegGroundTruth } from './ground-truth';
import { combineRewards, type RewardResult } from './result';

/** The predicted polygons of a response: every polygon in the strict grammar, or null on a format failure. */
export function predictedPolygons(response: unknown): Point[][] | null {
  if (typeof response !== 'string') return null;
  const polygons: Point[][] = [];
  for (const { location } of extractLocations(response, { mode: 'strict' })) {
    if (location.kind === 'polygon') polygons.push(location.points);
    else if (location.kind === 'polygons') polygons.push(...location.polygons);
  }
  return polygons.length > 0 ? polygons : null;
}

/** Runs of normalised polygons rasterised at the ground truth's size with the COCO rule, union over parts. */
function predictionRuns(polygons: Point[][], width: number, height: number): Runs {
  const parts = polygons.map((poly) => {
    const xy = new Float64Array(poly.length * 2);
    for (let i = 0; i < poly.length; i++) {
      xy[2 * i] = poly[i][0] * width;
      xy[2 * i + 1] = poly[i][1] * height;
    }
    return polygonRuns(xy, height, width);
  });
  return parts.length === 1 ? parts[0] : mergeRuns(parts);
}

/** Rasterises normalised polygons at the ground truth's size with the COCO rule, union over parts. */
export function rasterizePrediction(polygons: Point[][], width: number, height: number): CocoRle {
  checkPolygons(polygons, 'polygons');
  for (const [v, name] of [
    [width, 'width'],
    [height, 'height'],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new RewardError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(v)}`);
  // As rle.fromPolygon: pixel coordinates within ±1e8 (the rasteriser walks every upsampled step).
  polygons.forEach((poly, k) =>
    poly.forEach(([x, y], i) => {
      if (Math.abs(x * width) > 1e8 || Math.abs(y * height) > 1e8)
        throw new RewardError(
          'INVALID_ARGUMENT',
          `polygons[${k}][${i}] is more than 1e8 pixels off: [${x}, ${y}]`,
        );
    }),
  );
  if (polygons.length === 0) return { size: [height, width], counts: countsToString([height * width]) };
  return { size: [height, width], counts: countsToString(predictionRuns(polygons, width, height).counts) };
}

function runsCentroid(counts: ArrayLike<number>, h: number): [number, number] | null {
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

/** Centroid (pixel centres) of a COCO RLE, computed from its runs. */
export function rleCentroid(r: CocoRle): [number, number] | null {
  checkObject(r, 'r');
  if (!Array.isArray(r.size) || typeof r.counts !== 'string')
    throw new RewardError('INVALID_ARGUMENT', 'r must be a COCO RLE { size: [h, w], counts: string }');
  return runsCentroid(stringToCounts(r.counts, r.size[0], r.size[1]), r.size[0]);
}

/** What every SimpleSeg reward needs from one response, computed once (by `simplesegReward`, which passes it to each reward; callers leave it out). */
export interface ResponseAnalysis {
  polygons: Point[][] | null;
  pred: Runs | null;
}

function analyse(response: unknown, gt: PreparedGroundTruth): ResponseAnalysis {
  const polygons = predictedPolygons(response);
  return { polygons, pred: polygons ? predictionRuns(polygons, gt.width, gt.height) : null };
}

export interface MaskIouOptions {
  /** IoU below τ gives 0. The paper does not state τ; default 0.5. */
  threshold?: number;
  /** Multiplies the reward (default 1). */
  scale?: number;
}

/** Checks mask-IoU options, filling in the defaults. */
function maskIouOptions(opts: MaskIouOptions): { threshold: number; scale: number } {
  checkObject(opts, 'options');
  const threshold = checkUnit('threshold', opts.threshold ?? 0.5);
  const scale = opts.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale))
    throw new RewardError('INVALID_ARGUMENT', `scale must be a finite number, got ${String(scale)}`);
  return { threshold, scale };
}

/**
 * SimpleSeg's mask IoU reward: the response is parsed strictly (a format failure gives 0), every
 * polygon is scaled to the ground truth's size and rasterised with the COCO rule (`rle.fromPolygon`,
 * union over parts, as the public SimpleSeg decoder does), and the IoU with the ground truth is
 * the reward, or 0 below τ.
 * @throws RewardError only for a malformed ground truth or options.
 */
export function maskIouReward(
  response: string,
  groundTruth: SimplesegGroundTruth | PreparedGroundTruth,
  opts: MaskIouOptions = {},
  analysis?: ResponseAnalysis,
): RewardResult & { iou: number } {
  const gt = prepareGroundTruth(groundTruth);
  const { threshold, scale } = maskIouOptions(opts);
  const { pred } = analysis ?? analyse(response, gt);
  if (!pred) return { value: 0, iou: 0, reason: 'format: no polygon in the strict SimpleSeg grammar' };
  const { intersection, union } = runsIntersectionUnion(pred, gt.runs);
  const iou = intersection === 0 ? 0 : intersection / union;
  if (iou < threshold) return { value: 0, iou, reason: `IoU ${iou.toFixed(4)} < τ ${threshold}` };
  return { value: iou * scale, iou, reason: `IoU ${iou.toFixed(4)} ≥ τ ${threshold}` };
}

/**
 * SimpleSeg's distance reward: the negative mean squared distance between the predicted and the
 * ground-truth mask centroids, each coordinate normalised by the image size:
 * `−((Δx/W)² + (Δy/H)²) / 2`, in [−1, 0]. A format failure or an empty mask gives −1.
 */
export function centroidDistanceReward(
  response: string,
  groundTruth: SimplesegGroundTruth | PreparedGroundTruth,
  analysis?: ResponseAnalysis,
): RewardResult {
  const gt = prepareGroundTruth(groundTruth);
  const { pred } = analysis ?? analyse(response, gt);
  if (!pred) return { value: -1, reason: 'format: no polygon in the strict SimpleSeg grammar' };
  const c = runsCentroid(pred.counts, gt.height);
  if (!c) return { value: -1, reason: 'the predicted mask is empty' };
  if (!gt.centroid) return { value: -1, reason: 'the ground-truth mask is empty' };
  const dx = (c[0] - gt.centroid[0]) / gt.width;
  const dy = (c[1] - gt.centroid[1]) / gt.height;
  const value = -(dx * dx + dy * dy) / 2;
  return { value, reason: `centroid offset (${dx.toFixed(4)}, ${dy.toFixed(4)}) of the image size` };
}

/** 1 when the response holds a location of the expected kind in the strict grammar, else 0. */
export function formatReward(
  response: string,
  opts: { kind?: 'point' | 'bbox' | 'polygon' | 'polygons' } = {},
): RewardResult {
  checkObject(opts, 'options');
  const kind = opts.kind ?? 'polygons';
  if (!LOCATION_KINDS.includes(kind))
    throw new RewardError(
      'INVALID_ARGUMENT',
      `kind must be ${LOCATION_KINDS.join(', ')}, got ${String(kind)}`,
    );
  if (typeof response !== 'string') return { value: 0, reason: 'response is not a string' };
  const found = extractLocations(response, { mode: 'strict' }).filter((l) => l.location.kind === kind);
  return found.length > 0
    ? { value: 1, reason: `a well-formed ${kind}` }
    : { value: 0, reason: `no well-formed ${kind} in the strict grammar` };
}

/**
 * A length penalty for ablations (the paper found it hurts; off in the preset): 0 up to
 * `maxChars`, then −(excess / maxChars), at most −1.
 */
export function lengthPenalty(response: string, opts: { maxChars: number }): RewardResult {
  if (!Number.isInteger(opts?.maxChars) || opts.maxChars < 1)
    throw new RewardError(
      'INVALID_ARGUMENT',
      `maxChars must be a positive integer, got ${String(opts?.maxChars)}`,
    );
  const len = typeof response === 'string' ? response.length : 0;
  const excess = Math.max(0, len - opts.maxChars);
  return {
    value: -Math.min(1, excess / opts.maxChars),
    reason: `${len} characters (limit ${opts.maxChars})`,
  };
}

const SIMPLESEG_COMPONENTS = ['iou', 'centroid', 'format', 'length'] as const;

export interface SimplesegRewardConfig extends MaskIouOptions {
  /** Component weights (default: iou 1, centroid 1, format 1, length 0). */
  weights?: Partial<Record<'iou' | 'centroid' | 'format' | 'length', number>>;
  /** For the length penalty, when its weight is non-zero. */
  maxChars?: number;
}

/**
 * The SimpleSeg RL reward (paper §3.2): mask IoU (0 below τ) + centroid distance + format, with
 * an optional length penalty for ablations. Returns a scorer to call per rollout.
 * @example
 * const score = simplesegReward({ threshold: 0.5 });
 * score('It is at [[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]].', { width: 10, height: 10, polygons: [[[1, 1], [9, 1], [9, 9], [1, 9]]] }).value;
 */
export function simplesegReward(config: SimplesegRewardConfig = {}) {
  checkObject(config, 'config');
  // Everything is checked here, once, rather than on the first rollout.
  maskIouOptions(config);
  if (config.weights !== undefined) checkWeights(config.weights, 'config.weights', SIMPLESEG_COMPONENTS);
  if (config.maxChars !== undefined) lengthPenalty('', { maxChars: config.maxChars });
  const weights = { iou: 1, centroid: 1, format: 1, length: 0, ...config.weights };
  return (response: string, groundTruth: SimplesegGroundTruth | PreparedGroundTruth): RewardResult => {
    const gt = prepareGroundTruth(groundTruth);
    const analysis = analyse(response, gt);
    const components: Record<string, RewardResult> = {
      iou: maskIouReward(response, gt, config, analysis),
      centroid: centroidDistanceReward(response, gt, analysis),
      format: formatReward(response),
    };
    if (weights.length !== 0)
      components.length = lengthPenalty(response, { maxChars: config.maxChars ?? 4096 });
    return combineRewards(components, weights);
  };
}
