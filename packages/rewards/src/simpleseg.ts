import { type CocoRle, type Runs, runsIntersectionUnion, stringToCounts } from '@seglang/contour';
import {
  answerRuns,
  DECODE_MODES,
  type DecodeMode,
  decodeAnswer,
  extractLocations,
  LOCATION_KINDS,
} from '@seglang/polygon-grammar';
import { checkObject, checkUnit, checkWeights } from './check';
import { RewardError } from './errors';
import {
  type PreparedGroundTruth,
  prepareGroundTruth,
  runsCentroid,
  type SimplesegGroundTruth,
} from './ground-truth';
import { combineRewards, type RewardResult } from './result';

/** Centroid (pixel centres) of a COCO RLE, computed from its runs. */
export function rleCentroid(r: CocoRle): [number, number] | null {
  checkObject(r, 'r');
  if (!Array.isArray(r.size) || typeof r.counts !== 'string')
    throw new RewardError('INVALID_ARGUMENT', 'r must be a COCO RLE { size: [h, w], counts: string }');
  return runsCentroid(stringToCounts(r.counts, r.size[0], r.size[1]), r.size[0]);
}

/** What the IoU and centroid rewards need from one response: its mask at the ground truth's size. */
interface Prediction {
  runs: Runs | null;
  /** Why there is no mask, when there is none. */
  reason: string;
}

/** The response's polygons as the decoder finds them, rasterised at the ground truth's size. */
function predict(response: unknown, gt: PreparedGroundTruth, decoder: DecodeMode): Prediction {
  if (typeof response !== 'string') return { runs: null, reason: 'the response is not a string' };
  return answerRuns(decodeAnswer(response, { mode: decoder }), gt.width, gt.height);
}

/** The decoder option, default `'reference'`. */
export function checkDecoder(decoder: unknown): DecodeMode {
  const d = decoder ?? 'reference';
  if (!DECODE_MODES.includes(d as DecodeMode))
    throw new RewardError(
      'INVALID_ARGUMENT',
      `decoder must be ${DECODE_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(decoder)}`,
    );
  return d as DecodeMode;
}

export interface MaskIouOptions {
  /** IoU below τ gives 0. The paper does not state τ; default 0.5. */
  threshold?: number;
  /** Multiplies the reward (default 1). */
  scale?: number;
  /**
   * How the response's polygons are found (`@seglang/polygon-grammar`'s `decodeAnswer` modes):
   * `'reference'` (default), as the public SimpleSeg decoder finds them; `'strict'` or `'tolerant'`.
   */
  decoder?: DecodeMode;
}

/** Checks mask-IoU options, filling in the defaults. */
function maskIouOptions(opts: MaskIouOptions): { threshold: number; scale: number; decoder: DecodeMode } {
  checkObject(opts, 'options');
  const threshold = checkUnit('threshold', opts.threshold ?? 0.5);
  const scale = opts.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale))
    throw new RewardError('INVALID_ARGUMENT', `scale must be a finite number, got ${String(scale)}`);
  return { threshold, scale, decoder: checkDecoder(opts.decoder) };
}

function iouReward(
  pred: Prediction,
  gt: PreparedGroundTruth,
  threshold: number,
  scale: number,
): RewardResult & { iou: number } {
  if (!pred.runs) return { value: 0, iou: 0, reason: `no mask: ${pred.reason}` };
  const { intersection, union } = runsIntersectionUnion(pred.runs, gt.runs);
  const iou = intersection === 0 ? 0 : intersection / union;
  if (iou < threshold) return { value: 0, iou, reason: `IoU ${iou.toFixed(4)} < τ ${threshold}` };
  return { value: iou * scale, iou, reason: `IoU ${iou.toFixed(4)} ≥ τ ${threshold}` };
}

function centroidReward(pred: Prediction, gt: PreparedGroundTruth): RewardResult {
  if (!pred.runs) return { value: -1, reason: `no mask: ${pred.reason}` };
  const c = runsCentroid(pred.runs.counts, gt.height);
  if (!c) return { value: -1, reason: 'the predicted mask is empty' };
  if (!gt.centroid) return { value: -1, reason: 'the ground-truth mask is empty' };
  const dx = (c[0] - gt.centroid[0]) / gt.width;
  const dy = (c[1] - gt.centroid[1]) / gt.height;
  const value = -(dx * dx + dy * dy) / 2;
  return { value, reason: `centroid offset (${dx.toFixed(4)}, ${dy.toFixed(4)}) of the image size` };
}

/**
 * SimpleSeg's mask IoU reward: the response's polygons, found as the public SimpleSeg decoder finds
 * them (`decoder`, default `'reference'`: any spacing, no range check, every match united), are
 * scaled to the ground truth's size and rasterised with the COCO rule, and the IoU with the ground
 * truth is the reward, or 0 below τ. An answer without a polygon, or one the reference decoder
 * raises on, scores 0.
 * @throws RewardError only for a malformed ground truth or options.
 */
export function maskIouReward(
  response: string,
  groundTruth: SimplesegGroundTruth | PreparedGroundTruth,
  opts: MaskIouOptions = {},
): RewardResult & { iou: number } {
  const gt = prepareGroundTruth(groundTruth);
  const { threshold, scale, decoder } = maskIouOptions(opts);
  return iouReward(predict(response, gt, decoder), gt, threshold, scale);
}

/**
 * SimpleSeg's distance reward: the negative mean squared distance between the predicted and the
 * ground-truth mask centroids, each coordinate normalised by the image size:
 * `−((Δx/W)² + (Δy/H)²) / 2`, in [−1, 0]. The polygons are found as for {@link maskIouReward}; no
 * polygon, or an empty mask, gives −1.
 */
export function centroidDistanceReward(
  response: string,
  groundTruth: SimplesegGroundTruth | PreparedGroundTruth,
  opts: { decoder?: DecodeMode } = {},
): RewardResult {
  const gt = prepareGroundTruth(groundTruth);
  checkObject(opts, 'options');
  return centroidReward(predict(response, gt, checkDecoder(opts.decoder)), gt);
}

/**
 * 1 when the response holds a location of the expected kind in the strict grammar (exactly as the
 * formatters write it), else 0.
 */
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
 * an optional length penalty for ablations. The accuracy terms see exactly the polygons the
 * reference decoder finds (`decoder`); the format term is strict. Returns a scorer to call per rollout.
 * @example
 * const score = simplesegReward({ threshold: 0.5 });
 * score('It is at [[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]].', { width: 10, height: 10, polygons: [[[1, 1], [9, 1], [9, 9], [1, 9]]] }).value;
 */
export function simplesegReward(config: SimplesegRewardConfig = {}) {
  checkObject(config, 'config');
  // Everything is checked here, once, rather than on the first rollout.
  const { threshold, scale, decoder } = maskIouOptions(config);
  if (config.weights !== undefined) checkWeights(config.weights, 'config.weights', SIMPLESEG_COMPONENTS);
  if (config.maxChars !== undefined) lengthPenalty('', { maxChars: config.maxChars });
  const weights = { iou: 1, centroid: 1, format: 1, length: 0, ...config.weights };
  return (response: string, groundTruth: SimplesegGroundTruth | PreparedGroundTruth): RewardResult => {
    const gt = prepareGroundTruth(groundTruth);
    // The response is decoded and rasterised once, for both accuracy terms.
    const pred = predict(response, gt, decoder);
    const components: Record<string, RewardResult> = {
      iou: iouReward(pred, gt, threshold, scale),
      centroid: centroidReward(pred, gt),
      format: formatReward(response),
    };
    if (weights.length !== 0)
      components.length = lengthPenalty(response, { maxChars: config.maxChars ?? 4096 });
    return combineRewards(components, weights);
  };
}
