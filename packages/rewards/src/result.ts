import { checkObject, checkWeights } from './check';
import { RewardError } from './errors';

/** Every reward returns its value and why, so a user can see why a rollout scored 0. */
export interface RewardResult {
  value: number;
  reason: string;
  /** For combined rewards: each component's value. */
  components?: Record<string, number>;
}

/** Weighted sum of component rewards: `value = Σ weights[k] · components[k].value` (missing weights count 0). */
export function combineRewards(
  components: Record<string, RewardResult>,
  weights: Record<string, number>,
): RewardResult {
  checkObject(components, 'components');
  checkWeights(weights, 'weights');
  let value = 0;
  const values: Record<string, number> = {};
  const reasons: string[] = [];
  for (const [name, r] of Object.entries(components)) {
    if (r === null || typeof r !== 'object' || typeof r.value !== 'number')
      throw new RewardError(
        'INVALID_ARGUMENT',
        `components.${name} must be a reward result { value, reason }`,
      );
    const w = weights[name] ?? 0;
    values[name] = r.value;
    if (w !== 0) {
      value += w * r.value;
      reasons.push(`${name}: ${r.reason}`);
    }
  }
  return { value, reason: reasons.join('; '), components: values };
}
