// Benchmark: residual-quantiser encode throughput (naive loop vs the optimised path) at SAMTok's
// shape (d = 256, 2 levels × 256 codes), and training time per iteration on 100k vectors.

import { rng } from '@seglang/testing';
import { bestMs } from '../../../scripts/bench.mjs';
import {
  formatMaskWords,
  parseMaskAnswer,
  ResidualQuantizer,
  trainResidualQuantizer,
} from '../dist/index.js';

const r = rng(1);
const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const d = 256;
const k = 256;
const levels = 2;
const books = [0, 1].map(() => Float32Array.from({ length: k * d }, gauss));
const q = new ResidualQuantizer(books, { codebookSize: k, dim: d });

/** The textbook loop: Σ(r − c)² for every codeword, first minimum wins. */
function encodeNaive(z, n) {
  const codes = new Int32Array(n * levels);
  const res = new Float64Array(d);
  for (let v = 0; v < n; v++) {
    for (let i = 0; i < d; i++) res[i] = z[v * d + i];
    for (let l = 0; l < levels; l++) {
      const book = books[l];
      let best = 0;
      let bestDist = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let dist = 0;
        for (let i = 0; i < d; i++) {
          const diff = res[i] - book[c * d + i];
          dist += diff * diff;
        }
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      codes[v * levels + l] = best;
      for (let i = 0; i < d; i++) res[i] -= book[best * d + i];
    }
  }
  return codes;
}

function time(fn, runs = 5) {
  fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[runs >> 1];
}

const n = 2000;
const z = Float32Array.from({ length: n * d }, gauss);
const macs = n * levels * k * d;
const naive = time(() => encodeNaive(z, n));
const fast = time(() => q.encode(z, n));
const fastCodes = q.encode(z, n);
const same = encodeNaive(z, n).every((c, i) => c === fastCodes[i]);
console.log(`encode, d = ${d}, ${levels} levels × ${k} codes, ${n} vectors (identical codes: ${same})`);
console.log(
  `  naive loop      ${(n / (naive / 1e3)).toFixed(0).padStart(7)} vectors/s  ${(macs / (naive / 1e3) / 1e9).toFixed(2)} GMAC/s`,
);
console.log(
  `  optimised path  ${(n / (fast / 1e3)).toFixed(0).padStart(7)} vectors/s  ${(macs / (fast / 1e3) / 1e9).toFixed(2)} GMAC/s  (${(naive / fast).toFixed(2)}× the naive loop)`,
);

const N = 100_000;
const data = Float32Array.from({ length: N * d }, gauss);
const t1 = performance.now();
trainResidualQuantizer(data, N, d, {
  method: 'kmeans',
  init: 'random',
  levels: 1,
  codebookSize: k,
  iterations: 1,
  seed: 1,
});
const t2 = performance.now();
trainResidualQuantizer(data, N, d, {
  method: 'kmeans',
  init: 'random',
  levels: 1,
  codebookSize: k,
  iterations: 2,
  seed: 1,
});
const t3 = performance.now();
const perLloyd = t3 - t2 - (t2 - t1);
// A first run compiles the EMA code, so the two timed runs differ only in their steps.
trainResidualQuantizer(data, N, d, {
  method: 'ema',
  levels,
  codebookSize: k,
  iterations: 5,
  batchSize: 1024,
  seed: 1,
});
const e1 = performance.now();
trainResidualQuantizer(data, N, d, {
  method: 'ema',
  levels,
  codebookSize: k,
  iterations: 5,
  batchSize: 1024,
  seed: 1,
});
const e2 = performance.now();
trainResidualQuantizer(data, N, d, {
  method: 'ema',
  levels,
  codebookSize: k,
  iterations: 15,
  batchSize: 1024,
  seed: 1,
});
const e3 = performance.now();
const perEma = (e3 - e2 - (e2 - e1)) / 10;
console.log(`\ntraining on ${N.toLocaleString('en')} vectors, d = ${d}, ${k} codes`);
console.log(
  `  k-means: one Lloyd iteration of one level (assign all ${N.toLocaleString('en')} + update)  ${(perLloyd / 1e3).toFixed(2)} s`,
);
console.log(
  `  EMA: one step, both levels, batch 1024                                  ${perEma.toFixed(1)} ms`,
);

// Scaling of parseMaskAnswer on a degenerate answer: start tokens and no end before a mask, at 1×
// and 8× the text. Linear work gives about 8× (an end-anchored pattern retried at each start gave 64×).
const degenerate = (n) => `${'<|object_ref_start|>'.repeat(n)}${formatMaskWords([12, 47])}`;
bestMs(() => parseMaskAnswer(degenerate(2000)));
const small = bestMs(() => parseMaskAnswer(degenerate(2000)));
const large = bestMs(() => parseMaskAnswer(degenerate(16000)));
console.log(
  `\nparseMaskAnswer, 2,000 → 16,000 unclosed phrase starts: ${small.toFixed(2)} ms → ${large.toFixed(2)} ms (${(large / small).toFixed(1)}×)`,
);
