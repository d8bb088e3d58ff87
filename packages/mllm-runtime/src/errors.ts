/** Stable machine-readable codes carried by every {@link RuntimeError}. */
export type RuntimeErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'INVALID_CONFIG'
  | 'LAYOUT_MISMATCH'
  | 'INVALID_IMAGE'
  | 'INVALID_PROMPT'
  | 'INVALID_ARGUMENT'
  | 'CONTEXT_OVERFLOW'
  | 'IMAGE_TOKEN_MISMATCH'
  | 'RUNTIME_ERROR'
  | 'HTTP_ERROR'
  | 'TIMEOUT'
  | 'NETWORK_ERROR'
  | 'BAD_RESPONSE'
  | 'ABORTED'
  | 'UNSUPPORTED';

/** The one error class of `@seglang/mllm-runtime`; `code` is stable, the message says what and where. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  readonly code: RuntimeErrorCode;
  /** The HTTP status, for `HTTP_ERROR`. */
  readonly status?: number;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    this.code = code;
    if (options?.status !== undefined) this.status = options.status;
  }
}
