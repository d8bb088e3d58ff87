import { type Boundary, type Mask, maskToPolygons } from '@seglang/contour';
import { GrammarError, show } from './errors';
import { type FormatOptions, formatPolygons } from './format';

/** Anything that tokenises text: a `@huggingface/tokenizers` Tokenizer, or a function. */
export type TokenCounter =
  | { encode(text: string): { ids: ArrayLike<number> } | ArrayLike<number> }
  | ((text: string) => number);

/** Number of tokens the tokenizer makes of `text` (no special tokens added by us). */
export function countTokens(text: string, tokenizer: TokenCounter): number {
  if (typeof text !== 'string')
    throw new GrammarError('INVALID_ARGUMENT', `text must be a string, got ${typeof text}`);
  if (typeof tokenizer === 'function') return tokenizer(text);
  if (!tokenizer || typeof tokenizer.encode !== 'function')
    throw new GrammarError('INVALID_ARGUMENT', 'tokenizer must have an encode(text) method or be a function');
  const out = tokenizer.encode(text) as unknown;
  const ids = out !== null && typeof out === 'object' && 'ids' in out ? (out as { ids: unknown }).ids : out;
  if (ids === null || typeof ids !== 'object' || typeof (ids as ArrayLike<number>).length !== 'number')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `tokenizer.encode must return ids or { ids }, got ${show(out)}`,
    );
  return (ids as ArrayLike<number>).length;
}

export interface BudgetOptions extends FormatOptions {
  boundary?: Boundary;
  /** Largest ε (normalised) to consider. Default 0.1. */
  maxEpsilon?: number;
}

/**
 * The smallest simplification tolerance ε (normalised units, as `maskToPolygons`'s
 * `{ normalized: ε }`) whose SimpleSeg text fits `budget` tokens — found by bisection, then
 * checked. The paper finds the best accuracy near ~220 tokens per mask.
 * @returns ε, or `maxEpsilon` when even that does not fit (check with `countTokens`).
 * @throws GrammarError `INVALID_ARGUMENT` for a budget that is not a positive integer.
 */
export function epsilonForBudget(
  mask: Mask,
  tokenizer: TokenCounter,
  budget: number,
  opts: BudgetOptions = {},
): number {
  if (!Number.isInteger(budget) || budget < 1)
    throw new GrammarError('INVALID_ARGUMENT', `budget must be a positive integer, got ${String(budget)}`);
  const hi0 = opts.maxEpsilon ?? 0.1;
  const tokensAt = (eps: number) =>
    countTokens(
      formatPolygons(maskToPolygons(mask, { epsilon: { normalized: eps }, boundary: opts.boundary }), opts),
      tokenizer,
    );
  if (tokensAt(0) <= budget) return 0;
  let lo = 0;
  let hi = hi0;
  if (tokensAt(hi) > budget) return hi;
  for (let it = 0; it < 30 && hi - lo > 1e-6; it++) {
    const mid = (lo + hi) / 2;
    if (tokensAt(mid) <= budget) hi = mid;
    else lo = mid;
  }
  return hi;
}
