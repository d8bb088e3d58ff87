export { type ChatMessage, ChatTemplate, type ContentPart } from './chat';
export { RuntimeError, type RuntimeErrorCode } from './errors';
export { type ModelFiles, type OnnxFile, type UrlFilesOptions, urlFiles } from './files';
export {
  CLIP_MEAN,
  CLIP_STD,
  checkImage,
  type ImageProcessorConfig,
  imageProcessorConfig,
  type ProcessedImage,
  processImage,
  QWEN2_VL_IMAGE,
  QWEN3_VL_IMAGE,
  type RgbImage,
  resizeBicubic,
  roundHalfEven,
  smartResize,
} from './image';
export { DTYPE_SUFFIX, type LoadOptions, type ModelConfig, QwenVlModel, type SessionName } from './model';
export { type RopeIndex, type RopeIndexOptions, ropeIndex } from './rope';
export { argmax, Sampler, type SamplingOptions } from './sampling';
export {
  type SamTokResult,
  SEGMENTER_PRESETS,
  Segmenter,
  type SegmenterOptions,
  type SegmenterPreset,
  type SimpleSegResult,
} from './segmenter';
export { ServedModel, type ServedModelOptions } from './served';
export { Detokenizer, TextTokenizer } from './tokenizer';
export type {
  FinishReason,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  TextGenerator,
  TokenEvent,
} from './types';
