/** Stable machine-readable codes carried by every {@link SamError}. */
export type SamErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'LAYOUT_MISMATCH'
  | 'INVALID_IMAGE'
  | 'INVALID_PROMPT'
  | 'INVALID_MASK'
  | 'INVALID_CODES'
  | 'INVALID_ARGUMENT'
  | 'NO_IMAGE'
  | 'RUNTIME_ERROR';

/** The one error class of `@seglang/sam-encoder`; `code` is stable, the message says what and where. */
export class SamError extends Error {
  override readonly name = 'SamError';
  readonly code: SamErrorCode;

  constructor(code: SamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
