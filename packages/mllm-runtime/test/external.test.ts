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

/** A static file server on loopback over the fixture folders, logging every GET. */
let server: Server;
let base: string;
const requested: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    requested.push(url);
    const [, key, ...rest] = url.split('/');
    const root = roots.get(key as string);
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

  it('a missing file is MODEL_NOT_FOUND with the URL; a server error is HTTP_ERROR; no server is NETWORK_ERROR', async () => {
    await expect(QwenVlModel.load({ files: urlFiles(`${base}/nothing/`), ort })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining(`${base}/nothing/`),
    });
    await expect(QwenVlModel.load({ files: urlFiles(`${base}/broken`), ort })).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      message: expect.stringMatching(/GET .*\/broken\/.* → 500/),
    });
    await expect(QwenVlModel.load({ files: urlFiles('http://127.0.0.1:9/none'), ort })).rejects.toMatchObject(
      { code: 'NETWORK_ERROR' },
    );
  });
});
