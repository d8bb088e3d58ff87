export { RqError, type RqErrorCode } from './errors';
export {
  formatMaskAnswer,
  formatMaskWords,
  MASK_END,
  MASK_START,
  type MaskAnswerEntry,
  type MaskWordOptions,
  maskWordTokens,
  type ParsedMaskWords,
  type ParseMaskWordsOptions,
  parseMaskAnswer,
  parseMaskWords,
} from './mask-words';
export { MISSING_CODE, type QuantizerShape, ResidualQuantizer } from './quantizer';
export { readNpy, readSafetensors, type Tensor, writeSafetensors } from './safetensors';
export { type AddedToken, extendTokenizer } from './tokenizer';
export {
  type LevelReport,
  MAX_LEVELS,
  type TrainOptions,
  type TrainReport,
  trainResidualQuantizer,
} from './train';
