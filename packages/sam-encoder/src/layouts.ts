import type { IoSpec } from './ort';

/** Which export's input and output names a SAM2 pair of graphs uses. */
export type SamLayout = 'samexporter' | 'transformers-js';

const FEATURES = {
  high_res_feats_0: [1, 32, 256, 256],
  high_res_feats_1: [1, 64, 128, 128],
  image_embed: [1, 256, 64, 64],
};

/** The samexporter SAM2 export (image encoder + mask decoder). */
export const SAMEXPORTER: { encoder: IoSpec; decoder: IoSpec } = {
  encoder: { inputs: { image: [1, 3, 1024, 1024] }, outputs: FEATURES },
  decoder: {
    inputs: {
      ...FEATURES,
      point_coords: ['L', 'N', 2],
      point_labels: ['L', 'N'],
      mask_input: ['L', 1, 256, 256],
      has_mask_input: ['L'],
    },
    outputs: { masks: ['L', 3, 256, 256], iou_predictions: ['L', 3] },
  },
};

const EMBEDDINGS = {
  'image_embeddings.0': ['B', 32, 256, 256],
  'image_embeddings.1': ['B', 64, 128, 128],
  'image_embeddings.2': ['B', 256, 64, 64],
};

/** The transformers.js / onnx-community SAM2 export (`onnx/vision_encoder.onnx` + `onnx/prompt_encoder_mask_decoder.onnx`). */
export const TRANSFORMERS_JS: { encoder: IoSpec; decoder: IoSpec } = {
  encoder: { inputs: { pixel_values: ['B', 3, 1024, 1024] }, outputs: EMBEDDINGS },
  decoder: {
    inputs: {
      input_points: ['B', 'P', 'N', 2],
      input_labels: ['B', 'P', 'N'],
      input_boxes: ['B', 'nb', 4],
      ...EMBEDDINGS,
    },
    outputs: {
      iou_scores: ['B', 'P', 3],
      pred_masks: ['B', 'P', 3, 256, 256],
      object_score_logits: ['B', 'P', 1],
    },
  },
};

/** seglang's SAMTok ONNX contract (see the package README). */
export const SAMTOK: { encoder: IoSpec; decoder: IoSpec } = {
  encoder: {
    inputs: {
      high_res_feats_0: ['B', 32, 256, 256],
      high_res_feats_1: ['B', 64, 128, 128],
      image_embed: ['B', 256, 64, 64],
      mask_input: ['B', 1, 256, 256],
      boxes: ['B', 4],
    },
    outputs: { mask_embedding: ['B', 256] },
  },
  decoder: {
    inputs: {
      high_res_feats_0: ['B', 32, 256, 256],
      high_res_feats_1: ['B', 64, 128, 128],
      image_embed: ['B', 256, 64, 64],
      mask_embedding: ['B', 256],
    },
    outputs: { masks: ['B', 3, 256, 256], iou_predictions: ['B', 3] },
  },
};

export const LAYOUTS: Record<SamLayout, { encoder: IoSpec; decoder: IoSpec }> = {
  samexporter: SAMEXPORTER,
  'transformers-js': TRANSFORMERS_JS,
};
