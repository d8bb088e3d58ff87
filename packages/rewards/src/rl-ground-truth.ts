import type { CocoRle } from '@seglang/contour';
import { RewardError } from './errors';
import { prepareGroundTruth } from './ground-truth';
import { checkSamtokGroundTruth } from './samtok';

/**
 * A ground truth as an RL dataset row carries it (`reward_model.ground_truth` for verl, `answer` for
 * EasyR1): one JSON string that names its kind, so that a reward function routes on a field, never
 * on the string's shape. Arrow cannot hold an RLE row and an answer-text row in one struct column; a
 * string column holds both.
 *
 * - `simpleseg`: the target mask as a COCO RLE at the image's size, scored by IoU (+ centroid, format).
 * - `samtok`: the reference answer text (mask words, or `No target.`), scored by answer matching.
 */
export type RlGroundTruth =
  | { kind: 'simpleseg'; width: number; height: number; rle: CocoRle }
  | { kind: 'samtok'; answer: string };

/** The kinds an RL ground truth can name. */
export const RL_GROUND_TRUTH_KINDS: readonly RlGroundTruth['kind'][] = ['simpleseg', 'samtok'];

const bad = (message: string): never => {
  throw new RewardError('INVALID_GROUND_TRUTH', message);
};

/** Checks a ground truth in full (an RLE is read as the scorer reads it) and returns it with only its fields. */
function checked(gt: unknown): RlGroundTruth {
  if (gt === null || typeof gt !== 'object' || Array.isArray(gt))
    return bad('an RL ground truth must be an object { kind, … }');
  const g = gt as Record<string, unknown>;
  if (g.kind === 'simpleseg') {
    const { width, height, rle } = g as { width: number; height: number; rle: CocoRle };
    // Read as the scorer reads it; an uncompressed RLE is written compressed.
    const p = prepareGroundTruth({ width, height, rle });
    return {
      kind: 'simpleseg',
      width,
      height,
      rle: { size: [p.rle.size[0], p.rle.size[1]], counts: p.rle.counts },
    };
  }
  if (g.kind === 'samtok') {
    checkSamtokGroundTruth(g.answer);
    return { kind: 'samtok', answer: g.answer as string };
  }
  return bad(
    `an RL ground truth's kind must be ${RL_GROUND_TRUTH_KINDS.map((k) => JSON.stringify(k)).join(' or ')}, got ${JSON.stringify(g.kind)}`,
  );
}

/**
 * The JSON string of a ground truth, checked: `{"kind":"simpleseg","width":…,"height":…,"rle":{"size":[h,w],"counts":"…"}}`
 * or `{"kind":"samtok","answer":"…"}`, keys in that order.
 * @throws RewardError `INVALID_GROUND_TRUTH` naming what is wrong (a corrupt RLE, a size mismatch,
 *   answer text whose mask words do not read strictly, an unknown kind).
 * @example
 * encodeRlGroundTruth({ kind: 'samtok', answer: 'No target.' }); // → '{"kind":"samtok","answer":"No target."}'
 */
export function encodeRlGroundTruth(gt: RlGroundTruth): string {
  return JSON.stringify(checked(gt));
}

/**
 * Reads what {@link encodeRlGroundTruth} writes (from a dataset row), checked the same way.
 * @throws RewardError `INVALID_GROUND_TRUTH` for text that is not such JSON.
 */
export function decodeRlGroundTruth(text: string): RlGroundTruth {
  if (typeof text !== 'string') return bad(`an RL ground truth must be a JSON string, got ${typeof text}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return bad(`an RL ground truth must be JSON: ${(e as Error).message}`);
  }
  return checked(value);
}
