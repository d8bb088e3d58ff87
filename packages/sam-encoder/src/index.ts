export { boxesToPolygons } from './boxes';
export { detectLayout, ImageEncoder, type ImageFeatures } from './encoder';
export { SamError, type SamErrorCode } from './errors';
export {
  checkImage,
  IMAGENET_MEAN,
  IMAGENET_STD,
  logitsToMask,
  maskToPrompt,
  preprocessImage,
  type RgbImage,
  resizePlane,
  SAM_IMAGE_SIZE,
  SAM_MASK_SIZE,
} from './image';
export { LAYOUTS, SAMEXPORTER, SAMTOK, type SamLayout, TRANSFORMERS_JS } from './layouts';
export { checkLayout, type Dim, type IoSpec, type ModelSource, type Ort, openSession } from './ort';
export {
  type SamPrediction,
  SamPredictor,
  type SamPredictorOptions,
  type SamPrompt,
} from './predictor';
export { type Box, type ScaledPrompt, scalePrompt } from './prompts';
export { SAMTOK_MASK_THRESHOLD, SamTok, type SamTokOptions } from './samtok';
