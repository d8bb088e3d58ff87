import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { QwenVlModel, RuntimeError, urlFiles } from '@seglang/mllm-runtime';
import { loadModel } from '@seglang/mllm-runtime/node';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { qwenFixture } from './helpers';
import { outlineRequest } from './scenario';

ortWeb.env.wasm.numThreads = 1;

/**
 * A static file server on loopback over the fixture folders, logging every GET. Under `/flaky/` (the
 * chunked model) it resets the connection on the first GET of each file: what a client sees when the
 * server closes an idle kept-alive connection just as the client reuses it (Node servers close them
 * after 5 s, so a loaded machine sees ECONNRESET).
 */
let server: Server;
let base: string;
const requested: string[] = [];
const reset = new Set<string>();
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    requested.push(url);
    const [, key, ...rest] = url.split('/');
    if (key === 'flaky' && !reset.has(url)) {
      reset.add(url);
      req.socket.resetAndDestroy();
      return;
    }
    const root = roots.get(key === 'flaky' ? 'chunked' : (key as string));
    const path = root ? normalize(join(root, ...rest)) : '';
    if (url.startsWith('/broken/')) {
      res.writeHead(500).end('disk on fire');
      return;
    }
    if (!root || !path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
const roots = new Map<string, string>();

const request = outlineRequest();

let reference: number[];
beforeAll(async () => {
  const m = await loadModel(qwenFixture(), { ort });
  try {
    reference = (await m.generate(request)).tokenIds;
  } finally {
    await m.release();
  }
  roots.set('inline', qwenFixture());
  roots.set('external', qwenFixture({ externalData: true }));
  roots.set('chunked', qwenFixture({ externalData: 6_000_000 }));
});

describe('external weight files (<model>.onnx_data)', () => {
  it('the fixture really moves the weights out: small .onnx files beside the data files', () => {
    const files = readdirSync(join(roots.get('chunked') as string, 'onnx')).sort();
    expect(files).toEqual([
      'decoder_model_merged.onnx',
      'decoder_model_merged.onnx_data',
      'decoder_model_merged.onnx_data_1',
      'embed_tokens.onnx',
      'embed_tokens.onnx_data',
      'vision_encoder.onnx',
    ]);
    const size = (f: string) => statSync(join(roots.get('chunked') as string, 'onnx', f)).size;
    expect(size('embed_tokens.onnx')).toBeLessThan(10_000);
    expect(size('embed_tokens.onnx_data')).toBe(151669 * 16 * 4);
  });

  it.each(['external', 'chunked'])(
    '%s weights: the folder loads by path and answers like the inline one',
    async (kind) => {
      const m = await loadModel(roots.get(kind) as string, { ort });
      try {
        expect((await m.generate(request)).tokenIds).toEqual(reference);
      } finally {
        await m.release();
      }
    },
  );

  it('a folder whose data file is gone fails with MODEL_LOAD_FAILED naming the model file', async () => {
    const { cpSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = join(mkdtempSync(join(tmpdir(), 'seglang-ext-')), 'model');
    cpSync(roots.get('external') as string, dir, { recursive: true });
    rmSync(join(dir, 'onnx/embed_tokens.onnx_data'));
    const e = await loadModel(dir, { ort }).catch((x) => x);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toContain('embed_tokens.onnx');
  });
});

describe('urlFiles: a model served over HTTP', () => {
  it.each([
    ['inline', 'node', ort],
    ['external', 'node', ort],
    ['chunked', 'node', ort],
    ['chunked', 'web', ortWeb],
    ['external', 'web', ortWeb],
  ] as const)(
    '%s weights over HTTP on onnxruntime-%s answer like the folder',
    async (kind, _name, backend) => {
      requested.length = 0;
      const m = await QwenVlModel.load({ files: urlFiles(`${base}/${kind}`), ort: backend as typeof ort });
      try {
        expect((await m.generate(request)).tokenIds).toEqual(reference);
      } finally {
        await m.release();
      }
      if (kind === 'chunked') {
        expect(requested).toContain('/chunked/onnx/decoder_model_merged.onnx_data_1');
        expect(requested).toContain('/chunked/onnx/decoder_model_merged.onnx_data_2'); // the probe that ends the chunks
      }
    },
  );

  it('a connection reset on a reused connection is retried: the model loads and answers like the folder', async () => {
    // The server really resets: a bare fetch fails.
    await expect(fetch(`${base}/flaky/absent.json`)).rejects.toThrow('fetch failed');
    requested.length = 0;
    const m = await QwenVlModel.load({ files: urlFiles(`${base}/flaky`, { retryDelayMs: 1 }), ort });
    try {
      expect((await m.generate(request)).tokenIds).toEqual(reference);
    } finally {
      await m.release();
    }
    // Every file was asked for twice: the reset GET and the retry.
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((_, i) => i % 2 === 0)).toEqual(requested.filter((_, i) => i % 2 === 1));
    expect(requested).toContain('/flaky/onnx/decoder_model_merged.onnx_data_1');
    // Without retries a reset fails the load, with the URL in the message.
    reset.clear();
    await expect(
      QwenVlModel.load({ files: urlFiles(`${base}/flaky`, { maxRetries: 0 }), ort }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining(`${base}/flaky/`) });
  });

  it('a missing file is MODEL_NOT_FOUND with the URL; a server error is HTTP_ERROR after the retries; no server is NETWORK_ERROR', async () => {
    await expect(QwenVlModel.load({ files: urlFiles(`${base}/nothing/`), ort })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining(`${base}/nothing/`),
    });
    requested.length = 0;
    await expect(
      QwenVlModel.load({ files: urlFiles(`${base}/broken`, { retryDelayMs: 1 }), ort }),
    ).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      status: 500,
      message: expect.stringMatching(/GET .*\/broken\/.* → 500 \(3 attempts\)/),
    });
    expect(requested).toEqual(Array(3).fill(requested[0]));
    await expect(
      QwenVlModel.load({ files: urlFiles('http://127.0.0.1:9/none', { retryDelayMs: 1 }), ort }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining('(3 attempts)') });
  });

  it('a body that breaks off is retried, then NETWORK_ERROR; bad retry options are INVALID_ARGUMENT', async () => {
    const broken = () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"a'));
            c.error(new Error('terminated'));
          },
        }),
      );
    let calls = 0;
    const once: typeof fetch = async (input) => (calls++ === 0 ? broken() : fetch(input));
    expect(await urlFiles(`${base}/inline`, { fetch: once, retryDelayMs: 1 }).text('config.json')).toBe(
      readFileSync(join(roots.get('inline') as string, 'config.json'), 'utf8'),
    );
    expect(calls).toBe(2);
    const always: typeof fetch = async () => broken();
    await expect(
      urlFiles(`${base}/inline`, { fetch: always, retryDelayMs: 1 }).text('config.json'),
    ).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      message: `reading ${base}/inline/config.json failed: terminated (3 attempts)`,
    });
    expect(() => urlFiles(base, { maxRetries: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('maxRetries') }),
    );
    expect(() => urlFiles(base, { retryDelayMs: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('retryDelayMs') }),
    );
  });
});
