/** Stable machine-readable codes carried by every {@link ContourError}. */
export type ContourErrorCode =
  | 'INVALID_MASK'
  | 'INVALID_SIZE'
  | 'INVALID_POINT'
  | 'INVALID_ARGUMENT'
  | 'INVALID_RLE'
  | 'SIZE_MISMATCH'
  | 'INVALID_PNG';

/**
 * The one error class of `@seglang/contour`. `code` is stable across versions;
 * the message names the argument (and, for RLE strings, the character offset).
 */
export class ContourError extends Error {
  override readonly name = 'ContourError';
  readonly code: ContourErrorCode;
  /** Character offset into an RLE string, when the error is about one. */
  readonly offset?: number;

  constructor(code: ContourErrorCode, message: string, offset?: number) {
    super(message);
    this.code = code;
    if (offset !== undefined) this.offset = offset;
  }
}
