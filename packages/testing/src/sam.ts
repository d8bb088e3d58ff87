import { GraphBuilder } from './onnx';

/**
 * What the SAM fixtures compute, so tests can derive expected outputs by hand.
 *
 * Encoders: each feature map is the input image average-pooled to the map's resolution
 * (16×16 blocks for `image_embed`, 4×4 for `high_res_feats_0`, 8×8 for `high_res_feats_1`) and
 * channel `c` copies image channel `c % 3` (a 1×1 convolution with one-hot weights).
 *
 * SAM2 decoders: the prompt centre is the mean of all non-padding points (label ≥ 0, box corners
 * included) and of the box centres; mask `k` holds the logits `1 − d² / radii[k]²`, `d` the
 * distance in the 1024 frame from the centre of each low-res cell (`(i + 0.5) · 4`), so `> 0` is a
 * disc. `mask_input` is added when `has_mask_input` is 1. The scores are
 * `iouBase[k] + iouImageWeight · mean(image_embed)`.
 *
 * SAMTok encoder: `mask_input` average-pooled to a 16×16 grid (row-major → 256 values), zeroed in
 * the cells whose centres (`(j + 0.5) · 64` in the 1024 frame) lie outside `boxes`, plus
 * `embedImageWeight · mean(image_embed)`. SAMTok decoder: the embedding reshaped to 16×16,
 * upsampled (nearest) to 256×256, mask `k` = `2·g − 1 + samtokOffsets[k]`; scores
 * `samtokIouBase[k] + iouImageWeight · mean(image_embed)`.
 */
export const SAM_FIXTURE = {
  radii: [64, 128, 256] as const,
  iouBase: [0.5, 0.9, 0.7] as const,
  iouImageWeight: 0.01,
  embedImageWeight: 0.001,
  samtokOffsets: [-0.3, 0, 0.3] as const,
  samtokIouBase: [0.6, 0.95, 0.8] as const,
  objectScore: 'max logit over the three masks',
};

/** Channels of `[high_res_feats_0, high_res_feats_1, image_embed]` and their pooling factors. */
const FEATURES = [
  { channels: 32, pool: 4 },
  { channels: 64, pool: 8 },
  { channels: 256, pool: 16 },
] as const;

function oneHotConv(g: GraphBuilder, x: string, channels: number): string {
  const w = new Float32Array(channels * 3);
  for (let c = 0; c < channels; c++) w[c * 3 + (c % 3)] = 1;
  return g.op('Conv', [x, g.constant(w, [channels, 3, 1, 1])]);
}

function imageFeatures(g: GraphBuilder, image: string): [string, string, string] {
  const out = FEATURES.map(({ channels, pool }) => {
    const p = g.op('AveragePool', [image], { kernel_shape: [pool, pool], strides: [pool, pool] });
    return oneHotConv(g, p, channels);
  });
  return [out[0], out[1], out[2]];
}

function featureDims(batch: string | number): [number | string, number, number, number][] {
  return FEATURES.map(({ channels, pool }) => [batch, channels, 1024 / pool, 1024 / pool]);
}

/** `mean(x)` over every element, as a scalar. */
function mean(g: GraphBuilder, x: string): string {
  return g.op('ReduceMean', [x], { keepdims: 0 });
}

/** SAM2 image encoder, samexporter layout: `image` → `high_res_feats_0`, `high_res_feats_1`, `image_embed`. */
export function sam2EncoderSamexporter(): Uint8Array {
  const g = new GraphBuilder('sam2_encoder');
  const image = g.input('image', 'float32', [1, 3, 1024, 1024]);
  const [f0, f1, f2] = imageFeatures(g, image);
  const dims = featureDims(1);
  g.output('high_res_feats_0', f0, 'float32', dims[0]);
  g.output('high_res_feats_1', f1, 'float32', dims[1]);
  g.output('image_embed', f2, 'float32', dims[2]);
  return g.build();
}

/** SAM2 vision encoder, transformers.js layout: `pixel_values` → `image_embeddings.0/.1/.2`. */
export function sam2EncoderTransformersJs(): Uint8Array {
  const g = new GraphBuilder('vision_encoder');
  const image = g.input('pixel_values', 'float32', ['batch_size', 3, 1024, 1024]);
  const feats = imageFeatures(g, image);
  const dims = featureDims('batch_size');
  feats.forEach((f, i) => {
    g.output(`image_embeddings.${i}`, f, 'float32', dims[i]);
  });
  return g.build();
}

/**
 * Disc logits `[..., 3, 256, 256]` around centres `cx`, `cy` (each shaped `[..., 1, 1, 1]` with
 * `rank` dims in all) in the 1024 frame.
 */
function discLogits(g: GraphBuilder, cx: string, cy: string, rank: number): string {
  const lead = Array<number>(rank - 2).fill(1);
  const grid = Float32Array.from({ length: 256 }, (_, i) => (i + 0.5) * 4);
  const gx = g.constant(grid, [...lead, 1, 256]);
  const gy = g.constant(grid, [...lead, 256, 1]);
  const dx = g.op('Sub', [gx, cx]);
  const dy = g.op('Sub', [gy, cy]);
  const d2 = g.op('Add', [g.op('Mul', [dx, dx]), g.op('Mul', [dy, dy])]);
  const inv = Float32Array.from(SAM_FIXTURE.radii, (r) => 1 / (r * r));
  const invR2 = g.constant(inv, [...lead.slice(1), 3, 1, 1]);
  return g.op('Sub', [g.scalar(1), g.op('Mul', [d2, invR2])]);
}

function slice(g: GraphBuilder, x: string, axis: number, start: number, end: number): string {
  return g.op('Slice', [x, g.ints([start]), g.ints([end]), g.ints([axis])]);
}

/** `base + iouImageWeight · mean(image_embed)`, broadcast to `shape` (an int64 shape tensor). */
function scores(g: GraphBuilder, base: readonly number[], embed: string, shape: string): string {
  const m = g.op('Mul', [mean(g, embed), g.scalar(SAM_FIXTURE.iouImageWeight)]);
  const s = g.op('Add', [g.constant(Float32Array.from(base), [3]), m]);
  return g.op('Expand', [s, shape]);
}

/** SAM2 mask decoder, samexporter layout (see {@link SAM_FIXTURE} for what it computes). */
export function sam2DecoderSamexporter(): Uint8Array {
  const g = new GraphBuilder('sam2_decoder');
  const embed = g.input('image_embed', 'float32', [1, 256, 64, 64]);
  g.input('high_res_feats_0', 'float32', [1, 32, 256, 256]);
  g.input('high_res_feats_1', 'float32', [1, 64, 128, 128]);
  const coords = g.input('point_coords', 'float32', ['num_labels', 'num_points', 2]);
  const labels = g.input('point_labels', 'float32', ['num_labels', 'num_points']);
  const maskInput = g.input('mask_input', 'float32', ['num_labels', 1, 256, 256]);
  const hasMask = g.input('has_mask_input', 'float32', ['num_labels']);

  const w = g.op('Cast', [g.op('Greater', [labels, g.scalar(-0.5)])], { to: 1 });
  const sum = g.op('ReduceSum', [g.op('Mul', [coords, g.op('Unsqueeze', [w, g.ints([2])])]), g.ints([1])], {
    keepdims: 0,
  });
  const count = g.op('Max', [g.op('ReduceSum', [w, g.ints([1])], { keepdims: 1 }), g.scalar(1)]);
  const centre = g.op('Div', [sum, count]); // [L, 2]
  const to4 = g.ints([-1, 1, 1, 1]);
  const cx = g.op('Reshape', [slice(g, centre, 1, 0, 1), to4]);
  const cy = g.op('Reshape', [slice(g, centre, 1, 1, 2), to4]);
  let logits = discLogits(g, cx, cy, 4);
  const hm = g.op('Reshape', [hasMask, to4]);
  logits = g.op('Add', [logits, g.op('Mul', [hm, maskInput])]);
  const shape = slice(g, g.op('Shape', [logits]), 0, 0, 2);
  g.output('masks', logits, 'float32', ['num_labels', 3, 256, 256]);
  g.output('iou_predictions', scores(g, SAM_FIXTURE.iouBase, embed, shape), 'float32', ['num_labels', 3]);
  return g.build();
}

/** SAM2 prompt encoder + mask decoder, transformers.js layout (see {@link SAM_FIXTURE}). */
export function sam2DecoderTransformersJs(): Uint8Array {
  const g = new GraphBuilder('prompt_encoder_mask_decoder');
  const points = g.input('input_points', 'float32', ['batch_size', 'point_batch_size', 'num_points', 2]);
  const labels = g.input('input_labels', 'int64', ['batch_size', 'point_batch_size', 'num_points']);
  const boxes = g.input('input_boxes', 'float32', ['batch_size', 'num_boxes', 4]);
  g.input('image_embeddings.0', 'float32', ['batch_size', 32, 256, 256]);
  g.input('image_embeddings.1', 'float32', ['batch_size', 64, 128, 128]);
  const embed = g.input('image_embeddings.2', 'float32', ['batch_size', 256, 64, 64]);

  const labelsF = g.op('Cast', [labels], { to: 1 });
  const w = g.op('Cast', [g.op('Greater', [labelsF, g.scalar(-0.5)])], { to: 1 }); // [B, P, N]
  const pointSum = g.op(
    'ReduceSum',
    [g.op('Mul', [points, g.op('Unsqueeze', [w, g.ints([3])])]), g.ints([2])],
    { keepdims: 0 },
  ); // [B, P, 2]
  const pointCount = g.op('ReduceSum', [w, g.ints([2])], { keepdims: 1 }); // [B, P, 1]
  const boxCentres = g.op('Mul', [
    g.op('Add', [slice(g, boxes, 2, 0, 2), slice(g, boxes, 2, 2, 4)]),
    g.scalar(0.5),
  ]); // [B, nb, 2]
  const boxSum = g.op('ReduceSum', [boxCentres, g.ints([1])], { keepdims: 1 }); // [B, 1, 2]
  const nb = g.op('Cast', [slice(g, g.op('Shape', [boxes]), 0, 1, 2)], { to: 1 }); // [1]
  const count = g.op('Max', [g.op('Add', [pointCount, nb]), g.scalar(1)]);
  const centre = g.op('Div', [g.op('Add', [pointSum, boxSum]), count]); // [B, P, 2]
  const to5 = g.ints([3, 4]);
  const cx = g.op('Unsqueeze', [slice(g, centre, 2, 0, 1), to5]);
  const cy = g.op('Unsqueeze', [slice(g, centre, 2, 1, 2), to5]);
  const logits = discLogits(g, cx, cy, 5); // [B, P, 3, 256, 256]
  const shape = slice(g, g.op('Shape', [logits]), 0, 0, 3);
  g.output('iou_scores', scores(g, SAM_FIXTURE.iouBase, embed, shape), 'float32', [
    'batch_size',
    'point_batch_size',
    3,
  ]);
  g.output('pred_masks', logits, 'float32', ['batch_size', 'point_batch_size', 3, 256, 256]);
  const objectScore = g.op('ReduceMax', [logits], { axes: [2, 3, 4], keepdims: 0 });
  g.output('object_score_logits', g.op('Unsqueeze', [objectScore, g.ints([2])]), 'float32', [
    'batch_size',
    'point_batch_size',
    1,
  ]);
  return g.build();
}

const samtokFeatureInputs = (g: GraphBuilder): string => {
  g.input('high_res_feats_0', 'float32', ['batch', 32, 256, 256]);
  g.input('high_res_feats_1', 'float32', ['batch', 64, 128, 128]);
  return g.input('image_embed', 'float32', ['batch', 256, 64, 64]);
};

/** SAMTok mask encoder, seglang's ONNX contract (see {@link SAM_FIXTURE}). */
export function samtokEncoder(): Uint8Array {
  const g = new GraphBuilder('samtok_encoder');
  const embed = samtokFeatureInputs(g);
  const mask = g.input('mask_input', 'float32', ['batch', 1, 256, 256]);
  const boxes = g.input('boxes', 'float32', ['batch', 4]);
  const pooled = g.op('AveragePool', [mask], { kernel_shape: [16, 16], strides: [16, 16] });
  const centres = Float32Array.from({ length: 16 }, (_, j) => (j + 0.5) * 64);
  const gx = g.constant(centres, [1, 1, 1, 16]);
  const gy = g.constant(centres, [1, 1, 16, 1]);
  const to4 = g.ints([-1, 1, 1, 1]);
  const coord = (i: number) => g.op('Reshape', [slice(g, boxes, 1, i, i + 1), to4]);
  const within = (grid: string, lo: string, hi: string) =>
    g.op('Mul', [
      g.op('Cast', [g.op('GreaterOrEqual', [grid, lo])], { to: 1 }),
      g.op('Cast', [g.op('LessOrEqual', [grid, hi])], { to: 1 }),
    ]);
  const inside = g.op('Mul', [within(gx, coord(0), coord(2)), within(gy, coord(1), coord(3))]);
  const cells = g.op('Reshape', [g.op('Mul', [pooled, inside]), g.ints([-1, 256])]);
  const shift = g.op('Mul', [mean(g, embed), g.scalar(SAM_FIXTURE.embedImageWeight)]);
  g.output('mask_embedding', g.op('Add', [cells, shift]), 'float32', ['batch', 256]);
  return g.build();
}

/** SAMTok mask decoder, seglang's ONNX contract (see {@link SAM_FIXTURE}). */
export function samtokDecoder(): Uint8Array {
  const g = new GraphBuilder('samtok_decoder');
  const embed = samtokFeatureInputs(g);
  const emb = g.input('mask_embedding', 'float32', ['batch', 256]);
  const grid = g.op('Reshape', [emb, g.ints([-1, 1, 16, 16])]);
  const up = g.op('Resize', [grid, '', g.constant([1, 1, 16, 16], [4])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  const base = g.op('Sub', [g.op('Mul', [up, g.scalar(2)]), g.scalar(1)]);
  const logits = g.op('Add', [base, g.constant(Float32Array.from(SAM_FIXTURE.samtokOffsets), [1, 3, 1, 1])]);
  const shape = slice(g, g.op('Shape', [logits]), 0, 0, 2);
  g.output('masks', logits, 'float32', ['batch', 3, 256, 256]);
  g.output('iou_predictions', scores(g, SAM_FIXTURE.samtokIouBase, embed, shape), 'float32', ['batch', 3]);
  return g.build();
}

/** The level-1 shapes of the SAMTok fixture codebook: rectangles of cells on the 16×16 grid, `[x0, y0, x1, y1)`. */
export const SAMTOK_SHAPES: readonly (readonly [number, number, number, number])[] = Array.from(
  { length: 16 },
  (_, i) => {
    const x0 = i % 4;
    const y0 = Math.floor(i / 4);
    return [x0 * 2, y0 * 3, x0 * 2 + 4 + (i % 3) * 2, y0 * 3 + 3 + (i % 5)] as const;
  },
);

/**
 * A 2-level × 16-code × 256-d codebook for the SAMTok fixture: level 1 code `i` is the indicator of
 * {@link SAMTOK_SHAPES}`[i]` on the 16×16 grid; level 2 code 0 is zero and codes 1–15 are small
 * (±0.05) corrections, so a decoded mask is the level-1 shape.
 */
export function samtokCodebooks(): Float32Array[] {
  const level1 = new Float32Array(16 * 256);
  SAMTOK_SHAPES.forEach(([x0, y0, x1, y1], i) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) level1[i * 256 + y * 16 + x] = 1;
  });
  const level2 = new Float32Array(16 * 256);
  for (let i = 1; i < 16; i++)
    for (let j = 0; j < 256; j++) level2[i * 256 + j] = ((i * 7 + j * 13) % 11) / 100 - 0.05;
  return [level1, level2];
}
