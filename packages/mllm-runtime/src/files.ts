import { RuntimeError } from './errors';
import { backoffMs, isTransient, sleep } from './retry';

export interface OnnxFile {
  /** What `InferenceSession.create` takes: a path (Node), a URL, or the bytes. */
  model: string | Uint8Array;
  /** External weights (`<name>_data`), for models passed as bytes. */
  externalData?: { path: string; data: Uint8Array }[];
}

/** Where a model's files come from: a folder (Node, see `@seglang/mllm-runtime/node`) or a URL. */
export interface ModelFiles {
  /** The folder or URL, for messages. */
  readonly location: string;
  /** A file's text, or undefined when there is no such file. */
  text(name: string): Promise<string | undefined>;
  /** An ONNX file, or undefined when there is no such file. */
  onnx(name: string): Promise<OnnxFile | undefined>;
}

export interface UrlFilesOptions {
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Retries of a file after a network error, 429 or a 5xx (default 2). A 404 means "no such file" and
   * is never retried. Node's fetch reuses kept-alive connections, and one the server has just closed
   * (Node servers close idle ones after 5 s) fails with ECONNRESET: a retry is what a browser does.
   */
  maxRetries?: number;
  /** First backoff delay in ms, doubled per retry with jitter (default 250). */
  retryDelayMs?: number;
}

/**
 * Model files served over HTTP (a Hugging Face `resolve/main/` URL or your own static host), for the
 * browser. A 404 means "no such file"; other failures are errors (`HTTP_ERROR`, `NETWORK_ERROR`), after
 * the retries of {@link UrlFilesOptions.maxRetries}. The second argument may also be the fetch itself.
 */
export function urlFiles(baseUrl: string, options: UrlFilesOptions | typeof fetch = {}): ModelFiles {
  if (typeof baseUrl !== 'string' || baseUrl.length === 0)
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      `the model URL must be a non-empty string, got ${String(baseUrl)}`,
    );
  if (options === null || (typeof options !== 'object' && typeof options !== 'function'))
    throw new RuntimeError('INVALID_ARGUMENT', 'options must be an object or a fetch function');
  const o: UrlFilesOptions = typeof options === 'function' ? { fetch: options } : options;
  const fetchFn = o.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new RuntimeError('UNSUPPORTED', 'no fetch: pass options.fetch');
  const retries = o.maxRetries ?? 2;
  const delay = o.retryDelayMs ?? 250;
  if (!Number.isInteger(retries) || retries < 0)
    throw new RuntimeError('INVALID_ARGUMENT', `maxRetries must be an integer ≥ 0, got ${retries}`);
  if (!Number.isFinite(delay) || delay < 0)
    throw new RuntimeError('INVALID_ARGUMENT', `retryDelayMs must be a finite number ≥ 0, got ${delay}`);
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;

  /** One GET and the read of its body; undefined on a 404. */
  const once = async <T>(url: string, read: (res: Response) => Promise<T>): Promise<T | undefined> => {
    let res: Response;
    try {
      res = await fetchFn(url);
    } catch (cause) {
      throw new RuntimeError('NETWORK_ERROR', `cannot fetch ${url}: ${(cause as Error).message}`, { cause });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      if (res.status === 404) return undefined;
      throw new RuntimeError('HTTP_ERROR', `GET ${url} → ${res.status}`, { status: res.status });
    }
    try {
      return await read(res);
    } catch (cause) {
      throw new RuntimeError('NETWORK_ERROR', `reading ${url} failed: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  const get = async <T>(name: string, read: (res: Response) => Promise<T>): Promise<T | undefined> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(base + name, read);
      } catch (e) {
        if (!isTransient(e) || attempt >= retries) {
          if (attempt === 0) throw e;
          const err = e as RuntimeError;
          throw new RuntimeError(err.code, `${err.message} (${attempt + 1} attempts)`, {
            cause: err.cause,
            ...(err.status !== undefined ? { status: err.status } : {}),
          });
        }
        await sleep(backoffMs(delay, attempt));
      }
    }
  };
  const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());
  return {
    location: base,
    text: (name) => get(name, (res) => res.text()),
    async onnx(name) {
      const model = await get(name, bytes);
      if (!model) return undefined;
      // External weights: `<name>_data`, then the numbered chunks `<name>_data_1`, … of multi-file exports.
      const fileName = name.split('/').pop() as string;
      const externalData: { path: string; data: Uint8Array }[] = [];
      for (let i = 0; ; i++) {
        const suffix = i === 0 ? '_data' : `_data_${i}`;
        const data = await get(name + suffix, bytes);
        if (!data) break;
        externalData.push({ path: fileName + suffix, data });
      }
      return externalData.length > 0 ? { model, externalData } : { model };
    },
  };
}
