export { type Constraint, type ConstraintOptions, createConstraint } from './constraint';
export {
  answerMask,
  answerRuns,
  DECODE_MODES,
  type DecodedAnswer,
  type DecodedPart,
  type DecodeFailure,
  type DecodeMode,
  type DecodeOptions,
  decodeAnswer,
} from './decode';
export { GrammarError, type GrammarErrorCode } from './errors';
export {
  type FormatOptions,
  formatBox,
  formatLocation,
  formatNumber,
  formatPoint,
  formatPolygon,
  formatPolygons,
  pythonFloatRepr,
} from './format';
export { type Box, LOCATION_KINDS, type Location, type LocationKind, type Point } from './location';
export {
  type ExtractedLocation,
  extractLocations,
  type ParseOptions,
  parseLocation,
  parseLocationWithRepairs,
  type Repair,
} from './parse';
export {
  type BuildQueriesOptions,
  buildQueries,
  DEFAULT_QUESTIONS,
  QUERY_TASKS,
  type Query,
  type QueryTarget,
  type QueryTask,
  SIMPLESEG_ANSWERS,
  SIMPLESEG_QUESTIONS,
  seededRandom,
  TASK_INPUTS,
  weakLabels,
} from './queries';
export { type ReferenceMatch, referenceMatches } from './reference';
export {
  exampleSeed,
  type PythonJsonOptions,
  pythonJson,
  RL_ENGINES,
  type RlEngine,
  type RlExample,
  rlRecord,
  SFT_DEFAULT_CONTAINER,
  SFT_FORMATS,
  type SftContainer,
  type SftExample,
  type SftFormat,
  sftFile,
  sftFraming,
  sftRecord,
  sftText,
} from './sft';
export { createStreamParser, type StreamParser, type StreamPointEvent } from './stream';
export { type BudgetOptions, countTokens, epsilonForBudget, type TokenCounter } from './tokens';
