import { GraphBuilder } from './onnx';
import { rng } from './random';

/**
 * The tiny Qwen2-VL-layout model: the exact input and output names, dtypes and ranks of the
 * onnx-community / transformers.js exports, with small random weights.
 *
 * - `vision_encoder.onnx`: `pixel_values` [patches, 1176] + `grid_thw` (Qwen2-VL) or `image_grid_thw`
 *   (2.5 / 3) → `image_features` [patches / 4, hidden]: each 2×2 merge group's four rows, concatenated,
 *   times a weight matrix, plus `0.001 · Σ grid` (so the grid input is used).
 * - `embed_tokens.onnx`: `input_ids` → `inputs_embeds` (a table lookup).
 * - `decoder_model_merged.onnx`: `inputs_embeds`, `attention_mask`, `position_ids` [3, B, S],
 *   `past_key_values.{i}.key/value` (+ `num_logits_to_keep`) → `logits`, `present.{i}.key/value`.
 *   Each layer is causal multi-head attention over the cache and the new tokens with padding masked,
 *   a tanh projection and a residual; the three M-RoPE position rows enter through `sin(pos · W)`.
 *   So every logit depends on the whole context: a broken KV cache, a wrong position id or a
 *   misplaced image feature changes the output.
 */
export const QWEN_FIXTURE = {
  vocabSize: 151669,
  hiddenSize: 16,
  numAttentionHeads: 2,
  numKeyValueHeads: 2,
  headDim: 8,
  numHiddenLayers: 2,
  imageTokenId: 151655,
  videoTokenId: 151656,
  visionStartTokenId: 151652,
  visionEndTokenId: 151653,
  eosTokenIds: [151645, 151643],
  seed: 20260,
} as const;

const F = QWEN_FIXTURE;

function uniform(n: number, scale: number, next: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}

export interface QwenVisionOptions {
  /** `grid_thw` (Qwen2-VL exports) or `image_grid_thw` (Qwen2.5-VL / Qwen3-VL). Default `grid_thw`. */
  gridName?: 'grid_thw' | 'image_grid_thw';
  /** Values per patch row: 1176 for patch 14 (default), 1536 for patch 16. */
  rowLength?: number;
}

export function qwenVisionEncoder(opts: QwenVisionOptions = {}): Uint8Array {
  const row = opts.rowLength ?? 1176;
  const next = rng(F.seed + 1);
  const g = new GraphBuilder('vision_encoder');
  const pv = g.input('pixel_values', 'float32', ['num_patches', row]);
  const grid = g.input(opts.gridName ?? 'grid_thw', 'int64', ['num_images', 3]);
  const merged = g.op('Reshape', [pv, g.ints([-1, 4 * row])]);
  const w = g.constant(uniform(4 * row * F.hiddenSize, 3 / Math.sqrt(4 * row), next), [
    4 * row,
    F.hiddenSize,
  ]);
  const feats = g.op('MatMul', [merged, w]);
  const gsum = g.op('Cast', [g.op('ReduceSum', [grid], { keepdims: 0 })], { to: 1 });
  const out = g.op('Add', [feats, g.op('Mul', [gsum, g.scalar(0.001)])]);
  g.output('image_features', out, 'float32', ['num_image_tokens', F.hiddenSize]);
  return g.build();
}

export function qwenEmbedTokens(): Uint8Array {
  const next = rng(F.seed + 2);
  const g = new GraphBuilder('embed_tokens');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const table = g.constant(uniform(F.vocabSize * F.hiddenSize, 1, next), [F.vocabSize, F.hiddenSize]);
  g.output('inputs_embeds', g.op('Gather', [table, ids], { axis: 0 }), 'float32', [
    'batch_size',
    'sequence_length',
    F.hiddenSize,
  ]);
  return g.build();
}

export interface QwenDecoderOptions {
  /** Declare `num_logits_to_keep` (int64 scalar; 0 keeps all). Default true. */
  numLogitsToKeep?: boolean;
}

export function qwenDecoder(opts: QwenDecoderOptions = {}): Uint8Array {
  const next = rng(F.seed + 3);
  const D = F.hiddenSize;
  const H = F.numAttentionHeads;
  const hd = F.headDim;
  const g = new GraphBuilder('decoder_model_merged');
  const embeds = g.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', D]);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const pos = g.input('position_ids', 'int64', [3, 'batch_size', 'sequence_length']);
  const past: [string, string][] = [];
  for (let l = 0; l < F.numHiddenLayers; l++)
    past.push([
      g.input(`past_key_values.${l}.key`, 'float32', ['batch_size', H, 'past_sequence_length', hd]),
      g.input(`past_key_values.${l}.value`, 'float32', ['batch_size', H, 'past_sequence_length', hd]),
    ]);
  const keep = opts.numLogitsToKeep === false ? null : g.input('num_logits_to_keep', 'int64', []);

  // Positions: sin([t, h, w] · Wp), added to the embeddings.
  const posF = g.op('Transpose', [g.op('Cast', [pos], { to: 1 })], { perm: [1, 2, 0] });
  const wp = g.constant(
    Array.from({ length: 3 * D }, () => 0.05 + 0.45 * next()),
    [3, D],
  );
  let x = g.op('Add', [embeds, g.op('Sin', [g.op('MatMul', [posF, wp])])]);

  // Additive mask [B, 1, S, T]: padding and causality (query i sits at T − S + i).
  const i64 = (v: number) => g.constant([v], [], 'int64');
  const S = g.op('Gather', [g.op('Shape', [embeds]), i64(1)], { axis: 0 });
  const T = g.op('Gather', [g.op('Shape', [mask]), i64(1)], { axis: 0 });
  const qi = g.op('Add', [g.op('Range', [i64(0), S, i64(1)]), g.op('Sub', [T, S])]);
  const kj = g.op('Range', [i64(0), T, i64(1)]);
  const allowed = g.op('LessOrEqual', [
    g.op('Unsqueeze', [kj, g.ints([0])]),
    g.op('Unsqueeze', [qi, g.ints([1])]),
  ]);
  const causal = g.op('Where', [allowed, g.scalar(0), g.scalar(-1e4)]);
  const pad = g.op('Unsqueeze', [
    g.op('Mul', [g.op('Sub', [g.scalar(1), g.op('Cast', [mask], { to: 1 })]), g.scalar(-1e4)]),
    g.ints([1, 2]),
  ]);
  const additive = g.op('Add', [pad, causal]);

  const heads = (v: string) =>
    g.op('Transpose', [g.op('Reshape', [v, g.ints([0, 0, H, hd])])], { perm: [0, 2, 1, 3] });
  const dense = (v: string, scale: number) =>
    g.op('MatMul', [v, g.constant(uniform(D * D, scale, next), [D, D])]);
  for (let l = 0; l < F.numHiddenLayers; l++) {
    const q = heads(dense(x, 1));
    const k = heads(dense(x, 1));
    const v = heads(dense(x, 1));
    const K = g.op('Concat', [past[l][0], k], { axis: 2 });
    const V = g.op('Concat', [past[l][1], v], { axis: 2 });
    g.output(`present.${l}.key`, K, 'float32', ['batch_size', H, 'total_sequence_length', hd]);
    g.output(`present.${l}.value`, V, 'float32', ['batch_size', H, 'total_sequence_length', hd]);
    const scores = g.op('Mul', [
      g.op('MatMul', [q, g.op('Transpose', [K], { perm: [0, 1, 3, 2] })]),
      g.scalar(1 / Math.sqrt(hd)),
    ]);
    const probs = g.op('Softmax', [g.op('Add', [scores, additive])], { axis: -1 });
    const ctx = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, V])], { perm: [0, 2, 1, 3] }),
      g.ints([0, 0, D]),
    ]);
    x = g.op('Add', [x, g.op('Tanh', [dense(ctx, 1)])]);
  }
  if (keep) {
    const start = g.op('Unsqueeze', [g.op('Neg', [keep]), g.ints([0])]);
    x = g.op('Slice', [x, start, g.ints([2 ** 53 - 1]), g.ints([1])]);
  }
  const lm = g.constant(uniform(D * F.vocabSize, 1, next), [D, F.vocabSize]);
  g.output('logits', g.op('MatMul', [x, lm]), 'float32', ['batch_size', 'logits_length', F.vocabSize]);
  return g.build();
}

/** The Qwen2-VL chat template (as shipped in Qwen2-VL / Qwen2.5-VL `chat_template.json`). */
export const QWEN2_VL_CHAT_TEMPLATE = `{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system
You are a helpful assistant.<|im_end|>
{% endif %}<|im_start|>{{ message['role'] }}
{% if message['content'] is string %}{{ message['content'] }}<|im_end|>
{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>
{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
{% endif %}`;
