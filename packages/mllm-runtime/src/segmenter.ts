import { createMask, type Mask, polygonsToMask } from '@seglang/contour';
import {
  type Constraint,
  type ConstraintOptions,
  createConstraint,
  extractLocations,
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

export interface SegmenterOptions {
  /** An in-process {@link QwenVlModel} or a served model: the same API. */
  model: TextGenerator;
  /** `'simpleseg'`: answers are point sequences. `'samtok'`: answers are mask words. */
  kind: 'simpleseg' | 'samtok';
  /** SAMTok: the mask decoder (`@seglang/sam-encoder`'s `SamTok`), required for `kind: 'samtok'`. */
  samtok?: SamTok;
  /**
   * SimpleSeg on an in-process model: constrain decoding to the polygon grammar (default true), with
   * these options (`kind` defaults to `'any'`, `minPoints` to 3 so every polygon can have an area).
   */
  constrain?: boolean | Omit<Partial<ConstraintOptions>, 'vocabulary' | 'eosTokenIds'>;
  /** Builds the user's text from the prompt (default: the prompt as given). */
  instruction?: (prompt: string) => string;
  /** Defaults for every call (`maxNewTokens` 1024 unless set). */
  generation?: GenerateOptions;
}

export interface SimpleSegResult {
  kind: 'simpleseg';
  text: string;
  /** Every location found in the answer, parsed tolerantly. */
  locations: Location[];
  /** What tolerant parsing repaired, per location. */
  repairs: Repair[][];
  /** The union of the polygons and boxes, rasterised with the COCO rule at the image's size. */
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

  constructor(private readonly o: SegmenterOptions) {
    if (!o?.model || typeof o.model.generate !== 'function')
      throw new RuntimeError('INVALID_ARGUMENT', 'model must be a QwenVlModel or a ServedModel');
    if (o.kind !== 'simpleseg' && o.kind !== 'samtok')
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `kind must be 'simpleseg' or 'samtok', got ${String(o.kind)}`,
      );
    if (o.kind === 'samtok' && !o.samtok)
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
    if (o.generation !== undefined) checkSampling(o.generation);
  }

  async segment(
    image: RgbImage,
    prompt: string,
    options: GenerateOptions = {},
  ): Promise<SimpleSegResult | SamTokResult> {
    checkImage(image);
    if (typeof prompt !== 'string' || prompt.trim() === '')
      throw new RuntimeError('INVALID_PROMPT', 'prompt must be a non-empty string');
    const text = this.o.instruction ? this.o.instruction(prompt) : prompt;
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'image', image },
          { type: 'text', text },
        ],
      },
    ];
    const constraint = this.o.kind === 'simpleseg' ? this.grammar() : undefined;
    const generation = await this.o.model.generate({
      maxNewTokens: 1024,
      ...this.o.generation,
      ...options,
      ...(constraint && !options.constraint ? { constraint } : {}),
      messages,
    });
    const answer = generation.text;
    if (this.o.kind === 'simpleseg') {
      const found = extractLocations(answer, { mode: 'tolerant' });
      const polygons: [number, number][][] = [];
      for (const { location: l } of found) {
        if (l.kind === 'polygon') polygons.push(l.points);
        else if (l.kind === 'polygons') polygons.push(...l.polygons);
        else if (l.kind === 'bbox') {
          const [x0, y0, x1, y1] = l.bbox;
          polygons.push([
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
          ]);
        }
      }
      const mask = polygons.length
        ? polygonsToMask(polygons, image.width, image.height, { normalized: true })
        : createMask(image.width, image.height);
      return {
        kind: 'simpleseg',
        text: answer,
        locations: found.map((f) => f.location),
        repairs: found.map((f) => f.repairs),
        mask,
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
    const c = this.o.constrain ?? true;
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
