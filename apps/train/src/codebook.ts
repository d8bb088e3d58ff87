import {
  type ResidualQuantizer,
  RqError,
  readNpy,
  readSafetensors,
  type TrainOptions,
  type TrainReport,
  trainResidualQuantizer,
} from '@seglang/rq-tokenizer';
import { InputError } from './errors';

/** Embeddings `n × dim`, row-major. */
export interface Embeddings {
  data: Float32Array;
  n: number;
  dim: number;
}

/**
 * Reads embeddings from `.npy` (a 2-D float array) or safetensors (`tensor` names the 2-D tensor; by
 * default the only tensor in the file).
 * @throws InputError naming the file and what is wrong.
 */
export function readEmbeddings(bytes: Uint8Array, file: string, tensor?: string): Embeddings {
  try {
    if (file.endsWith('.npy')) {
      if (tensor !== undefined)
        throw new InputError(
          `${file}: --tensor names a tensor of a .safetensors file; a .npy file holds one array`,
        );
      return fromTensor(readNpy(bytes), file);
    }
    if (file.endsWith('.safetensors')) {
      const all = readSafetensors(bytes);
      const name = tensor ?? (all.size === 1 ? [...all.keys()][0] : undefined);
      if (!name)
        throw new InputError(
          `${file} holds ${all.size} tensors (${[...all.keys()].join(', ')}); choose one with --tensor`,
        );
      const t = all.get(name);
      if (!t) throw new InputError(`${file} has no tensor "${name}" (it has ${[...all.keys()].join(', ')})`);
      return fromTensor(t, `${file}:${name}`);
    }
  } catch (e) {
    if (e instanceof RqError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
  throw new InputError(`${file}: expected a .npy or .safetensors file`);
}

function fromTensor(t: { shape: number[]; data: Float32Array }, where: string): Embeddings {
  if (t.shape.length !== 2)
    throw new InputError(`${where}: expected a 2-D [n, dim] array, got shape [${t.shape}]`);
  const [n, dim] = t.shape;
  return { data: t.data, n, dim };
}

export interface CodebookResult {
  quantizer: ResidualQuantizer;
  report: TrainReport & { n: number; dim: number; levels: number; codebookSize: number; method: string };
}

/** Trains a residual codebook on the embeddings (see `trainResidualQuantizer`). */
export function trainCodebook(e: Embeddings, opts: TrainOptions = {}): CodebookResult {
  const levels = opts.levels ?? 2;
  const codebookSize = opts.codebookSize ?? 256;
  if (e.n < codebookSize)
    throw new InputError(
      `${e.n} embeddings cannot train ${codebookSize} codes per level; give more data or a smaller --size`,
    );
  try {
    const { quantizer, report } = trainResidualQuantizer(e.data, e.n, e.dim, {
      ...opts,
      levels,
      codebookSize,
    });
    return {
      quantizer,
      report: { ...report, n: e.n, dim: e.dim, levels, codebookSize, method: opts.method ?? 'kmeans' },
    };
  } catch (err) {
    if (err instanceof RqError) throw new InputError(err.message);
    throw err;
  }
}

/** The utilisation report as a few lines of text. */
export function formatReport(r: CodebookResult['report']): string {
  const lines = [
    `trained ${r.levels} levels × ${r.codebookSize} codes on ${r.n} embeddings of ${r.dim} dims (${r.method})`,
    'level  utilisation  perplexity  restarts  mse after',
  ];
  r.perLevel.forEach((l, i) => {
    lines.push(
      `${String(i + 1).padStart(5)}  ${(l.utilisation * 100).toFixed(1).padStart(10)}%  ${l.perplexity.toFixed(1).padStart(10)}  ${String(l.restarts).padStart(8)}  ${r.mse[i].toPrecision(4)}`,
    );
  });
  return lines.join('\n');
}
