import { RqError } from './errors';
import { codewordNorms, nearestCode } from './nearest';
import { ResidualQuantizer } from './quantizer';

export interface TrainOptions {
  /** Quantiser levels (default 2). */
  levels?: number;
  /** Codes per level (default 256). */
  codebookSize?: number;
  /** Lloyd iterations per level (`kmeans`) or update steps (`ema`). Default 20 / 200. */
  iterations?: number;
  /** Random seed (default 0): training is deterministic for a seed. */
  seed?: number;
  /**
   * `'kmeans'`: level by level, k-means++ initialisation then Lloyd iterations on the residuals.
   * `'ema'`: the SAMTok recipe — mini-batches, EMA codebook updates (decay 0.99, Laplace smoothing
   * ε = 1e-5) and dead-code restart (codes whose EMA count < 1 are replaced with random batch vectors) every step.
   */
  method?: 'kmeans' | 'ema';
  /**
   * `kmeans` seeding: `'kmeans++'` (default; greedy D² sampling, robust) or `'random'` (distinct
   * random vectors; much cheaper on large data).
   */
  init?: 'kmeans++' | 'random';
  /** Called after every Lloyd iteration (`kmeans`: total = levels × iterations) or update step (`ema`). */
  onProgress?: (done: number, total: number) => void;
  /** EMA mini-batch size (default 1024). */
  batchSize?: number;
  /** EMA decay (default 0.99). */
  decay?: number;
  /** Laplace smoothing ε (default 1e-5). */
  epsilon?: number;
  /** EMA count below which a code is restarted (default 1). */
  deadThreshold?: number;
}

export interface LevelReport {
  /** Share of codes used when encoding the training data. */
  utilisation: number;
  /** exp(entropy) of the code usage: the effective number of codes. */
  perplexity: number;
  /** Dead-code restarts during training (`ema`) or empty clusters re-seeded (`kmeans`). */
  restarts: number;
}

export interface TrainReport {
  perLevel: LevelReport[];
  /** `mse[l]`: mean squared error per element of the reconstruction from levels 0…l. */
  mse: number[];
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Greedy k-means++ seeding (as scikit-learn): each new centre is the best, by total squared
 * distance, of 2 + ⌊ln k⌋ candidates drawn by D² sampling.
 */
function kmeansPlusPlus(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  random: () => number,
): Float32Array {
  const book = new Float32Array(k * d);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const trials = 2 + Math.floor(Math.log(k));
  const candidateDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  const distTo = (v: number, p: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const diff = x[v * d + i] - x[p * d + i];
      s += diff * diff;
    }
    return s;
  };
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    if (c > 0) {
      let total = 0;
      for (let v = 0; v < n; v++) total += dist[v];
      let bestPotential = Number.POSITIVE_INFINITY;
      for (let t = 0; t < trials; t++) {
        let target = random() * total;
        let candidate = n - 1;
        for (let v = 0; v < n; v++) {
          target -= dist[v];
          if (target <= 0) {
            candidate = v;
            break;
          }
        }
        let potential = 0;
        for (let v = 0; v < n; v++) {
          candidateDist[v] = Math.min(dist[v], distTo(v, candidate));
          potential += candidateDist[v];
        }
        if (potential < bestPotential) {
          bestPotential = potential;
          pick = candidate;
          bestDist.set(candidateDist);
        }
      }
      dist.set(bestDist);
    } else {
      for (let v = 0; v < n; v++) dist[v] = distTo(v, pick);
    }
    for (let i = 0; i < d; i++) book[c * d + i] = x[pick * d + i];
  }
  return book;
}

/** k distinct random rows of `x` as initial centres. */
function randomSeeds(x: Float64Array, n: number, d: number, k: number, random: () => number): Float32Array {
  const book = new Float32Array(k * d);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < k; c++) {
    const j = c + Math.floor(random() * (n - c));
    [order[c], order[j]] = [order[j], order[c]];
    for (let i = 0; i < d; i++) book[c * d + i] = x[order[c] * d + i];
  }
  return book;
}

function usage(codes: Int32Array, k: number): LevelReport {
  const counts = new Float64Array(k);
  for (const c of codes) counts[c]++;
  let used = 0;
  let entropy = 0;
  for (const c of counts) {
    if (c > 0) {
      used++;
      const p = c / codes.length;
      entropy -= p * Math.log(p);
    }
  }
  return { utilisation: used / k, perplexity: Math.exp(entropy), restarts: 0 };
}

/** The most quantiser levels trained (SAMTok uses 2; each level is a full pass over the data). */
export const MAX_LEVELS = 64;

/**
 * Trains a residual quantiser on `n` vectors of dimension `d` (row-major `data`).
 * @returns the quantiser and a report: per-level utilisation, perplexity and restarts, and the MSE after each level.
 * @throws RqError `INVALID_SHAPE` / `INVALID_VALUE` / `INVALID_ARGUMENT` for bad data or options.
 */
export function trainResidualQuantizer(
  data: Float32Array,
  n: number,
  d: number,
  opts: TrainOptions = {},
): { quantizer: ResidualQuantizer; report: TrainReport } {
  if (opts === null || typeof opts !== 'object')
    throw new RqError('INVALID_ARGUMENT', 'options must be an object');
  if (opts.seed !== undefined && !Number.isInteger(opts.seed))
    throw new RqError('INVALID_ARGUMENT', `seed must be an integer, got ${String(opts.seed)}`);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function')
    throw new RqError('INVALID_ARGUMENT', 'onProgress must be a function (done, total) => void');
  const levels = opts.levels ?? 2;
  const k = opts.codebookSize ?? 256;
  const method = opts.method ?? 'kmeans';
  const iterations = opts.iterations ?? (method === 'ema' ? 200 : 20);
  const random = rng(opts.seed ?? 0);
  if (!(data instanceof Float32Array)) throw new RqError('INVALID_SHAPE', 'data must be a Float32Array');
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1 || data.length !== n * d) {
    throw new RqError(
      'INVALID_SHAPE',
      `data has length ${data.length}, expected n×d = ${n}×${d} with n, d ≥ 1`,
    );
  }
  for (const [name, v] of [
    ['levels', levels],
    ['codebookSize', k],
    ['iterations', iterations],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RqError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(v)}`);
  }
  if (levels > MAX_LEVELS)
    throw new RqError('INVALID_ARGUMENT', `levels must be at most ${MAX_LEVELS}, got ${levels}`);
  if (k > n)
    throw new RqError('INVALID_ARGUMENT', `codebookSize (${k}) must not exceed the number of vectors (${n})`);
  if (opts.init !== undefined && opts.init !== 'kmeans++' && opts.init !== 'random') {
    throw new RqError('INVALID_ARGUMENT', `init must be 'kmeans++' or 'random', got ${String(opts.init)}`);
  }
  if (method !== 'kmeans' && method !== 'ema')
    throw new RqError('INVALID_ARGUMENT', `method must be 'kmeans' or 'ema', got ${String(method)}`);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new RqError(
      'INVALID_VALUE',
      `data has ${data[bad]} at vector ${Math.floor(bad / d)}, dim ${bad % d}`,
    );

  const residual = Float64Array.from(data);
  const books: Float32Array[] = [];
  const restarts: number[] = [];

  if (method === 'kmeans') {
    for (let l = 0; l < levels; l++) {
      const book =
        opts.init === 'random'
          ? randomSeeds(residual, n, d, k, random)
          : kmeansPlusPlus(residual, n, d, k, random);
      const assign = new Int32Array(n);
      let reseeded = 0;
      for (let it = 0; it < iterations; it++) {
        const norms = codewordNorms(book, k, d);
        for (let v = 0; v < n; v++) assign[v] = nearestCode(book, norms, k, d, residual, v * d);
        const sums = new Float64Array(k * d);
        const counts = new Float64Array(k);
        for (let v = 0; v < n; v++) {
          const c = assign[v];
          counts[c]++;
          for (let i = 0; i < d; i++) sums[c * d + i] += residual[v * d + i];
        }
        for (let c = 0; c < k; c++) {
          if (counts[c] > 0) for (let i = 0; i < d; i++) book[c * d + i] = sums[c * d + i] / counts[c];
          else {
            const v = Math.floor(random() * n); // empty cluster: re-seed on a random vector
            for (let i = 0; i < d; i++) book[c * d + i] = residual[v * d + i];
            reseeded++;
          }
        }
        opts.onProgress?.(l * iterations + it + 1, levels * iterations);
      }
      const norms = codewordNorms(book, k, d);
      for (let v = 0; v < n; v++) {
        const c = nearestCode(book, norms, k, d, residual, v * d);
        for (let i = 0; i < d; i++) residual[v * d + i] -= book[c * d + i];
      }
      books.push(book);
      restarts.push(reseeded);
    }
  } else {
    const batchSize = Math.min(opts.batchSize ?? 1024, n);
    const decay = opts.decay ?? 0.99;
    const eps = opts.epsilon ?? 1e-5;
    const threshold = opts.deadThreshold ?? 1;
    const clusterSize: Float64Array[] = [];
    const embedSum: Float64Array[] = [];
    for (let l = 0; l < levels; l++) {
      const book = new Float32Array(k * d);
      for (let c = 0; c < k; c++) {
        const v = Math.floor(random() * n);
        for (let i = 0; i < d; i++) book[c * d + i] = data[v * d + i];
      }
      books.push(book);
      clusterSize.push(new Float64Array(k).fill(1));
      embedSum.push(Float64Array.from(book));
      restarts.push(0);
    }
    const batch = new Float64Array(batchSize * d);
    const assign = new Int32Array(batchSize);
    for (let step = 0; step < iterations; step++) {
      for (let b = 0; b < batchSize; b++) {
        const v = Math.floor(random() * n);
        for (let i = 0; i < d; i++) batch[b * d + i] = data[v * d + i];
      }
      for (let l = 0; l < levels; l++) {
        const book = books[l];
        const norms = codewordNorms(book, k, d);
        for (let b = 0; b < batchSize; b++) assign[b] = nearestCode(book, norms, k, d, batch, b * d);
        // The residual passed on is the input minus its quantisation by the codebook used for assignment.
        const next = new Float64Array(batch);
        for (let b = 0; b < batchSize; b++) {
          const c = assign[b];
          for (let i = 0; i < d; i++) next[b * d + i] -= book[c * d + i];
        }
        const counts = new Float64Array(k);
        const sums = new Float64Array(k * d);
        for (let b = 0; b < batchSize; b++) {
          const c = assign[b];
          counts[c]++;
          for (let i = 0; i < d; i++) sums[c * d + i] += batch[b * d + i];
        }
        const cs = clusterSize[l];
        const es = embedSum[l];
        let total = 0;
        for (let c = 0; c < k; c++) {
          cs[c] = decay * cs[c] + (1 - decay) * counts[c];
          total += cs[c];
          for (let i = 0; i < d; i++) es[c * d + i] = decay * es[c * d + i] + (1 - decay) * sums[c * d + i];
        }
        for (let c = 0; c < k; c++) {
          const smoothed = ((cs[c] + eps) / (total + k * eps)) * total;
          for (let i = 0; i < d; i++) book[c * d + i] = es[c * d + i] / smoothed;
        }
        for (let c = 0; c < k; c++) {
          if (cs[c] >= threshold) continue;
          const b = Math.floor(random() * batchSize);
          for (let i = 0; i < d; i++) {
            book[c * d + i] = batch[b * d + i];
            es[c * d + i] = batch[b * d + i] * threshold;
          }
          cs[c] = threshold;
          restarts[l]++;
        }
        batch.set(next);
      }
      opts.onProgress?.(step + 1, iterations);
    }
  }

  const quantizer = new ResidualQuantizer(books, { codebookSize: k, dim: d });
  const codes = quantizer.encode(data, n);
  const perLevel: LevelReport[] = [];
  const mse: number[] = [];
  const partial = new Int32Array(codes.length);
  for (let l = 0; l < levels; l++) {
    const levelCodes = new Int32Array(n);
    for (let v = 0; v < n; v++) levelCodes[v] = codes[v * levels + l];
    perLevel.push({ ...usage(levelCodes, k), restarts: restarts[l] });
    for (let v = 0; v < n; v++)
      for (let q = 0; q < levels; q++) partial[v * levels + q] = q <= l ? codes[v * levels + q] : -1;
    const recon = quantizer.decode(partial, n);
    let err = 0;
    for (let i = 0; i < data.length; i++) err += (data[i] - recon[i]) ** 2;
    mse.push(err / data.length);
  }
  return { quantizer, report: { perLevel, mse } };
}
