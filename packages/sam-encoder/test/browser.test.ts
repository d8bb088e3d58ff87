/**
 * @seglang/sam-encoder in a real browser: bundled with esbuild, models fetched by URL from a loopback
 * server, run on onnxruntime-web in Debian's Chromium (playwright-core). Masks, scores and SAMTok
 * words must equal what onnxruntime-node gives in Node on the same inputs.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rle } from '@seglang/contour';
import { writeSafetensors } from '@seglang/rq-tokenizer';
import { type Harness, runInChromium, samtokCodebooks, serveHarness } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { runScenario, type ScenarioResult } from './browser/scenario';
import { fixtures } from './helpers';

let harness: Harness;
let codebook: Uint8Array;
beforeAll(async () => {
  const f = fixtures();
  const root = dirname(f.samexporter.encoder).replace(/\/samexporter$/, '');
  const [c0, c1] = samtokCodebooks();
  codebook = writeSafetensors({
    'codebook.0': { shape: [16, 256], data: c0 },
    'codebook.1': { shape: [16, 256], data: c1 },
  });
  writeFileSync(join(root, 'codebook.safetensors'), codebook);
  harness = await serveHarness({
    entry: join(__dirname, 'browser', 'harness.ts'),
    routes: { '/ort/': dirname(require.resolve('onnxruntime-web')), '/sam/': root },
    importMap: { 'onnxruntime-web': '/ort/ort.min.mjs' },
  });
});
afterAll(() => harness?.close());

test('Chromium on onnxruntime-web gives the masks, scores and mask words of onnxruntime-node', async () => {
  const f = fixtures();
  const want = await runScenario(ort, {
    sam2: [
      { name: 'samexporter', ...f.samexporter },
      { name: 'transformers-js', encoder: f.transformersJs.encoder, decoder: f.transformersJs.decoder },
    ],
    samtok: { ...f.samtok, codebook },
  });
  const got = await runInChromium<ScenarioResult>(harness.url);
  // Masks and words exactly; scores to float32 noise (WASM and native kernels round differently).
  const rounded = (v: unknown) =>
    JSON.parse(JSON.stringify(v), (k, x) =>
      k === 'scores' ? x.map((s: number) => Math.round(s * 1e5) / 1e5) : x,
    );
  expect(rounded(got)).toEqual(rounded(want));
  // Not vacuous: the masks have pixels.
  const points = (got.samexporter as { points: string[] }).points;
  expect(rle.area({ size: [72, 96], counts: points[0] })).toBeGreaterThan(0);
});
