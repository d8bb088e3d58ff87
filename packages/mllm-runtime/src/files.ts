import { RuntimeError } from './errors';

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

/**
 * Model files served over HTTP (a Hugging Face `resolve/main/` URL or your own static host), for the
 * browser. A 404 means "no such file"; other failures are errors.
 */
export function urlFiles(baseUrl: string, fetchFn: typeof fetch = globalThis.fetch): ModelFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const get = async (name: string): Promise<Response | undefined> => {
    let res: Response;
    try {
      res = await fetchFn(base + name);
    } catch (cause) {
      throw new RuntimeError('NETWORK_ERROR', `cannot fetch ${base + name}: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (res.status === 404) return undefined;
    if (!res.ok)
      throw new RuntimeError('HTTP_ERROR', `GET ${base + name} → ${res.status}`, { status: res.status });
    return res;
  };
  return {
    location: base,
    async text(name) {
      return (await get(name))?.text();
    },
    async onnx(name) {
      const res = await get(name);
      if (!res) return undefined;
      const model = new Uint8Array(await res.arrayBuffer());
      // External weights: `<name>_data`, then the numbered chunks `<name>_data_1`, … of multi-file exports.
      const fileName = name.split('/').pop() as string;
      const externalData: { path: string; data: Uint8Array }[] = [];
      for (let i = 0; ; i++) {
        const suffix = i === 0 ? '_data' : `_data_${i}`;
        const ext = await get(name + suffix);
        if (!ext) break;
        externalData.push({ path: fileName + suffix, data: new Uint8Array(await ext.arrayBuffer()) });
      }
      return externalData.length > 0 ? { model, externalData } : { model };
    },
  };
}
