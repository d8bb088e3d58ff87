// Preprocessing time per image and session time per call on the generated fixtures, for both
// runtimes. Informational: the fixture graphs are tiny stand-ins, not real SAM2 models.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { samtokCodebooks, writeSamFixtures } from '@seglang/testing';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { maskToPrompt, preprocessImage, SamPredictor, SamTok } from '../dist/index.js';

ortWeb.env.wasm.numThreads = 1;
const paths = writeSamFixtures(mkdtempSync(join(tmpdir(), 'seglang-bench-')));

function image(width, height) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { data, width, height };
}

async function time(fn, minMs = 1500) {
  await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || n < 3) {
    await fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

const fmt = (ms) => `${ms.toFixed(2).padStart(8)} ms`;
console.log('preprocessing (pure TypeScript, same for both runtimes)');
for (const [w, h] of [
  [640, 480],
  [1280, 720],
  [1920, 1080],
  [4032, 3024], // a 12 MP phone photo
]) {
  const img = image(w, h);
  console.log(
    `  preprocessImage ${`${w}×${h}`.padEnd(10)} → 1024² ${fmt(await time(() => preprocessImage(img)))}`,
  );
}
const mask = { width: 640, height: 480, data: image(640, 160).data.map((v) => (v > 127 ? 1 : 0)) };
console.log(`  maskToPrompt    640×480    → 256²  ${fmt(await time(() => maskToPrompt(mask)))}`);

console.log('\nsession time per call (fixture graphs)');
console.log(
  `  ${'call'.padEnd(52)} ${'onnxruntime-node'.padStart(16)} ${'onnxruntime-web'.padStart(16)}  web/node`,
);
const rows = new Map();
for (const [name, ort] of [
  ['node', ortNode],
  ['web', ortWeb],
]) {
  const img = image(640, 480);
  for (const layout of ['samexporter', 'transformers-js']) {
    const p = layout === 'samexporter' ? paths.samexporter : paths.transformersJs;
    const sam = await SamPredictor.create({ ort, ...p });
    const key = (s) => `${layout}: ${s}`;
    const put = (k, v) => rows.set(k, { ...rows.get(k), [name]: v });
    put(key('setImage 640×480 (pre + encoder)'), await time(() => sam.setImage(img)));
    put(key('predict, one point (decoder + post)'), await time(() => sam.predict({ points: [[320, 240]] })));
    await sam.release();
  }
  const tok = await SamTok.create({
    ort,
    ...paths.samtok,
    quantizer: new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 }),
  });
  const m = { width: 640, height: 480, data: new Uint8Array(640 * 480).fill(1, 640 * 100, 640 * 300) };
  await tok.embedImage(img);
  const put = (k, v) => rows.set(k, { ...rows.get(k), [name]: v });
  put('samtok: tokenize (features cached)', await time(() => tok.tokenize(img, m)));
  put('samtok: decode (features cached)', await time(() => tok.decode(img, [3, 0])));
  await tok.release();
}
for (const [k, v] of rows)
  console.log(
    `  ${k.padEnd(52)} ${fmt(v.node).padStart(16)} ${fmt(v.web).padStart(16)}  ${(v.web / v.node).toFixed(2)}×`,
  );
