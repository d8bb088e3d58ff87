export { GrammarError, type GrammarErrorCode } from './errors';
export type { Box, Location, LocationKind, Point } from './location';
export {
  formatBox,
  formatLocation,
  formatNumber,
  formatPoint,
  formatPolygon,
  formatPolygons,
  pythonFloatRepr,
  type FormatOptions,
} from './format';
export {
  extractLocations,
  parseLocation,
  parseLocationWithRepairs,
  type ExtractedLocation,
  type ParseOptions,
  type Repair,
} from './parse';
export { createStreamParser, type StreamParser, type StreamPointEvent } from './stream';
export {
  buildQueries,
  DEFAULT_QUESTIONS,
  QUERY_TASKS,
  SIMPLESEG_ANSWERS,
  SIMPLESEG_QUESTIONS,
  weakLabels,
  type BuildQueriesOptions,
  type Query,
  type QueryTarget,
  type QueryTask,
} from './queries';
export { countTokens, epsilonForBudget, type BudgetOptions, type TokenCounter } from './tokens';
