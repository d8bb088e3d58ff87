import { RuntimeError } from './errors';

/** Whether a failed attempt is worth another: the network, a timeout, 429 or a 5xx. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof RuntimeError)) return false;
  if (err.code === 'NETWORK_ERROR' || err.code === 'TIMEOUT') return true;
  return err.code === 'HTTP_ERROR' && (err.status === 429 || (err.status ?? 0) >= 500);
}

/** The wait before retry `attempt` (0-based): `base · 2^attempt`, with jitter in [½, 1]. */
export function backoffMs(base: number, attempt: number): number {
  return base * 2 ** attempt * (0.5 + Math.random() / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RuntimeError('ABORTED', 'generation was aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new RuntimeError('ABORTED', 'generation was aborted'));
    });
  });
}
