/**
 * @seglang/sam-encoder in a real browser: bundled with esbuild, models fetched by URL from a loopback
 * server, run on onnxruntime-web in Debian's Chromium (playwright-core). Masks, scores and SAMTok
 * words must equal what onnxruntime-node gives in Node on the same inputs.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rle } from '@seglang/contour';
import { ResidualQuantizer, writeSafetensors } from '@seglang/rq-tokenizer';
import { type Harness, runInChromium, samtokCodebooks, serveHarness } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { SamPredictor, SamTok } from '../src';
import { scenario } from './browser/scenario';
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
  const { image, point, box, mask } = scenario();
  const want: Record<string, unknown> = {};
  for (const [name, files] of [
    ['samexporter', f.samexporter],
    ['transformers-js', f.transformersJs],
  ] as const) {
    const sam = await SamPredictor.create({ ort, encoder: files.encoder, decoder: files.decoder });
    await sam.setImage(image);
    const p = await sam.predict({ points: [point], multimask: true });
    const b = await sam.predict({ box, multimask: false });
    want[name] = {
      points: p.masks.map((m) => rle.encode(m).counts),
      scores: Array.from(p.scores),
      box: rle.encode(b.masks[0]).counts,
    };
    await sam.release();
  }
  const tok = await SamTok.create({
    ort,
    ...f.samtok,
    quantizer: ResidualQuantizer.fromSafetensors(codebook),
  });
  const { words, codes } = await tok.tokenize(image, mask);
  want.samtok = { words, codes, decoded: rle.encode(await tok.decode(image, words)).counts };
  await tok.release();

  const got = await runInChromium<Record<string, { points: string[]; scores: number[] }>>(harness.url);
  // Masks and words exactly; scores to float32 noise (WASM and native kernels round differently).
  const rounded = (v: unknown) =>
    JSON.parse(JSON.stringify(v), (k, x) =>
      k === 'scores' ? x.map((s: number) => Math.round(s * 1e5) / 1e5) : x,
    );
  expect(rounded(got)).toEqual(rounded(want));
  // Not vacuous: the masks have pixels.
  expect(rle.area({ size: [72, 96], counts: got.samexporter.points[0] })).toBeGreaterThan(0);
});
