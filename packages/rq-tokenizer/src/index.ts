export { RqError, type RqErrorCode } from './errors';
export {
  MASK_END,
  MASK_START,
  formatMaskAnswer,
  formatMaskWords,
  maskWordTokens,
  parseMaskAnswer,
  parseMaskWords,
  type MaskAnswerEntry,
  type MaskWordOptions,
  type ParsedMaskWords,
  type ParseMaskWordsOptions,
} from './mask-words';
export { MISSING_CODE, ResidualQuantizer, type QuantizerShape } from './quantizer';
export { readNpy, readSafetensors, writeSafetensors, type Tensor } from './safetensors';
export { extendTokenizer, type AddedToken } from './tokenizer';
export { trainResidualQuantizer, type LevelReport, type TrainOptions, type TrainReport } from './train';
