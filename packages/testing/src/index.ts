export { type Harness, runInChromium, serveHarness } from './browser';
export { BAD_ARGUMENTS, wrongArgumentFailures } from './contract';
export { type Dim, type DType, type ExternalDataModel, externalizeWeights, GraphBuilder } from './onnx';
export { type ProcessResult, runProcess } from './process';
export {
  QWEN_FIXTURE,
  QWEN2_VL_CHAT_TEMPLATE,
  type QwenDecoderOptions,
  type QwenVisionOptions,
  qwenDecoder,
  qwenEmbedTokens,
  qwenVisionEncoder,
} from './qwen';
export { rng } from './random';
export {
  SAM_FIXTURE,
  SAMTOK_SHAPES,
  sam2DecoderSamexporter,
  sam2DecoderTransformersJs,
  sam2EncoderSamexporter,
  sam2EncoderTransformersJs,
  samtokCodebooks,
  samtokDecoder,
  samtokEncoder,
} from './sam';
export { type SamFixturePaths, writeSamFixtures } from './write';
export { type QwenFixtureOptions, qwen3TokenizerDir, writeQwenVlFixture } from './write-qwen';
