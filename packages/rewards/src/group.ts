import { bad, checkFlag, checkNumbers, checkObject, inRange } from './check';
import { RewardError } from './errors';

function checkGroups(rewards: ArrayLike<number>, groupSize: number): void {
  if (!Number.isInteger(groupSize) || groupSize < 1)
    throw new RewardError(
      'INVALID_ARGUMENT',
      `groupSize must be a positive integer, got ${String(groupSize)}`,
    );
  if (rewards.length % groupSize !== 0)
    throw new RewardError(
      'INVALID_ARGUMENT',
      `rewards has ${rewards.length} values, not a multiple of groupSize ${groupSize}`,
    );
  for (let i = 0; i < rewards.length; i++) {
    // Beyond ±1e15 the squared deviations overflow: 1e308 rewards gave NaN advantages.
    if (!inRange(rewards[i]))
      throw new RewardError(
        'INVALID_ARGUMENT',
        `rewards[${i}] must be a finite number within ±1e15, got ${String(rewards[i])}`,
      );
  }
}

function groupMoments(rewards: ArrayLike<number>, start: number, n: number): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += rewards[start + i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (rewards[start + i] - mean) ** 2;
  // Unbiased (n − 1), as torch.std in the GRPO implementations of TRL and verl.
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/**
 * GRPO group advantages: rewards come in consecutive groups of `groupSize` rollouts of one prompt;
 * each advantage is `(r − mean_group) / (std_group + ε)` (or `r − mean_group` without `normalizeStd`).
 * std is unbiased (n − 1), as torch.std. Where std + ε is 0 (equal rewards with ε = 0) the
 * advantage is 0, not NaN.
 * @example groupAdvantages([1, 0, 0, 1], 2); // → [0.7071…, −0.7071…, −0.7071…, 0.7071…]
 */
export function groupAdvantages(
  rewards: ArrayLike<number>,
  groupSize: number,
  opts: { normalizeStd?: boolean; epsilon?: number } = {},
): Float64Array {
  checkGroups(rewards, groupSize);
  checkObject(opts, 'options');
  checkFlag('normalizeStd', opts.normalizeStd);
  const normalize = opts.normalizeStd ?? true;
  const eps = opts.epsilon ?? 1e-6;
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
    bad(`epsilon must be a finite number >= 0, got ${String(eps)}`);
  const out = new Float64Array(rewards.length);
  for (let g = 0; g < rewards.length; g += groupSize) {
    const { mean, std } = groupMoments(rewards, g, groupSize);
    const scale = normalize ? std + eps : 1;
    for (let i = 0; i < groupSize; i++) out[g + i] = scale > 0 ? (rewards[g + i] - mean) / scale : 0;
  }
  return out;
}

/** GSPO's sequence-level importance ratio: `exp(mean over tokens of (log π_new − log π_old))`. */
export function gspoSequenceRatio(logProbsNew: ArrayLike<number>, logProbsOld: ArrayLike<number>): number {
  checkNumbers(logProbsNew, 'logProbsNew');
  checkNumbers(logProbsOld, 'logProbsOld');
  if (logProbsNew.length !== logProbsOld.length || logProbsNew.length === 0) {
    throw new RewardError(
      'INVALID_ARGUMENT',
      `log-prob arrays must be non-empty and of one length, got ${logProbsNew.length} and ${logProbsOld.length}`,
    );
  }
  let s = 0;
  for (let i = 0; i < logProbsNew.length; i++) s += logProbsNew[i] - logProbsOld[i];
  const meanLogRatio = s / logProbsNew.length;
  // exp overflows beyond ~709: no sequence's log-probabilities differ by that much a token.
  if (!(Math.abs(meanLogRatio) <= 700))
    throw new RewardError(
      'INVALID_ARGUMENT',
      `the mean token log-ratio is ${meanLogRatio}: not log-probabilities of one sequence under two close policies`,
    );
  return Math.exp(meanLogRatio);
}

/**
 * GSPO's clipped objective term for one sequence: `min(s·A, clip(s, 1 − εlow, 1 + εhigh)·A)`.
 * Defaults are the SimpleSeg paper's clip range [3e-4, 4e-4].
 */
export function gspoObjective(
  ratio: number,
  advantage: number,
  opts: { clipLow?: number; clipHigh?: number } = {},
) {
  checkObject(opts, 'options');
  if (typeof ratio !== 'number' || !(ratio >= 0) || !Number.isFinite(ratio))
    bad(`ratio must be a finite number >= 0, got ${String(ratio)}`);
  if (typeof advantage !== 'number' || !Number.isFinite(advantage))
    bad(`advantage must be a finite number, got ${String(advantage)}`);
  const low = opts.clipLow ?? 3e-4;
  const high = opts.clipHigh ?? 4e-4;
  if (typeof low !== 'number' || !(low >= 0 && low <= 1))
    bad(`clipLow must be a number in [0, 1], got ${String(low)}`);
  if (typeof high !== 'number' || !(high >= 0) || !Number.isFinite(high))
    bad(`clipHigh must be a finite number >= 0, got ${String(high)}`);
  const clippedRatio = Math.min(Math.max(ratio, 1 - low), 1 + high);
  const unclipped = ratio * advantage;
  const clipped = clippedRatio * advantage;
  return { objective: Math.min(unclipped, clipped), unclipped, clipped, isClipped: clipped < unclipped };
}

/** Per-batch monitoring: mean/std per group and the share of groups whose rewards all agree (no signal). */
export function groupStats(rewards: ArrayLike<number>, groupSize: number) {
  checkGroups(rewards, groupSize);
  const groups: Array<{ mean: number; std: number }> = [];
  let zero = 0;
  for (let g = 0; g < rewards.length; g += groupSize) {
    const m = groupMoments(rewards, g, groupSize);
    groups.push(m);
    if (m.std === 0) zero++;
  }
  const all = groupMoments(rewards, 0, rewards.length);
  return {
    groups,
    mean: all.mean,
    std: all.std,
    zeroVarianceShare: groups.length ? zero / groups.length : 0,
  };
}
