import type { Constraint } from '@seglang/polygon-grammar';
import type { ChatMessage } from './chat';
import type { RgbImage } from './image';
import type { SamplingOptions } from './sampling';

/** One step of a streamed answer. */
export interface TokenEvent {
  /** The token id (in-process models; served models stream text only). */
  id?: number;
  /** The text this step added (may be empty while a character is incomplete). */
  text: string;
}

export interface GenerateOptions extends SamplingOptions {
  /** Default 256; clipped to the context left. */
  maxNewTokens?: number;
  /** Stop when the text contains one of these; it is cut from the answer. */
  stop?: string[];
  /** Stop at these ids, besides the model's end-of-sequence ids. */
  stopTokenIds?: number[];
  /**
   * A grammar from `@seglang/polygon-grammar`'s `createConstraint` over this model's
   * `vocabulary()`: every step only tokens it allows are considered (in-process models only).
   */
  constraint?: Constraint;
  /** Called for every generated token, with the text delta. */
  onToken?: (event: TokenEvent) => void;
  signal?: AbortSignal;
}

/**
 * A conversation (rendered with the model's chat template), a raw prompt with images, or token ids
 * with images (one `<|image_pad|>` per image, expanded as the processor does; in-process models only).
 */
export type GenerateRequest = GenerateOptions &
  (
    | { messages: ChatMessage[]; prompt?: never; inputIds?: never }
    | { prompt: string; images?: RgbImage[]; messages?: never; inputIds?: never }
    | { inputIds: number[]; images?: RgbImage[]; messages?: never; prompt?: never }
  );

export type FinishReason = 'eos' | 'stop' | 'length' | 'constraint';

export interface GenerateResult {
  text: string;
  /** The generated ids (in-process models; empty for served models). */
  tokenIds: number[];
  finishReason: FinishReason;
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
  timings: { prefillMs: number; decodeMs: number };
}

/** What `Segmenter` and apps run on: an in-process model or a served one, same API. */
export interface TextGenerator {
  generate(request: GenerateRequest): Promise<GenerateResult>;
  release(): Promise<void>;
}
