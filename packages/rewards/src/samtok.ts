import { parseMaskWords } from '@seglang/rq-tokenizer';
import { checkObject, checkWeights } from './check';
import { RewardError } from './errors';
import { combineRewards, type RewardResult } from './result';

const words = (text: string) =>
  typeof text === 'string' ? parseMaskWords(text, { mode: 'strict' }).map((m) => m.codes) : [];
const key = (codes: number[]) => codes.join(',');
const MASK_TOKEN = /<\|mt_(?:start|end|\d{4})\|>/g;

/**
 * The masks of a ground-truth answer, which must read strictly: every mask-word token in it part
 * of a complete mask (start, one code per level at its level, end). A truncated ground truth, or
 * one written for another codebook size, would otherwise lose masks and make a wrong answer score.
 * @throws RewardError `INVALID_GROUND_TRUTH`.
 */
function groundTruthWords(groundTruth: unknown): number[][] {
  if (typeof groundTruth !== 'string')
    throw new RewardError(
      'INVALID_GROUND_TRUTH',
      `the ground truth must be the answer text, got ${typeof groundTruth}`,
    );
  const masks = words(groundTruth);
  const tokens = groundTruth.match(MASK_TOKEN)?.length ?? 0;
  // Two levels of 256 codes: start, two codes, end.
  if (tokens !== masks.length * 4)
    throw new RewardError(
      'INVALID_GROUND_TRUTH',
      `the ground truth's mask words do not read strictly (${tokens} mask tokens, ${masks.length} complete masks of 2 codes from 256 each): truncated, or for another codebook`,
    );
  return masks;
}

/** Checks a SAMTok ground-truth answer: non-empty text whose mask words read strictly. */
export function checkSamtokGroundTruth(answer: unknown): void {
  groundTruthWords(answer);
  if ((answer as string).trim() === '')
    throw new RewardError('INVALID_GROUND_TRUTH', 'the ground-truth answer text is empty');
}

/**
 * SAMTok's answer-matching reward: masks extracted strictly from both texts; both empty → 1;
 * TP = Σ over unique predicted masks of the best grade against the unique ground-truth masks
 * (same codes → 1.0; same level-1 code → 0.4; else 0); reward = TP / max(N_pred counting duplicates, N_gt).
 */
export function maskWordMatchReward(response: string, groundTruth: string): RewardResult {
  const gt = groundTruthWords(groundTruth);
  const pred = words(response);
  if (pred.length === 0 && gt.length === 0) return { value: 1, reason: 'no masks in either' };
  if (pred.length === 0) return { value: 0, reason: `no mask words in the response, ${gt.length} expected` };
  // Each unique prediction's best grade against the ground truth, by lookup rather than against
  // every ground-truth mask (that pairwise loop took 25 s on 16,000 masks a side).
  const uniquePred = new Map(pred.map((c) => [key(c), c]));
  const gtKeys = new Set(gt.map(key));
  const gtFirst = new Set(gt.map((c) => c[0]));
  let tp = 0;
  for (const [k, p] of uniquePred) tp += gtKeys.has(k) ? 1 : gtFirst.has(p[0]) ? 0.4 : 0;
  const value = tp / Math.max(pred.length, gt.length);
  return { value, reason: `TP ${tp} over max(${pred.length} predicted, ${gt.length} expected)` };
}

/** 1 when the response has no mask words and contains the ground-truth text (e.g. `No target.`); 0.2 if no masks but the text is absent; else 0. */
export function noTargetReward(response: string, groundTruthText = 'No target.'): RewardResult {
  if (typeof groundTruthText !== 'string' || groundTruthText.trim() === '')
    throw new RewardError(
      'INVALID_GROUND_TRUTH',
      `the no-target text must be a non-empty string (an empty one is in every response), got ${JSON.stringify(groundTruthText)}`,
    );
  if (typeof response !== 'string') return { value: 0, reason: 'response is not a string' };
  if (words(response).length > 0) return { value: 0, reason: 'mask words where no target was expected' };
  return response.includes(groundTruthText)
    ? { value: 1, reason: `no masks and ${JSON.stringify(groundTruthText)}` }
    : { value: 0.2, reason: `no masks, but without ${JSON.stringify(groundTruthText)}` };
}

/** 0 when any mask word (`<|mt_dddd|>`) occurs more than `maxRepeats` (3) times, else 1. */
export function nonRepeatReward(text: string, maxRepeats = 3): RewardResult {
  if (!Number.isInteger(maxRepeats) || maxRepeats < 0)
    throw new RewardError(
      'INVALID_ARGUMENT',
      `maxRepeats must be an integer >= 0, got ${String(maxRepeats)}`,
    );
  if (typeof text !== 'string') return { value: 0, reason: 'text is not a string' };
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/<\|mt_\d{4}\|>/g)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  for (const [w, n] of counts)
    if (n > maxRepeats) return { value: 0, reason: `${w} occurs ${n} times (> ${maxRepeats})` };
  return { value: 1, reason: 'no mask word repeated too often' };
}

const WHITESPACE = /\s/;

/**
 * Splits a response of the form `<think>A</think>` (whitespace) `<answer>B</answer>` into A and B,
 * or null. The same split as `/^<think>([\s\S]*?)<\/think>\s*<answer>([\s\S]*?)<\/answer>$/`
 * (A ends at the first `</think>` that a valid answer part follows) in one pass: that regular
 * expression backtracks into quadratic time on degenerate outputs such as `</think><answer>`
 * repeated, which RL rollouts do produce (250 KB of it took 0.65 s).
 */
export function splitThinkAnswer(text: string): [think: string, answer: string] | null {
  if (typeof text !== 'string' || !text.startsWith('<think>') || !text.endsWith('</answer>')) return null;
  const answerEnd = text.length - 9;
  for (let i = text.indexOf('</think>', 7); i >= 0; i = text.indexOf('</think>', i + 8)) {
    let j = i + 8;
    while (j < answerEnd && WHITESPACE.test(text[j])) j++;
    if (j + 8 <= answerEnd && text.startsWith('<answer>', j))
      return [text.slice(7, i), text.slice(j + 8, answerEnd)];
  }
  return null;
}

const formatResult = (ok: boolean): RewardResult =>
  ok
    ? { value: 1, reason: 'think/answer format' }
    : { value: 0, reason: 'not <think>…</think><answer>…</answer>' };

/** 1 when the whole response is `<think>…</think>` then `<answer>…</answer>`, else 0. */
export function thinkFormatReward(response: string): RewardResult {
  return formatResult(splitThinkAnswer(response) !== null);
}

/**
 * The SAMTok RL reward for thinking tasks: accuracy (mask-word matching, or the no-target reward
 * when the ground truth has no masks) + think format + non-repeat of the think part + non-repeat of
 * the answer part. Weights default to 1 each.
 */
export function samtokReward(
  config: {
    weights?: Partial<Record<'accuracy' | 'format' | 'thinkRepeat' | 'answerRepeat', number>>;
    noTargetText?: string;
  } = {},
) {
  checkObject(config, 'config');
  if (config.weights !== undefined)
    checkWeights(config.weights, 'config.weights', ['accuracy', 'format', 'thinkRepeat', 'answerRepeat']);
  if (
    config.noTargetText !== undefined &&
    (typeof config.noTargetText !== 'string' || config.noTargetText.trim() === '')
  )
    throw new RewardError(
      'INVALID_ARGUMENT',
      `config.noTargetText must be a non-empty string, got ${JSON.stringify(config.noTargetText)}`,
    );
  const weights = { accuracy: 1, format: 1, thinkRepeat: 1, answerRepeat: 1, ...config.weights };
  return (response: string, groundTruth: string): RewardResult => {
    const text = typeof response === 'string' ? response : '';
    const m = splitThinkAnswer(text);
    const answer = m ? m[1] : text;
    const accuracy =
      groundTruthWords(groundTruth).length === 0
        ? noTargetReward(answer, config.noTargetText ?? 'No target.')
        : maskWordMatchReward(answer, groundTruth);
    return combineRewards(
      {
        accuracy,
        format: formatResult(m !== null),
        thinkRepeat: m ? nonRepeatReward(m[0]) : { value: 0, reason: 'no think part' },
        answerRepeat: nonRepeatReward(answer),
      },
      weights,
    );
  };
}
