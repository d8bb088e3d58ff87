// Prefill and decode tokens/s on the generated Qwen2-VL-layout fixture: ours vs transformers.js on
// the same files, and ours with and without a polygon grammar constraint. Run after `npm run build`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AutoProcessor, env, Qwen2VLForConditionalGeneration, RawImage } from '@huggingface/transformers';
import { createConstraint } from '@seglang/polygon-grammar';
import { writeQwenVlFixture } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { processImage } from '../dist/index.js';
import { loadModel } from '../dist/node.js';

const N = 64;
const REPS = 5;
const dir = writeQwenVlFixture(join(mkdtempSync(join(tmpdir(), 'seglang-bench-')), 'model'));
const image = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3).map((_, i) => (i * 31) & 255) };
const question = `Segment every object described here: ${'the small brown dog next to the red chair, '.repeat(8)}`;
const messages = [
  {
    role: 'user',
    content: [
      { type: 'image', image },
      { type: 'text', text: question },
    ],
  },
];

const ours = await loadModel(dir, { ort });
const prompt = ours.renderChat({ messages });
const promptTokens = ours.prepare({ messages }).ids.length;
const now = () => performance.now();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(run) {
  await run(1);
  await run(N); // warm-up
  const t1 = [];
  const tn = [];
  let count = 0;
  for (let r = 0; r < REPS; r++) {
    let t = now();
    await run(1);
    t1.push(now() - t);
    t = now();
    count = await run(N);
    tn.push(now() - t);
  }
  const prefill = median(t1);
  return {
    prefillTps: promptTokens / (prefill / 1000),
    decodeTps: (count - 1) / ((median(tn) - prefill) / 1000),
    count,
  };
}

const plain = await measure(async (n) => {
  ours.clearCache();
  return (await ours.generate({ messages, maxNewTokens: n })).tokenIds.length;
});
const constraint = createConstraint({
  vocabulary: ours.vocabulary(),
  eosTokenIds: ours.config.eosTokenIds,
  kind: 'polygons',
});
const tIndex = now();
constraint.precompute();
const indexMs = now() - tIndex;
const constrained = await measure(async (n) => {
  ours.clearCache();
  return (await ours.generate({ messages, maxNewTokens: n, constraint })).tokenIds.length;
});

env.allowRemoteModels = false;
env.localModelPath = dirname(dir);
const processor = await AutoProcessor.from_pretrained(basename(dir));
const theirs = await Qwen2VLForConditionalGeneration.from_pretrained(basename(dir), { dtype: 'fp32' });
let inputs;
// Both sides time the whole request: tokenising, image processing, prefill and decode.
const tjs = await measure(async (n) => {
  inputs = await processor(prompt, new RawImage(image.data, image.width, image.height, 3));
  const out = await theirs.generate({ ...inputs, max_new_tokens: n, min_new_tokens: n, do_sample: false });
  return out.dims[1] - inputs.input_ids.dims[1];
});

const f = (x) => x.toFixed(0).padStart(8);
console.log(
  `fixture: Qwen2-VL layout, vocab 151669, 2 layers; prompt ${promptTokens} tokens (image 224×224 → 64 tokens); decode ${N} tokens; median of ${REPS}`,
);
console.log('                                   prefill tok/s   decode tok/s');
console.log(`transformers.js 4.3.1              ${f(tjs.prefillTps)}       ${f(tjs.decodeTps)}`);
console.log(
  `seglang                            ${f(plain.prefillTps)}       ${f(plain.decodeTps)}    (${(plain.decodeTps / tjs.decodeTps).toFixed(2)}× transformers.js decode)`,
);
console.log(
  `seglang + polygon constraint       ${f(constrained.prefillTps)}       ${f(constrained.decodeTps)}    (decode time ${((1 / constrained.decodeTps / (1 / plain.decodeTps) - 1) * 100).toFixed(1)}% vs unconstrained; ${constrained.count} tokens)`,
);
console.log(
  `constraint index: ${constraint.indexedStates} states over the vocabulary, built once in ${indexMs.toFixed(0)} ms`,
);

// Image processing alone (smart_resize, Pillow-exact bicubic resize, normalise, patchify) on a
// Full HD photo-sized image: ours vs transformers.js's Qwen2-VL image processor.
const photo = {
  width: 1920,
  height: 1080,
  data: new Uint8Array(1920 * 1080 * 3).map((_, i) => (i * 2654435761) >>> 24),
};
const rawPhoto = new RawImage(photo.data, photo.width, photo.height, 3);
async function timeMs(fn) {
  await fn();
  const ts = [];
  for (let r = 0; r < REPS; r++) {
    const t = now();
    await fn();
    ts.push(now() - t);
  }
  return median(ts);
}
const oursImg = await timeMs(() => processImage(photo, ours.imageConfig));
const theirsImg = await timeMs(() => processor.image_processor(rawPhoto));
const a = processImage(photo, ours.imageConfig).pixelValues;
const b = (await processor.image_processor(rawPhoto)).pixel_values.data;
let meanDiff = 0;
for (let i = 0; i < a.length; i++) meanDiff += Math.abs(a[i] - b[i]) / a.length;
console.log(
  `image processing 1920×1080 → ${processImage(photo, ours.imageConfig).gridThw.slice(1).join('×')} patches: seglang ${oursImg.toFixed(0)} ms (Pillow-exact bicubic, in TypeScript), transformers.js ${theirsImg.toFixed(0)} ms (sharp's affine bicubic, native; mean |difference| ${meanDiff.toFixed(3)} in normalised units)`,
);
await ours.release();
await theirs.dispose();
