import {
  type CocoRle,
  ContourError,
  encodeRuns,
  type Mask,
  maskCentroid,
  type Point,
  polygonsToMask,
  type Runs,
  rle,
} from '@seglang/contour';
import { RewardError } from './errors';

/** A SimpleSeg ground truth: image size plus a mask, a COCO RLE, or polygons (pixels, or normalised). */
export type SimplesegGroundTruth = { width: number; height: number } & (
  | { mask: Mask }
  | { rle: CocoRle }
  | { polygons: Point[][]; normalized?: boolean }
);

/** A ground truth decoded once, to score many rollouts against it. */
export interface PreparedGroundTruth {
  readonly prepared: true;
  width: number;
  height: number;
  rle: CocoRle;
  /** The RLE's runs, kept so that scoring never re-parses the string. */
  runs: Runs;
  area: number;
  /** Centroid in pixels (pixel centres), or null when empty. */
  centroid: [number, number] | null;
}

/**
 * Decodes and validates a ground truth once (RLE, area, centroid).
 * @throws RewardError `INVALID_GROUND_TRUTH` naming what is wrong.
 */
export function prepareGroundTruth(gt: SimplesegGroundTruth | PreparedGroundTruth): PreparedGroundTruth {
  if (gt && (gt as PreparedGroundTruth).prepared === true) return gt as PreparedGroundTruth;
  if (!gt || typeof gt !== 'object')
    throw new RewardError(
      'INVALID_GROUND_TRUTH',
      'ground truth must be an object { width, height, mask | rle | polygons }',
    );
  const { width, height } = gt as { width: number; height: number };
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RewardError(
      'INVALID_GROUND_TRUTH',
      `ground truth width and height must be positive integers, got ${width} and ${height}`,
    );
  }
  try {
    let mask: Mask;
    if ('mask' in gt) mask = gt.mask;
    else if ('rle' in gt) mask = rle.decode(gt.rle);
    else if ('polygons' in gt)
      mask = polygonsToMask(gt.polygons, width, height, { normalized: gt.normalized ?? false });
    else throw new RewardError('INVALID_GROUND_TRUTH', 'ground truth needs one of mask, rle or polygons');
    if (mask.width !== width || mask.height !== height) {
      throw new RewardError(
        'INVALID_GROUND_TRUTH',
        `ground truth mask is ${mask.width}x${mask.height} but width x height is ${width}x${height}`,
      );
    }
    const runs = encodeRuns(mask);
    const encoded = rle.encode(mask);
    return {
      prepared: true,
      width,
      height,
      rle: encoded,
      runs,
      area: rle.area(encoded),
      centroid: maskCentroid(mask),
    };
  } catch (err) {
    if (err instanceof ContourError)
      throw new RewardError('INVALID_GROUND_TRUTH', `ground truth: ${err.message}`);
    throw err;
  }
}
