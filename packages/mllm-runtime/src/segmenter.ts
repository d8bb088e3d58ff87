import { createMask, type Mask } from '@seglang/contour';
import {
  answerMask,
  type Constraint,
  type ConstraintOptions,
  createConstraint,
  DECODE_MODES,
  type DecodedAnswer,
  type DecodeMode,
  decodeAnswer,
  type Location,
  type Repair,
} from '@seglang/polygon-grammar';
import { MISSING_CODE, type ParsedMaskWords, parseMaskWords } from '@seglang/rq-tokenizer';
import type { SamTok } from '@seglang/sam-encoder';
import type { ChatMessage } from './chat';
import { RuntimeError } from './errors';
import { checkImage, type RgbImage } from './image';
import { QwenVlModel } from './model';
import { checkSampling } from './sampling';
import type { GenerateOptions, GenerateResult, TextGenerator } from './types';

/**
 * How the published pipelines ask and read, for `Segmenter`'s `preset`:
 * - `simpleseg`: SimpleSeg's inference example (songtianhui/SimpleSeg, README.md) — "Output the
 *   polygon coordinates of {q} in the image.", greedy, at most 512 new tokens, unconstrained, the
 *   answer read by its decoder (`decode: 'reference'`).
 * - `samtok`: SAMTok's GRES evaluation (`evaluation/gres/qwen3vl_gres_eval.py`) — "Please segment {q}
 *   in this image.", greedy, at most 128 new tokens, mask words read with the reference's repairs.
 */
export const SEGMENTER_PRESETS = {
  simpleseg: {
    kind: 'simpleseg',
    instruction: (q: string) => `Output the polygon coordinates of ${q} in the image.`,
    maxNewTokens: 512,
    decode: 'reference',
    constrain: false,
  },
  samtok: {
    kind: 'samtok',
    instruction: (q: string) => `Please segment ${q} in this image.`,
    maxNewTokens: 128,
    decode: 'reference',
    constrain: false,
  },
} as const;

export type SegmenterPreset = keyof typeof SEGMENTER_PRESETS;

export interface SegmenterOptions {
  /** An in-process {@link QwenVlModel} or a served model: the same API. */
  model: TextGenerator;
  /**
   * A published pipeline's prompt, limits and decoding ({@link SEGMENTER_PRESETS}); the other
   * options override what it sets.
   */
  preset?: SegmenterPreset;
  /** `'simpleseg'`: answers are point sequences. `'samtok'`: answers are mask words. Set by a preset. */
  kind?: 'simpleseg' | 'samtok';
  /** SAMTok: the mask decoder (`@seglang/sam-encoder`'s `SamTok`), required for `kind: 'samtok'`. */
  samtok?: SamTok;
  /**
   * SimpleSeg on an in-process model: constrain decoding to the polygon grammar (default true
   * without a preset), with these options (`kind` defaults to `'any'`, `minPoints` to 3 so every
   * polygon can have an area).
   */
  constrain?: boolean | Omit<Partial<ConstraintOptions>, 'vocabulary' | 'eosTokenIds'>;
  /**
   * SimpleSeg: how the answer's polygons are found (`@seglang/polygon-grammar`'s `decodeAnswer`):
   * `'tolerant'` (default without a preset; boxes count as rectangles, repairs are reported),
   * `'reference'` (the SimpleSeg decoder, the `simpleseg` preset's) or `'strict'`.
   */
  decode?: DecodeMode;
  /** Builds the user's text from the prompt (default: the prompt as given, or the preset's). */
  instruction?: (prompt: string) => string;
  /** Defaults for every call (`maxNewTokens` 1024 unless set, or the preset's). */
  generation?: GenerateOptions;
}

export interface SimpleSegResult {
  kind: 'simpleseg';
  text: string;
  /** The answer's polygons as the decoder found them, and (reference decoding) why it failed. */
  decoded: DecodedAnswer;
  /** Every polygon (or box, as its corners) found in the answer, as a location. */
  locations: Location[];
  /** What tolerant decoding repaired, per location (empty for the other modes). */
  repairs: Repair[][];
  /** The union of the polygons, rasterised with the COCO rule at the image's size. */
  mask: Mask;
  generation: GenerateResult;
}

export interface SamTokResult {
  kind: 'samtok';
  text: string;
  /** The codes of every mask in the answer (malformed groups repaired). */
  maskWords: ParsedMaskWords[];
  /** The union of the decoded masks. */
  mask: Mask;
  generation: GenerateResult;
}

/**
 * Turns a model's answer into geometry. SimpleSeg: the answer's polygons (parsed tolerantly,
 * rasterised, united). SAMTok: the answer's mask words (repaired as the reference does), decoded to
 * masks through SAMTok's decoder and united.
 *
 * @example
 * const seg = new Segmenter({ model, kind: 'simpleseg' });
 * const { locations, mask } = await seg.segment(image, 'Segment the dog.');
 */
export class Segmenter {
  private constraint?: Constraint;
  private readonly kind: 'simpleseg' | 'samtok';
  private readonly decode: DecodeMode;
  private readonly instruction?: (prompt: string) => string;
  private readonly constrainOption: SegmenterOptions['constrain'];
  private readonly generation: GenerateOptions;

  constructor(private readonly o: SegmenterOptions) {
    if (!o?.model || typeof o.model.generate !== 'function')
      throw new RuntimeError('INVALID_ARGUMENT', 'model must be a QwenVlModel or a ServedModel');
    if (o.preset !== undefined && !(o.preset in SEGMENTER_PRESETS))
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `preset must be ${Object.keys(SEGMENTER_PRESETS).join(' or ')}, got ${String(o.preset)}`,
      );
    const preset = o.preset ? SEGMENTER_PRESETS[o.preset] : undefined;
    const kind = o.kind ?? preset?.kind;
    if (kind !== 'simpleseg' && kind !== 'samtok')
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `kind must be 'simpleseg' or 'samtok' (or give a preset), got ${String(o.kind)}`,
      );
    this.kind = kind;
    if (kind === 'samtok' && !o.samtok)
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        "kind 'samtok' needs options.samtok (a SamTok from @seglang/sam-encoder)",
      );
    // The rest is checked here too, not on the first image.
    if (o.instruction !== undefined && typeof o.instruction !== 'function')
      throw new RuntimeError('INVALID_ARGUMENT', 'instruction must be a function (prompt) => text');
    if (
      o.constrain !== undefined &&
      typeof o.constrain !== 'boolean' &&
      (o.constrain === null || typeof o.constrain !== 'object')
    )
      throw new RuntimeError('INVALID_ARGUMENT', 'constrain must be true, false or constraint options');
    if (o.decode !== undefined && !DECODE_MODES.includes(o.decode))
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `decode must be ${DECODE_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(o.decode)}`,
      );
    if (o.generation !== undefined) checkSampling(o.generation);
    this.decode = o.decode ?? preset?.decode ?? 'tolerant';
    this.instruction = o.instruction ?? preset?.instruction;
    this.constrainOption = o.constrain ?? preset?.constrain ?? true;
    this.generation = { maxNewTokens: preset?.maxNewTokens ?? 1024, ...o.generation };
  }

  async segment(
    image: RgbImage,
    prompt: string,
    options: GenerateOptions = {},
  ): Promise<SimpleSegResult | SamTokResult> {
    checkImage(image);
    if (typeof prompt !== 'string' || prompt.trim() === '')
      throw new RuntimeError('INVALID_PROMPT', 'prompt must be a non-empty string');
    const text = this.instruction ? this.instruction(prompt) : prompt;
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'image', image },
          { type: 'text', text },
        ],
      },
    ];
    const constraint = this.kind === 'simpleseg' ? this.grammar() : undefined;
    const generation = await this.o.model.generate({
      ...this.generation,
      ...options,
      ...(constraint && !options.constraint ? { constraint } : {}),
      messages,
    });
    const answer = generation.text;
    if (this.kind === 'simpleseg') {
      const decoded = decodeAnswer(answer, { mode: this.decode, boxes: true });
      return {
        kind: 'simpleseg',
        text: answer,
        decoded,
        locations: decoded.parts.map((p) =>
          p.kind === 'box'
            ? { kind: 'bbox', bbox: [p.points[0][0], p.points[0][1], p.points[2][0], p.points[2][1]] }
            : { kind: 'polygon', points: p.points },
        ),
        repairs: decoded.repairs,
        mask: answerMask(decoded, image.width, image.height),
        generation,
      };
    }
    const samtok = this.o.samtok as SamTok;
    const { codebookSize, levels } = samtok.quantizer;
    const words = parseMaskWords(answer, { codebookSize, levels, mode: 'repair' });
    const mask = createMask(image.width, image.height);
    for (const w of words) {
      const codes = [...w.codes, ...Array<number>(levels - w.codes.length).fill(MISSING_CODE)];
      const m = await samtok.decode(image, codes);
      for (let i = 0; i < m.data.length; i++) if (m.data[i]) mask.data[i] = 1;
    }
    return { kind: 'samtok', text: answer, maskWords: words, mask, generation };
  }

  private grammar(): Constraint | undefined {
    const c = this.constrainOption;
    if (!c || !(this.o.model instanceof QwenVlModel)) return undefined;
    if (!this.constraint) {
      const model = this.o.model;
      this.constraint = createConstraint({
        minPoints: 3,
        ...(typeof c === 'object' ? c : {}),
        vocabulary: model.vocabulary(),
        eosTokenIds: model.config.eosTokenIds,
      });
    }
    return this.constraint;
  }
}
