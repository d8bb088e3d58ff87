import { type CocoRle, type Mask, type Point, rle } from '@seglang/contour';
import {
  checkFlag,
  checkMaskArg,
  checkNumbers,
  checkObject,
  checkPoints,
  checkPolygons,
  checkUnit,
} from './check';
import { RewardError } from './errors';

/** A prediction or ground truth for the meter: a mask, a COCO RLE, or null for "no target". */
export type Region = Mask | CocoRle | null;

function toRle(r: Region, name: string): CocoRle | null {
  if (r === null) return null;
  if (typeof (r as CocoRle).counts === 'string') return r as CocoRle;
  if ((r as Mask).data instanceof Uint8Array) return rle.encode(r as Mask);
  throw new RewardError('INVALID_ARGUMENT', `${name} must be a Mask, a COCO RLE or null`);
}

/**
 * Referring-segmentation metrics as the public evaluation code computes them: cIoU = ΣI / ΣU,
 * gIoU = mean per-sample IoU, Pr@0.5…0.9 (share of samples with IoU ≥ threshold), and, for GRES,
 * N-acc (no-target samples predicted empty) and T-acc (target samples predicted non-empty).
 * GRES conventions: an empty prediction on an empty ground truth has IoU 1 (and counts for N-acc);
 * a non-empty prediction on an empty ground truth has IoU 0 and adds its area to U.
 * `referenceCompatible: true` adds the reference code's `+1` to the N-acc and T-acc denominators.
 */
export class ReferringSegmentationMeter {
  private inter = 0;
  private union = 0;
  private ious: number[] = [];
  private noTarget = 0;
  private noTargetHit = 0;
  private target = 0;
  private targetHit = 0;
  constructor(private readonly opts: { referenceCompatible?: boolean; thresholds?: number[] } = {}) {
    checkObject(opts, 'options');
    checkFlag('referenceCompatible', opts.referenceCompatible);
    if (opts.thresholds !== undefined) {
      checkNumbers(opts.thresholds, 'thresholds');
      opts.thresholds.forEach((t, i) => checkUnit(`thresholds[${i}]`, t));
    }
  }

  /** Adds one sample; `null` or an empty mask means "no target". Returns the sample's IoU. */
  add(prediction: Region, groundTruth: Region): number {
    const p = toRle(prediction, 'prediction');
    const g = toRle(groundTruth, 'groundTruth');
    const pa = p ? rle.area(p) : 0;
    const ga = g ? rle.area(g) : 0;
    let iou: number;
    if (ga === 0) {
      this.noTarget++;
      if (pa === 0) {
        this.noTargetHit++;
        iou = 1;
      } else {
        this.union += pa;
        iou = 0;
      }
    } else {
      this.target++;
      if (pa > 0) this.targetHit++;
      let i = 0;
      if (p && pa > 0) {
        if (p.size[0] !== g!.size[0] || p.size[1] !== g!.size[1])
          throw new RewardError('INVALID_ARGUMENT', `prediction is ${p.size} but ground truth is ${g!.size}`);
        const both = rle.merge([p, g!], true);
        i = rle.area(both);
      }
      const u = pa + ga - i;
      this.inter += i;
      this.union += u;
      iou = i / u;
    }
    this.ious.push(iou);
    return iou;
  }

  result() {
    const plus = this.opts.referenceCompatible ? 1 : 0;
    const n = this.ious.length;
    const thresholds = this.opts.thresholds ?? [0.5, 0.6, 0.7, 0.8, 0.9];
    const precision = Object.fromEntries(
      thresholds.map((t) => [`Pr@${t}`, n ? this.ious.filter((v) => v >= t).length / n : 0]),
    );
    return {
      samples: n,
      cIoU: this.union > 0 ? this.inter / this.union : 0,
      gIoU: n ? this.ious.reduce((a, b) => a + b, 0) / n : 0,
      nAcc: this.noTarget + plus > 0 ? this.noTargetHit / (this.noTarget + plus) : 0,
      tAcc: this.target + plus > 0 ? this.targetHit / (this.target + plus) : 0,
      ...precision,
    };
  }
}

/** The box `[x1, y1, x2, y2]` of polygons by min/max (how SimpleSeg derives REC boxes from polygons). */
export function boxFromPolygons(polygons: Point[][]): [number, number, number, number] | null {
  checkPolygons(polygons, 'polygons');
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const poly of polygons)
    for (const [x, y] of poly) {
      if (x < x1) x1 = x;
      if (y < y1) y1 = y;
      if (x > x2) x2 = x;
      if (y > y2) y2 = y;
    }
  return x1 === Number.POSITIVE_INFINITY ? null : [x1, y1, x2, y2];
}

/** IoU of two `[x1, y1, x2, y2]` boxes (continuous coordinates). */
export function boxIou(a: number[], b: number[]): number {
  checkNumbers(a, 'a', 4);
  checkNumbers(b, 'b', 4);
  return iouOfBoxes(a, b);
}

/** {@link boxIou} of boxes already checked. */
function iouOfBoxes(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  const u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i;
  return u > 0 ? i / u : 0;
}

/**
 * REC accuracy: the share of predictions whose box IoU with the ground truth passes 0.5 — strictly
 * (`> 0.5`, the default) or with `inclusive: true` (`≥ 0.5`). A missing prediction (null) is a miss.
 */
export function recAccuracy(
  predictions: Array<number[] | null>,
  groundTruths: number[][],
  opts: { threshold?: number; inclusive?: boolean } = {},
): number {
  if (!Array.isArray(predictions) || !Array.isArray(groundTruths))
    throw new RewardError('INVALID_ARGUMENT', 'predictions and groundTruths must be arrays of boxes');
  groundTruths.forEach((g, i) => checkNumbers(g, `groundTruths[${i}]`, 4));
  predictions.forEach((p, i) => p === null || checkNumbers(p, `predictions[${i}]`, 4));
  if (predictions.length !== groundTruths.length)
    throw new RewardError(
      'INVALID_ARGUMENT',
      `${predictions.length} predictions for ${groundTruths.length} ground truths`,
    );
  checkObject(opts, 'options');
  const t = checkUnit('threshold', opts.threshold ?? 0.5);
  checkFlag('inclusive', opts.inclusive);
  let hit = 0;
  predictions.forEach((p, i) => {
    if (!p) return;
    const iou = iouOfBoxes(p, groundTruths[i]);
    if (opts.inclusive ? iou >= t : iou > t) hit++;
  });
  return predictions.length ? hit / predictions.length : 0;
}

function boundary(mask: Mask): number[] {
  const { width: w, height: h, data } = mask;
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!data[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === w - 1 ||
        y === h - 1 ||
        !data[i - 1] ||
        !data[i + 1] ||
        !data[i - w] ||
        !data[i + w]
      )
        out.push(i);
    }
  return out;
}

/**
 * Boundary F-score with a pixel tolerance (SimpleSeg Appendix A): boundary pixels are foreground
 * pixels with a 4-neighbour in the background (or on the image edge); precision is the share of
 * predicted boundary pixels within `tolerance` (Euclidean) of a ground-truth boundary pixel, recall
 * the converse. Both empty → 1.
 */
export function boundaryFScore(prediction: Mask, groundTruth: Mask, tolerance = 2): number {
  checkMaskArg(prediction, 'prediction');
  checkMaskArg(groundTruth, 'groundTruth');
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || !Number.isFinite(tolerance))
    throw new RewardError(
      'INVALID_ARGUMENT',
      `tolerance must be a finite number >= 0, got ${String(tolerance)}`,
    );
  if (prediction.width !== groundTruth.width || prediction.height !== groundTruth.height)
    throw new RewardError('INVALID_ARGUMENT', 'prediction and ground truth differ in size');
  const w = prediction.width;
  const h = prediction.height;
  const bp = boundary(prediction);
  const bg = boundary(groundTruth);
  if (bp.length === 0 && bg.length === 0) return 1;
  if (bp.length === 0 || bg.length === 0) return 0;
  const near = (from: number[]) => {
    const map = new Uint8Array(w * h);
    const r = Math.ceil(tolerance);
    for (const i of from) {
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < w && ny < h && dx * dx + dy * dy <= tolerance * tolerance)
            map[ny * w + nx] = 1;
        }
    }
    return map;
  };
  const nearGt = near(bg);
  const nearPred = near(bp);
  const precision = bp.filter((i) => nearGt[i]).length / bp.length;
  const recall = bg.filter((i) => nearPred[i]).length / bg.length;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Symmetric vertex-wise Chamfer distance between two polygons: the mean, over both directions, of each vertex's distance to the nearest vertex of the other. */
export function chamferDistance(a: Point[], b: Point[]): number {
  checkPoints(a, 'a');
  checkPoints(b, 'b');
  if (a.length === 0 || b.length === 0)
    throw new RewardError('INVALID_ARGUMENT', 'chamferDistance needs two non-empty polygons');
  const oneWay = (p: Point[], q: Point[]) => {
    let sum = 0;
    for (const [x, y] of p) {
      let best = Number.POSITIVE_INFINITY;
      for (const [u, v] of q) best = Math.min(best, Math.hypot(x - u, y - v));
      sum += best;
    }
    return sum / p.length;
  };
  return (oneWay(a, b) + oneWay(b, a)) / 2;
}

/** Token statistics of mask texts: mean, median, 90th percentile, min, max. */
export function tokensPerMaskStats(counts: number[]) {
  checkNumbers(counts, 'counts');
  for (let i = 0; i < counts.length; i++)
    if (!Number.isSafeInteger(counts[i]) || counts[i] < 0)
      throw new RewardError(
        'INVALID_ARGUMENT',
        `counts[${i}] must be a non-negative integer, got ${String(counts[i])}`,
      );
  if (counts.length === 0) return { count: 0, mean: 0, median: 0, p90: 0, min: 0, max: 0 };
  const s = [...counts].sort((x, y) => x - y);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return {
    count: s.length,
    mean: s.reduce((x, y) => x + y, 0) / s.length,
    median: q(0.5),
    p90: q(0.9),
    min: s[0],
    max: s[s.length - 1],
  };
}
