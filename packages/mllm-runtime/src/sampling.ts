import { seededRandom } from '@seglang/polygon-grammar';
import { RuntimeError } from './errors';

export interface SamplingOptions {
  /** 0 or undefined (the default): greedy, and topK/topP have no effect (as at vLLM's temperature 0). */
  temperature?: number;
  /** Keep the k most likely tokens (0 = off). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 = off). */
  topP?: number;
  /** > 1 discourages tokens already in the context (the CTRL penalty, as transformers applies it). */
  repetitionPenalty?: number;
  /** Seed of the sampler's generator, for reproducible sampling. */
  seed?: number;
}

export function checkSampling(o: SamplingOptions): void {
  if (o === null || typeof o !== 'object')
    throw new RuntimeError('INVALID_ARGUMENT', 'sampling options must be an object');
  const bad = (what: string, v: unknown) => {
    throw new RuntimeError('INVALID_ARGUMENT', `${what}, got ${String(v)}`);
  };
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature)))
    bad('temperature must be a finite number ≥ 0', o.temperature);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0))
    bad('topK must be an integer ≥ 0', o.topK);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) bad('topP must be in (0, 1]', o.topP);
  if (o.repetitionPenalty !== undefined && !(o.repetitionPenalty > 0 && Number.isFinite(o.repetitionPenalty)))
    bad('repetitionPenalty must be a finite number > 0', o.repetitionPenalty);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) bad('seed must be an integer', o.seed);
}

/**
 * Picks the next token from one row of logits. Greedy is a single pass; sampling looks only at
 * tokens within 30 nats of the best (the rest have probability < 1e-13 of it) unless `topK` asks for
 * more. With `allowed` (a grammar constraint's token ids), only those ids are considered.
 */
export class Sampler {
  private readonly random: () => number;
  private readonly greedy: boolean;

  constructor(private readonly o: SamplingOptions = {}) {
    checkSampling(o);
    this.random = seededRandom(o.seed ?? 0x5eed);
    this.greedy = !o.temperature;
  }

  /** Applies the repetition penalty to `logits` in place over the distinct ids in `context`. */
  penalize(logits: Float32Array, context: ArrayLike<number>): void {
    const p = this.o.repetitionPenalty;
    if (!p || p === 1) return;
    const seen = new Set<number>();
    for (let i = 0; i < context.length; i++) {
      const id = context[i];
      if (seen.has(id) || id >= logits.length) continue;
      seen.add(id);
      const v = logits[id];
      logits[id] = v < 0 ? v * p : v / p;
    }
  }

  /** @returns the chosen id, or −1 when `allowed` is empty. */
  pick(logits: Float32Array, allowed?: Int32Array): number {
    if (this.greedy) return argmax(logits, allowed);
    const n = allowed ? allowed.length : logits.length;
    if (n === 0) return -1;
    const t = this.o.temperature as number;
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = logits[allowed ? allowed[i] : i];
      if (v > best) best = v;
    }
    if (best === Number.NEGATIVE_INFINITY) return -1;
    // Candidates within reach of the best, as (id, scaled logit).
    const cut = best - 30 * t;
    let ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = allowed ? allowed[i] : i;
      if (logits[id] >= cut) ids.push(id);
    }
    const topK = this.o.topK ?? 0;
    if (topK > 0 && ids.length < topK) {
      ids = [];
      for (let i = 0; i < n; i++) {
        const id = allowed ? allowed[i] : i;
        if (logits[id] > Number.NEGATIVE_INFINITY) ids.push(id);
      }
    }
    ids.sort((a, b) => logits[b] - logits[a] || a - b);
    if (topK > 0 && ids.length > topK) ids.length = topK;
    const w = ids.map((id) => Math.exp((logits[id] - best) / t));
    let total = w.reduce((a, b) => a + b, 0);
    const topP = this.o.topP ?? 1;
    if (topP < 1) {
      let acc = 0;
      let keep = 0;
      while (keep < w.length) {
        acc += w[keep++];
        if (acc >= topP * total) break;
      }
      ids.length = keep;
      w.length = keep;
      total = acc;
    }
    let r = this.random() * total;
    for (let i = 0; i < ids.length; i++) {
      r -= w[i];
      if (r < 0) return ids[i];
    }
    return ids[ids.length - 1];
  }
}

/** Index of the largest value (the first on ties), over `allowed` ids if given; −1 if none. */
export function argmax(values: Float32Array, allowed?: Int32Array): number {
  if (!ArrayBuffer.isView(values) && !Array.isArray(values))
    throw new RuntimeError('INVALID_ARGUMENT', 'values must be an array of logits');
  if (allowed !== undefined && !ArrayBuffer.isView(allowed) && !Array.isArray(allowed))
    throw new RuntimeError('INVALID_ARGUMENT', 'allowed must be an array of token ids');
  let best = -1;
  let bv = Number.NEGATIVE_INFINITY;
  if (allowed) {
    for (let i = 0; i < allowed.length; i++) {
      const id = allowed[i];
      const v = values[id];
      if (v > bv || (v === bv && id < best)) {
        bv = v;
        best = id;
      }
    }
    return best;
  }
  for (let i = 0; i < values.length; i++)
    if (values[i] > bv) {
      bv = values[i];
      best = i;
    }
  return best;
}
