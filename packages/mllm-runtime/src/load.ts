import type { MaskWordOptions } from '@seglang/rq-tokenizer';
import type { Ort } from '@seglang/sam-encoder';
import type { InferenceSession } from 'onnxruntime-common';
import { ChatTemplate } from './chat';
import { RuntimeError } from './errors';
import type { ModelFiles } from './files';
import { type ImageProcessorConfig, imageProcessorConfig, QWEN2_VL_IMAGE, QWEN3_VL_IMAGE } from './image';
import type { SessionName } from './sessions';
import { TextTokenizer } from './tokenizer';

/**
 * Loading a model folder's text files: `config.json` and `generation_config.json` (the sizes
 * generation needs, checked before anything is built from them), the tokenizer, the chat template
 * and the image processor's `preprocessor_config.json`. The ONNX sessions are `sessions.ts`.
 */

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

type Json = Record<string, unknown>;

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

/** What a model folder's text files say, read and checked. */
export interface ModelText {
  config: ModelConfig;
  tokenizer: TextTokenizer;
  chatTemplate: ChatTemplate | undefined;
}

/** A JSON object from `name`, or `INVALID_CONFIG` naming the file. */
function parseJson(files: ModelFiles, name: string, text: string): Json {
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
}

async function required(files: ModelFiles, name: string): Promise<string> {
  const t = await files.text(name);
  if (t === undefined)
    throw new RuntimeError('MODEL_NOT_FOUND', `the model folder ${files.location} is missing ${name}`);
  return t;
}

/**
 * The config, tokenizer (with SAMTok's mask words when `maskWords` or `config.json`'s `samtok` asks)
 * and chat template (`chat_template.jinja`, `chat_template.json`, or `tokenizer_config.json`).
 */
export async function loadModelText(files: ModelFiles, maskWords?: MaskWordOptions): Promise<ModelText> {
  const configJson = parseJson(files, 'config.json', await required(files, 'config.json'));
  const genText = await files.text('generation_config.json');
  const config = readConfig(configJson, genText ? parseJson(files, 'generation_config.json', genText) : {});
  const tokJson = parseJson(files, 'tokenizer.json', await required(files, 'tokenizer.json'));
  const tokCfgText = await files.text('tokenizer_config.json');
  const tokCfg = tokCfgText ? parseJson(files, 'tokenizer_config.json', tokCfgText) : {};
  const samtok = configJson.samtok as MaskWordOptions | undefined;
  const tokenizer = new TextTokenizer(tokJson, tokCfg, maskWords ?? samtok);
  const eosName = typeof tokCfg.eos_token === 'string' ? tokCfg.eos_token : undefined;
  const eosId = eosName ? tokenizer.id(eosName) : undefined;
  if (eosId !== undefined && !config.eosTokenIds.includes(eosId)) config.eosTokenIds.push(eosId);

  let template = await files.text('chat_template.jinja');
  if (template === undefined) {
    const j = await files.text('chat_template.json');
    if (j !== undefined)
      template = parseJson(files, 'chat_template.json', j).chat_template as string | undefined;
  }
  if (template === undefined && typeof tokCfg.chat_template === 'string') template = tokCfg.chat_template;
  const special = Object.fromEntries(
    ['bos_token', 'eos_token', 'pad_token', 'unk_token'].map((k) => [
      k,
      typeof tokCfg[k] === 'string' ? tokCfg[k] : undefined,
    ]),
  ) as Record<string, string | undefined>;
  const chatTemplate = template !== undefined ? new ChatTemplate(template, special) : undefined;
  return { config, tokenizer, chatTemplate };
}

/** The image processor of a model with a vision encoder: `preprocessor_config.json` over the family's defaults. */
export async function loadImageConfig(files: ModelFiles, config: ModelConfig): Promise<ImageProcessorConfig> {
  const pre = await files.text('preprocessor_config.json');
  if (pre === undefined)
    throw new RuntimeError(
      'MODEL_NOT_FOUND',
      `the model folder ${files.location} is missing preprocessor_config.json`,
    );
  const base = config.modelType.startsWith('qwen3') ? QWEN3_VL_IMAGE : QWEN2_VL_IMAGE;
  return imageProcessorConfig(parseJson(files, 'preprocessor_config.json', pre), base);
}
