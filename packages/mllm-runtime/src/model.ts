import type { Ort } from '@seglang/sam-encoder';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { type ChatTemplate, checkMessages, messageImages } from './chat';
import { RuntimeError } from './errors';
import {
  checkImage,
  type ImageProcessorConfig,
  type ProcessedImage,
  processImage,
  type RgbImage,
} from './image';
import { type LoadOptions, loadImageConfig, loadModelText, type ModelConfig } from './load';
import { ropeIndex } from './rope';
import { Sampler } from './sampling';
import { emptyCache, openSessions, type QwenVlSessions, runSession, sliceCache } from './sessions';
import { Detokenizer, type TextTokenizer } from './tokenizer';
import type { FinishReason, GenerateRequest, GenerateResult, TextGenerator } from './types';

/**
 * Generation: the prompt as the decoder sees it (chat template, image tokens expanded), prefill with
 * the images' features spliced in, then token by token: sampling, the constraint, stop strings,
 * detokenisation, and the key-value cache kept for the next call's common prefix. Loading is
 * `load.ts`, the sessions and their layout `sessions.ts`.
 */

export type { LoadOptions, ModelConfig } from './load';
export { DTYPE_SUFFIX, type SessionName } from './sessions';

interface Cache {
  /** Ids whose keys and values the cache holds. */
  ids: number[];
  /** The images behind the `<|image_pad|>` runs among `ids`, in order. */
  images: RgbImage[];
  past: Record<string, Tensor>;
}

const sameImage = (a: RgbImage, b: RgbImage): boolean => {
  if (a === b) return true;
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
};

/**
 * A Qwen2-VL / Qwen2.5-VL / Qwen3-VL model (SimpleSeg or SAMTok fine-tunes among them) run in-process
 * on onnxruntime from the onnx-community export layout: `onnx/vision_encoder*.onnx`,
 * `onnx/embed_tokens*.onnx`, `onnx/decoder_model_merged*.onnx`.
 *
 * @example
 * const model = await QwenVlModel.load({ ort, files: folderFiles('models/simpleseg-onnx') });
 * const { text } = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'image', image }, { type: 'text', text: 'Segment the dog.' }] }],
 *   maxNewTokens: 512,
 * });
 */
export class QwenVlModel implements TextGenerator {
  private cache?: Cache;
  private busy = false;

  private constructor(
    private readonly ort: Ort,
    readonly config: ModelConfig,
    readonly imageConfig: ImageProcessorConfig | undefined,
    readonly tokenizer: TextTokenizer,
    readonly chatTemplate: ChatTemplate | undefined,
    private readonly sessions: QwenVlSessions,
  ) {}

  /**
   * @throws RuntimeError `MODEL_NOT_FOUND` naming the file a folder lacks, `INVALID_CONFIG` for a
   * malformed config, `LAYOUT_MISMATCH` for graphs whose input or output names do not match the layout.
   */
  static async load(options: LoadOptions): Promise<QwenVlModel> {
    const { ort, files } = options;
    if (!ort || typeof ort.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function')
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        'ort must be the onnxruntime-node or onnxruntime-web module (import * as ort from ...)',
      );
    if (!files || typeof files.text !== 'function')
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        'files must be a ModelFiles (folderFiles(dir) or urlFiles(url))',
      );
    const { config, tokenizer, chatTemplate } = await loadModelText(files, options.maskWords);
    const sessions = await openSessions(ort, files, config, options);
    const imageConfig = sessions.vision ? await loadImageConfig(files, config) : undefined;
    return new QwenVlModel(ort, config, imageConfig, tokenizer, chatTemplate, sessions);
  }

  /** The decoded text of every token id, for `createConstraint({ vocabulary })`. */
  vocabulary(): string[] {
    return this.tokenizer.vocabulary();
  }

  /** The prompt text a conversation renders to with this model's chat template. */
  renderChat(request: { messages: GenerateRequest['messages'] }): string {
    if (!this.chatTemplate)
      throw new RuntimeError(
        'INVALID_CONFIG',
        'this model has no chat template; pass { prompt } instead of { messages }',
      );
    return this.chatTemplate.render(request.messages ?? []);
  }

  /**
   * The prompt as the decoder sees it: token ids with each `<|image_pad|>` expanded to its image's
   * `t·h·w / merge²` tokens, and the processed images.
   * @throws RuntimeError `IMAGE_TOKEN_MISMATCH` when the prompt's image tokens and the images differ in number.
   */
  prepare(request: GenerateRequest): { ids: number[]; images: RgbImage[]; processed: ProcessedImage[] } {
    let text: string;
    let images: RgbImage[];
    if (request.messages !== undefined) {
      checkMessages(request.messages);
      text = this.renderChat({ messages: request.messages });
      const found = messageImages(request.messages);
      if (found.some((i) => typeof i === 'string'))
        throw new RuntimeError(
          'INVALID_PROMPT',
          'in-process models take images as pixels ({ data, width, height }); URLs are for served models',
        );
      images = found as RgbImage[];
    } else if (typeof request.prompt === 'string') {
      text = request.prompt;
      images = request.images ?? [];
    } else if (Array.isArray(request.inputIds)) {
      text = '';
      images = request.images ?? [];
      const n = this.tokenizer.size;
      request.inputIds.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= n)
          throw new RuntimeError(
            'INVALID_PROMPT',
            `inputIds[${i}] = ${String(id)} is not a token id (0 … ${n - 1})`,
          );
      });
      if (request.inputIds.length === 0) throw new RuntimeError('INVALID_PROMPT', 'inputIds is empty');
    } else throw new RuntimeError('INVALID_PROMPT', 'a request needs messages, a prompt string or inputIds');
    images.forEach((img, i) => checkImage(img, `image ${i}`));
    if (images.length > 0 && (!this.sessions.vision || !this.imageConfig))
      throw new RuntimeError(
        'UNSUPPORTED',
        'this model has no vision encoder (onnx/vision_encoder.onnx); it takes text only',
      );
    const raw = Array.isArray(request.inputIds) ? request.inputIds : this.tokenizer.encode(text);
    if (raw.length === 0) throw new RuntimeError('INVALID_PROMPT', 'the prompt is empty');
    const pad = this.config.imageTokenId;
    const pads = raw.reduce((n, id) => n + (id === pad ? 1 : 0), 0);
    if (pads !== images.length)
      throw new RuntimeError(
        'IMAGE_TOKEN_MISMATCH',
        `the prompt has ${pads} <|image_pad|> token(s) but ${images.length} image(s) were given`,
      );
    const processed = images.map((img) => processImage(img, this.imageConfig as ImageProcessorConfig));
    const ids: number[] = [];
    let k = 0;
    for (const id of raw) {
      if (id !== pad) ids.push(id);
      else for (let i = processed[k++].tokens; i > 0; i--) ids.push(pad);
    }
    return { ids, images, processed };
  }

  /**
   * Generates an answer. Greedy unless `temperature` is set; stops at end-of-sequence, a stop id or
   * string, `maxNewTokens`, or when the constraint allows nothing. Keys and values of the last call
   * are reused for the longest common prefix (same ids, same images).
   * @throws RuntimeError `CONTEXT_OVERFLOW` for a prompt that does not fit, `INVALID_*` for bad input,
   * `ABORTED` when `signal` fires, `RUNTIME_ERROR` when a session fails.
   */
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (this.busy)
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        'generate is already running on this model; await the first call',
      );
    this.busy = true;
    try {
      return await this.run(request);
    } finally {
      this.busy = false;
    }
  }

  private async run(request: GenerateRequest): Promise<GenerateResult> {
    const maxNew = request.maxNewTokens ?? 256;
    if (!Number.isInteger(maxNew) || maxNew < 1)
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `maxNewTokens must be a positive integer, got ${String(maxNew)}`,
      );
    const sampler = new Sampler(request);
    const { ids, images, processed } = this.prepare(request);
    const ctx = this.config.contextLength;
    if (ids.length >= ctx)
      throw new RuntimeError(
        'CONTEXT_OVERFLOW',
        `the prompt is ${ids.length} tokens (images included); the model's context is ${ctx}`,
      );
    const budget = Math.min(maxNew, ctx - ids.length);
    const stopIds = new Set([...this.config.eosTokenIds, ...(request.stopTokenIds ?? [])]);
    const stops = (request.stop ?? []).filter((s) => s.length > 0);
    const constraint = request.constraint;
    let state = constraint?.initialState() ?? 0;
    const abortCheck = () => {
      if (request.signal?.aborted) throw new RuntimeError('ABORTED', 'generation was aborted');
    };
    abortCheck();

    // Reuse the cached prefix.
    const reuse = this.reusable(ids, images);
    let past =
      reuse > 0 && this.cache
        ? sliceCache(this.ort, this.cache.past, reuse)
        : emptyCache(this.ort, this.config);
    this.cache = undefined;
    const t0 = now();
    const { positionIds, deltas } = ropeIndex(
      [ids],
      undefined,
      processed.map((p) => p.gridThw),
      {
        imageTokenId: this.config.imageTokenId,
        spatialMergeSize: this.config.spatialMergeSize,
      },
    );
    const delta = deltas[0];
    const S = ids.length;
    const fresh = ids.slice(reuse);
    let embeds = await this.embed(fresh);
    if (fresh.includes(this.config.imageTokenId)) embeds = await this.splice(embeds, ids, reuse, processed);
    const pos = new BigInt64Array(3 * fresh.length);
    for (let a = 0; a < 3; a++) pos.set(positionIds.subarray(a * S + reuse, (a + 1) * S), a * fresh.length);
    let out = await this.decode(embeds, S, new this.ort.Tensor('int64', pos, [3, 1, fresh.length]), past);
    const prefillMs = now() - t0;

    const t1 = now();
    const generated: number[] = [];
    const fed = ids.slice();
    const detok = new Detokenizer(this.tokenizer);
    let text = '';
    let finish: FinishReason = 'length';
    for (;;) {
      abortCheck();
      const logits = out.logits;
      sampler.penalize(logits, fed);
      const allowed = constraint ? constraint.allowedTokenIds(state) : undefined;
      const id = sampler.pick(logits, allowed);
      past = out.past;
      if (id < 0) {
        finish = 'constraint';
        break;
      }
      if (stopIds.has(id)) {
        finish = 'eos';
        break;
      }
      if (constraint) state = constraint.advance(state, id);
      generated.push(id);
      const delta_ = detok.push(id);
      text += delta_;
      request.onToken?.({ id, text: delta_ });
      if (stops.length > 0) {
        const hit = firstStop(text, stops, delta_.length);
        if (hit >= 0) {
          text = text.slice(0, hit);
          finish = 'stop';
          break;
        }
      }
      if (generated.length >= budget) break;
      // Feed the token.
      const n = fed.length;
      fed.push(id);
      const p = BigInt(n + delta);
      out = await this.decode(
        await this.embed([id]),
        n + 1,
        new this.ort.Tensor('int64', BigInt64Array.of(p, p, p), [3, 1, 1]),
        past,
      );
    }
    if (finish === 'length' || finish === 'eos' || finish === 'constraint') {
      const rest = detok.flush();
      if (rest) {
        text += rest;
        request.onToken?.({ text: rest });
      }
    }
    // The cache now holds every fed token.
    this.cache = { ids: fed, images, past };
    return {
      text,
      tokenIds: generated,
      finishReason: finish,
      usage: { promptTokens: S, completionTokens: generated.length, cachedTokens: reuse },
      timings: { prefillMs, decodeMs: now() - t1 },
    };
  }

  /** Forgets the cached keys and values. */
  clearCache(): void {
    this.cache = undefined;
  }

  async release(): Promise<void> {
    this.cache = undefined;
    const { vision, embed, decoder } = this.sessions;
    await Promise.all([vision?.release(), embed.release(), decoder.release()]);
  }

  private reusable(ids: number[], images: RgbImage[]): number {
    const c = this.cache;
    if (!c) return 0;
    const pad = this.config.imageTokenId;
    let n = 0;
    let image = -1;
    const limit = Math.min(c.ids.length, ids.length - 1);
    while (n < limit && c.ids[n] === ids[n]) {
      if (ids[n] === pad && (n === 0 || ids[n - 1] !== pad)) {
        image++;
        if (!c.images[image] || !images[image] || !sameImage(c.images[image], images[image])) break;
      }
      n++;
    }
    // Never split an image's run of tokens.
    while (n > 0 && ids[n] === pad && ids[n - 1] === pad) n--;
    return n;
  }

  private async embed(ids: number[]): Promise<Tensor> {
    const input = new this.ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const out = await runSession(this.sessions.embed, { input_ids: input }, 'embed_tokens');
    return out.inputs_embeds;
  }

  /** Replaces the embeddings at `<|image_pad|>` positions with the vision encoder's features. */
  private async splice(
    embeds: Tensor,
    ids: number[],
    from: number,
    processed: ProcessedImage[],
  ): Promise<Tensor> {
    const vision = this.sessions.vision as InferenceSession;
    const rows = processed.reduce((n, p) => n + p.shape[0], 0);
    const width = processed[0].shape[1];
    const pv = new Float32Array(rows * width);
    const grid = new BigInt64Array(processed.length * 3);
    let off = 0;
    processed.forEach((p, i) => {
      pv.set(p.pixelValues, off);
      off += p.pixelValues.length;
      grid.set(p.gridThw.map(BigInt), i * 3);
    });
    const feeds: Record<string, Tensor> = {
      pixel_values: new this.ort.Tensor('float32', pv, [rows, width]),
      [this.sessions.gridName ?? 'image_grid_thw']: new this.ort.Tensor('int64', grid, [processed.length, 3]),
    };
    const out = await runSession(vision, feeds, 'vision_encoder');
    const feats = out.image_features;
    const hidden = embeds.dims[2];
    const pad = this.config.imageTokenId;
    const total = ids.reduce((n, id) => n + (id === pad ? 1 : 0), 0);
    if (feats?.dims.length !== 2 || feats.dims[0] !== total || feats.dims[1] !== hidden)
      throw new RuntimeError(
        'IMAGE_TOKEN_MISMATCH',
        `the vision encoder returned image_features [${feats?.dims.join(', ')}], expected [${total}, ${hidden}] (one row per <|image_pad|>)`,
      );
    const src = feats.data as Float32Array;
    const dst = new Float32Array(embeds.data as Float32Array);
    let row = 0;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== pad) continue;
      if (i >= from) dst.set(src.subarray(row * hidden, (row + 1) * hidden), (i - from) * hidden);
      row++;
    }
    return new this.ort.Tensor('float32', dst, embeds.dims);
  }

  private async decode(
    embeds: Tensor,
    total: number,
    positionIds: Tensor,
    past: Record<string, Tensor>,
  ): Promise<{ logits: Float32Array; past: Record<string, Tensor> }> {
    const dec = this.sessions.decoder;
    const feeds: Record<string, Tensor> = {
      inputs_embeds: embeds,
      attention_mask: new this.ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      ...past,
    };
    if (dec.inputNames.includes('position_ids')) feeds.position_ids = positionIds;
    if (dec.inputNames.includes('num_logits_to_keep'))
      feeds.num_logits_to_keep = new this.ort.Tensor('int64', BigInt64Array.of(1n), []);
    const out = await runSession(dec, feeds, 'decoder_model_merged');
    const next: Record<string, Tensor> = {};
    for (const name of Object.keys(past)) next[name] = out[name.replace('past_key_values.', 'present.')];
    const l = out.logits;
    const V = l.dims[2];
    const data = l.data as Float32Array;
    return { logits: data.subarray(data.length - V), past: next };
  }
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The earliest stop string in the text's tail (only where the last delta could complete one). */
function firstStop(text: string, stops: string[], added: number): number {
  let best = -1;
  for (const s of stops) {
    const from = Math.max(0, text.length - added - s.length + 1);
    const i = text.indexOf(s, from);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}
