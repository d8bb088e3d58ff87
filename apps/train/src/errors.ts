/** Bad input to a seglang-train command: the CLI prints the message on one line and exits 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
