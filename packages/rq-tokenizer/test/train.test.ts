import { RqError, trainResidualQuantizer } from '../src';
import { gauss, rng } from './helpers';

/** Data = level-1 centre + zero-mean level-2 offset + small noise, from known centres. */
function synthetic(n: number, d: number, k1: number, k2: number, seed: number) {
  const r = rng(seed);
  const c1 = Array.from({ length: k1 }, () => Array.from({ length: d }, () => 10 * gauss(r)));
  const raw2 = Array.from({ length: k2 }, () => Array.from({ length: d }, () => 2 * gauss(r)));
  const mean2 = Array.from({ length: d }, (_, i) => raw2.reduce((s, o) => s + o[i], 0) / k2);
  const c2 = raw2.map((o) => o.map((v, i) => v - mean2[i]));
  const data = new Float32Array(n * d);
  for (let v = 0; v < n; v++) {
    const a = Math.floor(r() * k1);
    const b = Math.floor(r() * k2);
    for (let i = 0; i < d; i++) data[v * d + i] = c1[a][i] + c2[b][i] + 0.05 * gauss(r);
  }
  return { data, c1, c2 };
}

/** For every true centre, the distance to the closest learned codeword; the worst one. */
function recoveryError(truth: number[][], book: Float32Array, d: number): number {
  let worst = 0;
  for (const t of truth) {
    let best = Number.POSITIVE_INFINITY;
    for (let c = 0; c < book.length / d; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += (t[i] - book[c * d + i]) ** 2;
      best = Math.min(best, Math.sqrt(s));
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

test('k-means training recovers the known centres at both levels; 2 levels beat 1', () => {
  const d = 16;
  const { data, c1, c2 } = synthetic(4000, d, 8, 8, 1);
  const progress: [number, number][] = [];
  const { quantizer, report } = trainResidualQuantizer(data, 4000, d, {
    levels: 2,
    codebookSize: 8,
    iterations: 15,
    seed: 3,
    onProgress: (done, total) => progress.push([done, total]),
  });
  // Progress: every iteration of both levels, in order.
  expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => [i + 1, 30]));
  const e1 = recoveryError(c1, quantizer.codebook(0), d);
  const e2 = recoveryError(c2, quantizer.codebook(1), d);
  console.log(
    `k-means recovery error: level 1 ${e1.toFixed(3)} (centre norm ~40), level 2 ${e2.toFixed(3)} (offset norm ~8); mse ${report.mse.map((m) => m.toFixed(4))}`,
  );
  // Level-1 centroids also carry the sampled (not exactly zero) mean of the level-2 offsets.
  expect(e1).toBeLessThan(1);
  expect(e2).toBeLessThan(0.5);
  expect(report.mse[1]).toBeLessThan(report.mse[0] / 10);
  expect(report.perLevel.map((l) => l.utilisation)).toEqual([1, 1]);
  expect(report.perLevel[0].perplexity).toBeGreaterThan(7);
});

test('EMA training (the SAMTok recipe) recovers the centres; 2 levels beat 1', () => {
  const d = 8;
  const r = rng(2);
  const centres = Array.from({ length: 6 }, () => Array.from({ length: d }, () => 10 * gauss(r)));
  const n = 3000;
  const data = new Float32Array(n * d);
  for (let v = 0; v < n; v++) {
    const a = Math.floor(r() * 6);
    for (let i = 0; i < d; i++) data[v * d + i] = centres[a][i] + 0.1 * gauss(r);
  }
  const { quantizer, report } = trainResidualQuantizer(data, n, d, {
    method: 'ema',
    levels: 2,
    codebookSize: 8,
    iterations: 300,
    batchSize: 256,
    seed: 5,
  });
  const e1 = recoveryError(centres, quantizer.codebook(0), d);
  console.log(
    `EMA recovery error: level 1 ${e1.toFixed(3)} (centre norm ~28); report ${JSON.stringify(report)}`,
  );
  expect(e1).toBeLessThan(0.5);
  expect(report.mse[1]).toBeLessThan(report.mse[0]);
});

test('EMA dead-code restart: codes that win no vectors fall below a count of 1 and are replaced', () => {
  // Two distinct vectors and four codes: at most two codes can be used at level 1.
  const data = new Float32Array(200 * 2);
  for (let v = 0; v < 200; v++) data.set(v % 2 ? [5, 5] : [-5, 0], 2 * v);
  const { report } = trainResidualQuantizer(data, 200, 2, {
    method: 'ema',
    levels: 1,
    codebookSize: 4,
    iterations: 50,
    batchSize: 64,
  });
  expect(report.perLevel[0].restarts).toBeGreaterThan(0);
  expect(report.perLevel[0].utilisation).toBeLessThanOrEqual(0.5);
  expect(report.mse[0]).toBeLessThan(1e-6);
});

test('deterministic for a seed', () => {
  const { data } = synthetic(500, 4, 4, 4, 9);
  const a = trainResidualQuantizer(data, 500, 4, { codebookSize: 4, iterations: 5, seed: 1 });
  const b = trainResidualQuantizer(data, 500, 4, { codebookSize: 4, iterations: 5, seed: 1 });
  expect(Array.from(a.quantizer.codebook(1))).toEqual(Array.from(b.quantizer.codebook(1)));
});

test('bad input', () => {
  expect(() => trainResidualQuantizer(new Float32Array(10), 3, 4)).toThrow(RqError);
  expect(() => trainResidualQuantizer(Float32Array.from([1, Number.NaN]), 1, 2, { codebookSize: 1 })).toThrow(
    /vector 0, dim 1/,
  );
  expect(() => trainResidualQuantizer(new Float32Array(8), 4, 2, { codebookSize: 8 })).toThrow(
    /must not exceed/,
  );
  expect(() =>
    trainResidualQuantizer(new Float32Array(8), 4, 2, { codebookSize: 2, method: 'sgd' as never }),
  ).toThrow(/method/);
  // Options that would otherwise be ignored or crash deep inside.
  const data = new Float32Array(8);
  expect(() => trainResidualQuantizer(data, 4, 2, { codebookSize: 2, seed: Number.NaN })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'seed must be an integer, got NaN' }),
  );
  expect(() => trainResidualQuantizer(data, 4, 2, null as never)).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'options must be an object' }),
  );
  expect(() => trainResidualQuantizer(data, 4, 2, { codebookSize: 2, onProgress: 1 as never })).toThrow(
    /onProgress must be a function/,
  );
});
