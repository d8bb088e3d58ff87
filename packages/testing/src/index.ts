export { type Dim, type DType, GraphBuilder } from './onnx';
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
