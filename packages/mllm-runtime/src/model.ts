import type { MaskWordOptions } from '@seglang/rq-tokenizer';
import type { Ort } from '@seglang/sam-encoder';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ChatTemplate, checkMessages, messageImages } from './chat';
import { RuntimeError } from './errors';
import type { ModelFiles } from './files';
import {
  checkImage,
  type ImageProcessorConfig,
  imageProcessorConfig,
  type ProcessedImage,
  processImage,
  QWEN2_VL_IMAGE,
  QWEN3_VL_IMAGE,
  type RgbImage,
} from './image';
import { ropeIndex } from './rope';
import { Sampler } from './sampling';
import { Detokenizer, TextTokenizer } from './tokenizer';
import type { FinishReason, GenerateRequest, GenerateResult, TextGenerator } from './types';

/** The three sessions of the onnx-community / transformers.js export. */
export type SessionName = 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged';

/** ONNX file suffixes of the onnx-community exports, by dtype. */
export const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  quantized: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export interface LoadOptions {
  /** `onnxruntime-node` or `onnxruntime-web`: one code path for both. */
  ort: Ort;
  files: ModelFiles;
  /** Which export to load (`fp32` default), for all sessions or per session. */
  dtype?: string | Partial<Record<SessionName, string>>;
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * SAMTok models: the mask-word vocabulary, added to the tokenizer from `@seglang/rq-tokenizer`
   * unless `tokenizer.json` already has it. Default: added when `config.json` says `"samtok": {…}`.
   */
  maskWords?: MaskWordOptions;
}

/** What generation reads from `config.json` (flat for Qwen2-VL, `text_config` for 2.5 / 3). */
export interface ModelConfig {
  modelType: string;
  numLayers: number;
  numKeyValueHeads: number;
  headDim: number;
  contextLength: number;
  imageTokenId: number;
  visionStartTokenId?: number;
  spatialMergeSize: number;
  eosTokenIds: number[];
}

interface Cache {
  /** Ids whose keys and values the cache holds. */
  ids: number[];
  /** The images behind the `<|image_pad|>` runs among `ids`, in order. */
  images: RgbImage[];
  past: Record<string, Tensor>;
}

type Json = Record<string, unknown>;

const sameImage = (a: RgbImage, b: RgbImage): boolean => {
  if (a === b) return true;
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
};

function readConfig(json: Json, generation: Json): ModelConfig {
  const text = ((json.text_config as Json | undefined) ?? json) as Json;
  const vision = (json.vision_config ?? {}) as Json;
  // Declared sizes are checked against these before anything is built from them (a config saying
  // num_hidden_layers: 1e9 made 2e9 input names and ran out of memory).
  const int = (v: unknown, what: string, max: number, fallback?: number, min = 0): number => {
    const n = v ?? fallback;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
      throw new RuntimeError(
        'INVALID_CONFIG',
        `config.json: ${what} must be an integer in [${min}, ${max}], got ${String(v)}`,
      );
    return n;
  };
  const heads = int(text.num_attention_heads, 'num_attention_heads', 1024, undefined, 1);
  const hidden = int(text.hidden_size, 'hidden_size', 1 << 16, undefined, 1);
  const eos = [
    ['generation_config.json', generation.eos_token_id],
    ['config.json', text.eos_token_id],
    ['config.json', json.eos_token_id],
  ].flatMap(([file, v]) =>
    (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((id) => {
      if (!Number.isInteger(id) || (id as number) < 0)
        throw new RuntimeError(
          'INVALID_CONFIG',
          `${file}: eos_token_id must hold non-negative integers, got ${JSON.stringify(id)}`,
        );
      return id as number;
    }),
  );
  const visionStart = json.vision_start_token_id ?? text.vision_start_token_id;
  return {
    modelType: String(json.model_type ?? 'qwen2_vl'),
    numLayers: int(text.num_hidden_layers, 'num_hidden_layers', 1024, undefined, 1),
    numKeyValueHeads: int(text.num_key_value_heads ?? heads, 'num_key_value_heads', 1024, undefined, 1),
    headDim: int(text.head_dim ?? hidden / heads, 'head_dim', 4096, undefined, 1),
    contextLength: int(
      text.max_position_embeddings ?? json.max_position_embeddings,
      'max_position_embeddings',
      1 << 24,
      32768,
      1,
    ),
    imageTokenId: int(json.image_token_id ?? text.image_token_id, 'image_token_id', 1 << 24, 151655),
    visionStartTokenId:
      visionStart === undefined ? undefined : int(visionStart, 'vision_start_token_id', 1 << 24),
    spatialMergeSize: int(vision.spatial_merge_size, 'vision_config.spatial_merge_size', 16, 2, 1),
    eosTokenIds: [...new Set(eos)],
  };
}

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
    private readonly sessions: {
      vision?: InferenceSession;
      embed: InferenceSession;
      decoder: InferenceSession;
    },
    private readonly gridName: string | undefined,
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
    const need = async (name: string) => {
      const t = await files.text(name);
      if (t === undefined)
        throw new RuntimeError('MODEL_NOT_FOUND', `the model folder ${files.location} is missing ${name}`);
      return t;
    };
    const parse = (name: string, text: string): Json => {
      try {
        const v = JSON.parse(text);
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
        return v as Json;
      } catch (cause) {
        throw new RuntimeError(
          'INVALID_CONFIG',
          `${files.location}: ${name} is not valid JSON: ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
    };
    const configJson = parse('config.json', await need('config.json'));
    const genText = await files.text('generation_config.json');
    const config = readConfig(configJson, genText ? parse('generation_config.json', genText) : {});
    const tokJson = parse('tokenizer.json', await need('tokenizer.json'));
    const tokCfgText = await files.text('tokenizer_config.json');
    const tokCfg = tokCfgText ? parse('tokenizer_config.json', tokCfgText) : {};
    const samtok = configJson.samtok as MaskWordOptions | undefined;
    const tokenizer = new TextTokenizer(tokJson, tokCfg, options.maskWords ?? samtok);
    const eosName = typeof tokCfg.eos_token === 'string' ? tokCfg.eos_token : undefined;
    const eosId = eosName ? tokenizer.id(eosName) : undefined;
    if (eosId !== undefined && !config.eosTokenIds.includes(eosId)) config.eosTokenIds.push(eosId);

    // Chat template: chat_template.jinja, chat_template.json, or tokenizer_config.json.
    let template = await files.text('chat_template.jinja');
    if (template === undefined) {
      const j = await files.text('chat_template.json');
      if (j !== undefined) template = parse('chat_template.json', j).chat_template as string | undefined;
    }
    if (template === undefined && typeof tokCfg.chat_template === 'string') template = tokCfg.chat_template;
    const special = Object.fromEntries(
      ['bos_token', 'eos_token', 'pad_token', 'unk_token'].map((k) => [
        k,
        typeof tokCfg[k] === 'string' ? tokCfg[k] : undefined,
      ]),
    ) as Record<string, string | undefined>;
    const chatTemplate = template !== undefined ? new ChatTemplate(template, special) : undefined;

    const dtypeOf = (s: SessionName) => {
      const d = typeof options.dtype === 'object' ? options.dtype[s] : options.dtype;
      const suffix = DTYPE_SUFFIX[d ?? 'fp32'];
      if (suffix === undefined)
        throw new RuntimeError(
          'INVALID_ARGUMENT',
          `dtype ${String(d)} for ${s} is not one of ${Object.keys(DTYPE_SUFFIX).join(', ')}`,
        );
      return `onnx/${s}${suffix}.onnx`;
    };
    const open = async (s: SessionName, required: boolean): Promise<InferenceSession | undefined> => {
      const name = dtypeOf(s);
      const file = await files.onnx(name);
      if (!file) {
        if (!required) return undefined;
        throw new RuntimeError('MODEL_NOT_FOUND', `the model folder ${files.location} is missing ${name}`);
      }
      try {
        const opts = {
          ...options.sessionOptions,
          ...(file.externalData ? { externalData: file.externalData } : {}),
        };
        return typeof file.model === 'string'
          ? await ort.InferenceSession.create(file.model, opts)
          : await ort.InferenceSession.create(file.model, opts);
      } catch (cause) {
        throw new RuntimeError(
          'MODEL_LOAD_FAILED',
          `cannot load ${name} from ${files.location}: ${((cause as Error).message ?? String(cause)).split('\n')[0]}`,
          { cause },
        );
      }
    };
    const embed = (await open('embed_tokens', true)) as InferenceSession;
    const decoder = (await open('decoder_model_merged', true)) as InferenceSession;
    const vision = await open('vision_encoder', false);

    expectNames(embed, dtypeOf('embed_tokens'), ['input_ids'], ['inputs_embeds']);
    expectNames(decoder, dtypeOf('decoder_model_merged'), ['inputs_embeds', 'attention_mask'], ['logits']);
    // The graph's own key-value inputs before any name is built from the config: their count must
    // be the config's layer count.
    const graphLayers = decoder.inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
    if (graphLayers !== config.numLayers)
      throw new RuntimeError(
        'LAYOUT_MISMATCH',
        `config.json says num_hidden_layers ${config.numLayers}, but ${dtypeOf('decoder_model_merged')} has key-value inputs for ${graphLayers} layers`,
      );
    const kv: string[] = [];
    const present: string[] = [];
    for (let l = 0; l < config.numLayers; l++)
      for (const t of ['key', 'value']) {
        kv.push(`past_key_values.${l}.${t}`);
        present.push(`present.${l}.${t}`);
      }
    expectNames(
      decoder,
      dtypeOf('decoder_model_merged'),
      ['inputs_embeds', 'attention_mask', ...kv],
      ['logits', ...present],
    );
    let gridName: string | undefined;
    let imageConfig: ImageProcessorConfig | undefined;
    if (vision) {
      gridName = ['grid_thw', 'image_grid_thw'].find((n) => vision.inputNames.includes(n));
      expectNames(
        vision,
        dtypeOf('vision_encoder'),
        ['pixel_values', gridName ?? 'image_grid_thw'],
        ['image_features'],
      );
      const pre = await files.text('preprocessor_config.json');
      if (pre === undefined)
        throw new RuntimeError(
          'MODEL_NOT_FOUND',
          `the model folder ${files.location} is missing preprocessor_config.json`,
        );
      const base = config.modelType.startsWith('qwen3') ? QWEN3_VL_IMAGE : QWEN2_VL_IMAGE;
      imageConfig = imageProcessorConfig(parse('preprocessor_config.json', pre), base);
    }
    return new QwenVlModel(
      ort,
      config,
      imageConfig,
      tokenizer,
      chatTemplate,
      { vision, embed, decoder },
      gridName,
    );
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
    let past = reuse > 0 && this.cache ? sliceCache(this.ort, this.cache.past, reuse) : this.emptyPast();
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

  private emptyPast(): Record<string, Tensor> {
    const { numLayers, numKeyValueHeads, headDim } = this.config;
    const past: Record<string, Tensor> = {};
    for (let l = 0; l < numLayers; l++)
      for (const t of ['key', 'value'])
        past[`past_key_values.${l}.${t}`] = new this.ort.Tensor('float32', new Float32Array(0), [
          1,
          numKeyValueHeads,
          0,
          headDim,
        ]);
    return past;
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
      [this.gridName ?? 'image_grid_thw']: new this.ort.Tensor('int64', grid, [processed.length, 3]),
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

function expectNames(session: InferenceSession, file: string, inputs: string[], outputs: string[]): void {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length === 0 && missingOut.length === 0) return;
  throw new RuntimeError(
    'LAYOUT_MISMATCH',
    `${file} does not follow the Qwen-VL export layout: ` +
      [
        missingIn.length ? `missing inputs ${missingIn.join(', ')}` : '',
        missingOut.length ? `missing outputs ${missingOut.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') +
      `. It declares inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}.`,
  );
}

async function runSession(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  what: string,
): Promise<Record<string, Tensor>> {
  const picked: Record<string, Tensor> = {};
  for (const n of session.inputNames) if (feeds[n]) picked[n] = feeds[n];
  try {
    return (await session.run(picked)) as Record<string, Tensor>;
  } catch (cause) {
    throw new RuntimeError(
      'RUNTIME_ERROR',
      `${what} failed: ${((cause as Error).message ?? String(cause)).split('\n')[0]}`,
      {
        cause,
      },
    );
  }
}

/** The first `n` positions of every `[1, H, P, D]` cache tensor. */
function sliceCache(ort: Ort, past: Record<string, Tensor>, n: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(past)) {
    const [b, h, p, d] = t.dims;
    const src = t.data as Float32Array;
    const dst = new Float32Array(b * h * n * d);
    for (let i = 0; i < b * h; i++) dst.set(src.subarray(i * p * d, i * p * d + n * d), i * n * d);
    out[name] = new ort.Tensor('float32', dst, [b, h, n, d]);
  }
  return out;
}
