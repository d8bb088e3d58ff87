/** Stable machine-readable codes carried by every {@link GrammarError}. */
export type GrammarErrorCode =
  | 'INVALID_NUMBER'
  | 'UNEXPECTED_CHARACTER'
  | 'UNEXPECTED_END'
  | 'TOO_DEEP'
  | 'WRONG_KIND'
  | 'OUT_OF_RANGE'
  | 'EMPTY'
  | 'INVALID_ARGUMENT';

/** The one error class of `@seglang/polygon-grammar`: a stable `code` and the character `offset`. */
export class GrammarError extends Error {
  override readonly name = 'GrammarError';
  readonly code: GrammarErrorCode;
  /** Character offset in the text where the problem is (0 for non-text arguments). */
  readonly offset: number;

  constructor(code: GrammarErrorCode, message: string, offset = 0) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}

/** A short, safe description of any value for an error message (symbols, bigints, cycles included). */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v !== 'object' || v === null) return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
  } catch {
    return Array.isArray(v) ? 'an array' : 'an object';
  }
}
