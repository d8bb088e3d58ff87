import { RqError } from './errors';
import { codewordNorms, nearestCode } from './nearest';
import { readNpy, readSafetensors, type Tensor, writeSafetensors } from './safetensors';

export interface QuantizerShape {
  levels: number;
  codebookSize: number;
  dim: number;
}

/** Codes marking a level as absent in {@link ResidualQuantizer.decode} (e.g. a missing second mask word). */
export const MISSING_CODE = -1;

/**
 * A residual vector quantiser (SAMTok: d = 256, 2 levels × 256 codes, codebooks not shared):
 * level l quantises what the levels before it left over, by squared-Euclidean nearest neighbour;
 * the decoded vector is the sum of the chosen codewords.
 */
export class ResidualQuantizer {
  readonly levels: number;
  readonly codebookSize: number;
  readonly dim: number;
  private readonly books: Float32Array[];
  private readonly norms: Float64Array[];

  /**
   * @param codebooks one `codebookSize × dim` row-major array per level.
   * @throws RqError `INVALID_SHAPE` for inconsistent sizes, `INVALID_VALUE` for NaN/∞ codewords.
   */
  constructor(codebooks: Float32Array[], shape: { codebookSize: number; dim: number }) {
    if (shape === null || typeof shape !== 'object')
      throw new RqError('INVALID_SHAPE', 'shape must be an object { codebookSize, dim }');
    const { codebookSize, dim } = shape;
    if (!Array.isArray(codebooks) || codebooks.length === 0)
      throw new RqError('INVALID_SHAPE', 'codebooks must be a non-empty array, one per level');
    if (!Number.isInteger(codebookSize) || codebookSize < 1 || !Number.isInteger(dim) || dim < 1) {
      throw new RqError(
        'INVALID_SHAPE',
        `codebookSize and dim must be positive integers, got ${codebookSize} and ${dim}`,
      );
    }
    codebooks.forEach((b, l) => {
      if (!(b instanceof Float32Array) || b.length !== codebookSize * dim) {
        throw new RqError(
          'INVALID_SHAPE',
          `codebooks[${l}] must be a Float32Array of ${codebookSize}×${dim} = ${codebookSize * dim}, got ${b?.length}`,
        );
      }
      const bad = b.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new RqError(
          'INVALID_VALUE',
          `codebooks[${l}] has a non-finite value at code ${Math.floor(bad / dim)}, dim ${bad % dim}`,
        );
    });
    this.levels = codebooks.length;
    this.codebookSize = codebookSize;
    this.dim = dim;
    this.books = codebooks.map((b) => Float32Array.from(b));
    this.norms = this.books.map((b) => codewordNorms(b, codebookSize, dim));
  }

  /** A copy of level `l`'s codebook (`codebookSize × dim`, row-major). */
  codebook(level: number): Float32Array {
    if (!Number.isInteger(level) || level < 0 || level >= this.levels)
      throw new RqError('INVALID_ARGUMENT', `level must be in [0, ${this.levels - 1}], got ${level}`);
    return Float32Array.from(this.books[level]);
  }

  /**
   * Reads codebooks from safetensors: a tensor `codebooks` of shape [L, K, d], or one tensor per
   * level — `names` in level order, or else every tensor whose name contains `codebook` or ends in
   * `.embed` (vector-quantize-pytorch), ordered by the first number in its name — of shape [K, d] or [1, K, d].
   * @throws RqError `INVALID_FILE` for a malformed or truncated file, `INVALID_SHAPE` for mismatched tensors.
   */
  static fromSafetensors(bytes: Uint8Array, opts: { names?: string[] } = {}): ResidualQuantizer {
    const tensors = readSafetensors(bytes);
    let perLevel: Tensor[];
    if (opts.names) {
      perLevel = opts.names.map((n) => {
        const t = tensors.get(n);
        if (!t)
          throw new RqError(
            'INVALID_FILE',
            `safetensors has no tensor ${JSON.stringify(n)}; it has ${JSON.stringify([...tensors.keys()])}`,
          );
        return t;
      });
    } else if (tensors.has('codebooks')) {
      return ResidualQuantizer.fromStacked(tensors.get('codebooks')!, 'codebooks');
    } else {
      const names = [...tensors.keys()].filter((n) => /codebook|\.embed$/.test(n));
      if (names.length === 0)
        throw new RqError(
          'INVALID_FILE',
          `safetensors has no codebook tensors; it has ${JSON.stringify([...tensors.keys()])}`,
        );
      const index = (n: string) => Number(/\d+/.exec(n)?.[0] ?? 0);
      perLevel = names.sort((a, b) => index(a) - index(b)).map((n) => tensors.get(n)!);
    }
    return ResidualQuantizer.fromLevels(perLevel.map((t) => ({ shape: t.shape, data: t.data })));
  }

  /**
   * Reads codebooks from NumPy `.npy` bytes: one array [L, K, d], or one [K, d] array per level.
   * @throws RqError `INVALID_FILE` / `INVALID_SHAPE`.
   */
  static fromNpy(bytes: Uint8Array | Uint8Array[]): ResidualQuantizer {
    if (Array.isArray(bytes)) return ResidualQuantizer.fromLevels(bytes.map(readNpy));
    return ResidualQuantizer.fromStacked(readNpy(bytes), 'npy array');
  }

  private static fromStacked(t: { shape: number[]; data: Float32Array }, name: string): ResidualQuantizer {
    if (t.shape.length !== 3)
      throw new RqError(
        'INVALID_SHAPE',
        `${name} must have shape [levels, codebookSize, dim], got ${JSON.stringify(t.shape)}`,
      );
    const [levels, k, d] = t.shape;
    return new ResidualQuantizer(
      Array.from({ length: levels }, (_, l) => t.data.slice(l * k * d, (l + 1) * k * d)),
      { codebookSize: k, dim: d },
    );
  }

  private static fromLevels(ts: { shape: number[]; data: Float32Array }[]): ResidualQuantizer {
    const shapes = ts.map((t) => (t.shape.length === 3 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape));
    shapes.forEach((s, l) => {
      if (s.length !== 2 || s[0] !== shapes[0][0] || s[1] !== shapes[0][1]) {
        throw new RqError(
          'INVALID_SHAPE',
          `level ${l} codebook must have shape [codebookSize, dim] like level 0 (${JSON.stringify(shapes[0])}), got ${JSON.stringify(ts[l].shape)}`,
        );
      }
    });
    return new ResidualQuantizer(
      ts.map((t) => t.data),
      { codebookSize: shapes[0][0], dim: shapes[0][1] },
    );
  }

  /** Writes the codebooks as safetensors: one F32 tensor `codebooks` of shape [levels, codebookSize, dim]. */
  toSafetensors(): Uint8Array {
    const data = new Float32Array(this.levels * this.codebookSize * this.dim);
    this.books.forEach((b, l) => data.set(b, l * b.length));
    return writeSafetensors(
      { codebooks: { shape: [this.levels, this.codebookSize, this.dim], data } },
      {
        format: 'seglang-rq',
        levels: String(this.levels),
        codebook_size: String(this.codebookSize),
        dim: String(this.dim),
      },
    );
  }

  private checkVectors(z: Float32Array, n: number, name: string): void {
    if (!(z instanceof Float32Array)) throw new RqError('INVALID_SHAPE', `${name} must be a Float32Array`);
    if (!Number.isInteger(n) || n < 0)
      throw new RqError('INVALID_SHAPE', `n must be a non-negative integer, got ${String(n)}`);
    if (z.length !== n * this.dim) {
      throw new RqError(
        'INVALID_SHAPE',
        `${name} has length ${z.length}, expected n×dim = ${n}×${this.dim} = ${n * this.dim}`,
      );
    }
    for (let i = 0; i < z.length; i++) {
      if (!Number.isFinite(z[i]))
        throw new RqError(
          'INVALID_VALUE',
          `${name} has ${z[i]} at vector ${Math.floor(i / this.dim)}, dim ${i % this.dim}`,
        );
    }
  }

  /**
   * Quantises `n` vectors (row-major `n × dim`): codes `[v0 level 0, v0 level 1, …]`, `n × levels`.
   * @throws RqError `INVALID_SHAPE` for a wrong length, `INVALID_VALUE` for NaN/∞.
   */
  encode(z: Float32Array, n: number): Int32Array {
    this.checkVectors(z, n, 'z');
    const { dim: d, levels, codebookSize: k } = this;
    const codes = new Int32Array(n * levels);
    const r = new Float64Array(d);
    for (let v = 0; v < n; v++) {
      for (let i = 0; i < d; i++) r[i] = z[v * d + i];
      for (let l = 0; l < levels; l++) {
        const book = this.books[l];
        const c = nearestCode(book, this.norms[l], k, d, r, 0);
        codes[v * levels + l] = c;
        if (l + 1 < levels) for (let i = 0; i < d; i++) r[i] -= book[c * d + i];
      }
    }
    return codes;
  }

  /**
   * Sums the chosen codewords: `n × dim`. A code of {@link MISSING_CODE} (-1) leaves its level out.
   * @throws RqError `INVALID_CODES` for codes out of range or a wrong length.
   */
  decode(codes: Int32Array | number[], n: number): Float32Array {
    const { dim: d, levels, codebookSize: k } = this;
    if (!Number.isInteger(n) || n < 0)
      throw new RqError('INVALID_CODES', `n must be a non-negative integer, got ${String(n)}`);
    if (codes.length !== n * levels)
      throw new RqError(
        'INVALID_CODES',
        `codes has length ${codes.length}, expected n×levels = ${n}×${levels} = ${n * levels}`,
      );
    const out = new Float32Array(n * d);
    const acc = new Float64Array(d);
    for (let v = 0; v < n; v++) {
      acc.fill(0);
      for (let l = 0; l < levels; l++) {
        const c = codes[v * levels + l];
        if (c === MISSING_CODE) continue;
        if (!Number.isInteger(c) || c < 0 || c >= k) {
          throw new RqError(
            'INVALID_CODES',
            `codes[${v * levels + l}] (vector ${v}, level ${l}) must be in [0, ${k - 1}] or -1, got ${c}`,
          );
        }
        const book = this.books[l];
        for (let i = 0; i < d; i++) acc[i] += book[c * d + i];
      }
      for (let i = 0; i < d; i++) out[v * d + i] = acc[i];
    }
    return out;
  }
}
