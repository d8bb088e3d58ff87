/** Stable machine-readable codes carried by every {@link RewardError}. */
export type RewardErrorCode = 'INVALID_GROUND_TRUTH' | 'INVALID_ARGUMENT';

/**
 * The one error class of `@seglang/rewards`. Rewards never throw on model output (whatever the
 * text, they return a value and a reason); they throw only for malformed ground truth or options.
 */
export class RewardError extends Error {
  override readonly name = 'RewardError';
  readonly code: RewardErrorCode;
  constructor(code: RewardErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
