/**
 * @seglang/mllm-runtime in a real browser: the runtime bundled for the browser (esbuild), the tiny
 * Qwen2-VL fixture served over HTTP on loopback, Debian's Chromium driven by playwright-core. The
 * tokens generated in the page on onnxruntime-web must equal those of onnxruntime-node in Node.
 */
import { dirname, join } from 'node:path';
import { loadModel } from '@seglang/mllm-runtime/node';
import { type Harness, runInChromium, serveHarness } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { qwenFixture } from './helpers';
import { outlineRequest } from './scenario';

let harness: Harness;
beforeAll(async () => {
  harness = await serveHarness({
    entry: join(__dirname, 'browser', 'harness.ts'),
    routes: { '/ort/': dirname(require.resolve('onnxruntime-web')), '/model/': qwenFixture() },
    importMap: { 'onnxruntime-web': '/ort/ort.min.mjs' },
  });
});
afterAll(() => harness?.close());

test('Chromium on onnxruntime-web generates the same tokens as Node on onnxruntime-node', async () => {
  const request = outlineRequest();
  const model = await loadModel(qwenFixture(), { ort });
  let reference: { tokenIds: number[]; text: string };
  try {
    reference = await model.generate(request);
  } finally {
    await model.release();
  }
  const got = await runInChromium<{ tokenIds: number[]; text: string; streamed: string }>(harness.url);
  expect(got.tokenIds).toHaveLength(8);
  expect(got.tokenIds).toEqual(reference.tokenIds);
  expect(got.text).toBe(reference.text);
  expect(got.streamed).toBe(reference.text);
});
