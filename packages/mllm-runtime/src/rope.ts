import { RuntimeError } from './errors';

export interface RopeIndexOptions {
  /** `<|image_pad|>` id (151655 in the Qwen2-VL vocabulary). */
  imageTokenId: number;
  /** `vision_config.spatial_merge_size` (2). */
  spatialMergeSize?: number;
}

export interface RopeIndex {
  /** `[3, batch, seq]` row-major: temporal, height, width positions (0 at padding). */
  positionIds: BigInt64Array;
  /** Per row: `max(position) + 1 − (unpadded length)`; a decode step at cache length `L` uses `L + delta`. */
  deltas: number[];
}

/**
 * M-RoPE position ids for a batch of prompts, as the reference `get_rope_index`: text runs count up
 * one per token; each run of `<|image_pad|>` tokens takes the next `[t, h, w]` grid and gets
 * `(start + t', start + h', start + w')` over its `t × h/m × w/m` cells; the text after it resumes at
 * `start + max(h, w)/m`. Padding (attention 0) is skipped. Text-only rows get `0, 1, 2, …` on all
 * three axes and a delta of 0 when unpadded.
 *
 * @param inputIds rows of token ids (equal lengths)
 * @param attentionMask rows of 0/1, or undefined for all ones
 * @param imageGrids one `[t, h, w]` (in patches) per image, in order of appearance across the batch
 * @throws RuntimeError `IMAGE_TOKEN_MISMATCH` when a run of image tokens does not match its grid
 */
export function ropeIndex(
  inputIds: number[][],
  attentionMask: number[][] | undefined,
  imageGrids: [number, number, number][],
  opts: RopeIndexOptions,
): RopeIndex {
  if (!Array.isArray(inputIds) || inputIds.some((row) => !Array.isArray(row)))
    throw new RuntimeError('INVALID_ARGUMENT', 'inputIds must be an array of rows of token ids');
  if (attentionMask !== undefined && !Array.isArray(attentionMask))
    throw new RuntimeError('INVALID_ARGUMENT', 'attentionMask must be an array of rows, or undefined');
  if (!Array.isArray(imageGrids))
    throw new RuntimeError('INVALID_ARGUMENT', 'imageGrids must be an array of [t, h, w]');
  if (opts === null || typeof opts !== 'object')
    throw new RuntimeError('INVALID_ARGUMENT', 'options must be an object');
  const m = opts.spatialMergeSize ?? 2;
  const B = inputIds.length;
  const S = B > 0 ? inputIds[0].length : 0;
  const positionIds = new BigInt64Array(3 * B * S);
  const deltas: number[] = [];
  let image = 0;
  for (let b = 0; b < B; b++) {
    const ids = inputIds[b];
    const mask = attentionMask?.[b];
    if (ids.length !== S || (mask && mask.length !== S))
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `row ${b}: input ids and attention mask must all have length ${S}`,
      );
    const keep: number[] = [];
    for (let j = 0; j < S; j++) if (!mask || mask[j] === 1) keep.push(j);
    let pos = 0;
    let max = -1;
    const put = (j: number, t: number, h: number, w: number) => {
      positionIds[b * S + j] = BigInt(t);
      positionIds[B * S + b * S + j] = BigInt(h);
      positionIds[2 * B * S + b * S + j] = BigInt(w);
      max = Math.max(max, t, h, w);
    };
    let k = 0;
    while (k < keep.length) {
      if (ids[keep[k]] !== opts.imageTokenId) {
        put(keep[k], pos, pos, pos);
        pos++;
        k++;
        continue;
      }
      let end = k;
      while (end < keep.length && ids[keep[end]] === opts.imageTokenId) end++;
      const grid = imageGrids[image];
      if (!grid)
        throw new RuntimeError(
          'IMAGE_TOKEN_MISMATCH',
          `row ${b}, token ${keep[k]}: a run of image tokens but only ${imageGrids.length} image grid(s)`,
        );
      const [t, h, w] = [grid[0], grid[1] / m, grid[2] / m];
      if (end - k !== t * h * w)
        throw new RuntimeError(
          'IMAGE_TOKEN_MISMATCH',
          `row ${b}, token ${keep[k]}: image ${image} has ${end - k} <|image_pad|> tokens, its grid [${grid.join(', ')}] needs ${t * h * w}`,
        );
      let i = k;
      for (let tt = 0; tt < t; tt++)
        for (let hh = 0; hh < h; hh++)
          for (let ww = 0; ww < w; ww++) put(keep[i++], pos + tt, pos + hh, pos + ww);
      pos += Math.max(h, w);
      image++;
      k = end;
    }
    deltas.push(max + 1 - keep.length);
  }
  return { positionIds, deltas };
}
