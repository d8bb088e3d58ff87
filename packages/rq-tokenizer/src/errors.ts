/** Stable machine-readable codes carried by every {@link RqError}. */
export type RqErrorCode =
  | 'INVALID_CODES'
  | 'INVALID_TEXT'
  | 'INVALID_SHAPE'
  | 'INVALID_VALUE'
  | 'INVALID_FILE'
  | 'INVALID_ARGUMENT';

/** The one error class of `@seglang/rq-tokenizer`: a stable `code` and a message naming the argument. */
export class RqError extends Error {
  override readonly name = 'RqError';
  readonly code: RqErrorCode;
  /** Character offset (text) or byte offset (files), when the error is about one. */
  readonly offset?: number;

  constructor(code: RqErrorCode, message: string, offset?: number) {
    super(message);
    this.code = code;
    if (offset !== undefined) this.offset = offset;
  }
}
