import { createMask, decodeRuns, type Mask, mergeRuns, polygonRuns, type Runs } from '@seglang/contour';
import { GrammarError } from './errors';
import type { Point } from './location';
import { extractLocations, type Repair } from './parse';
import { referenceMatches } from './reference';

/**
 * How an answer's polygons are found:
 * - `'reference'`: as the public SimpleSeg decoder does (the README's regular expression, `json.loads`,
 *   pycocotools' `frPyObjects`): any whitespace, no range check, a polygon wherever the pattern
 *   matches. What benchmark numbers and the accuracy rewards use by default.
 * - `'strict'`: only locations exactly as the formatters write them (the format reward).
 * - `'tolerant'`: repairs what models emit (truncation, spacing, …) and reports each repair.
 */
export type DecodeMode = 'reference' | 'strict' | 'tolerant';
export const DECODE_MODES: readonly DecodeMode[] = ['reference', 'strict', 'tolerant'];

/** One polygon of an answer (a box, with `boxes`, as its four corners), in normalised coordinates. */
export interface DecodedPart {
  kind: 'polygon' | 'box';
  points: Point[];
  /** `answer.slice(start, end)` is the location it was read from. */
  start: number;
  end: number;
}

/**
 * Why the reference decoder would raise instead of giving a mask: `json` (`json.loads` refuses a
 * match: a non-ASCII digit, whitespace JSON does not allow, or a leading zero), `short-polygon` (a
 * polygon of one or two points, which pycocotools' `frPyObjects` refuses: one point is "input type
 * is not supported", two points — four numbers — go to `frBbox`, which takes only an ndarray).
 * Such an answer has no mask.
 */
export interface DecodeFailure {
  code: 'json' | 'short-polygon';
  offset: number;
  message: string;
}

export interface DecodedAnswer {
  mode: DecodeMode;
  /** Every polygon found, in order (also those of an answer the reference decoder fails on). */
  parts: DecodedPart[];
  /** Reference mode: why the reference decoder raises on this answer; null otherwise. */
  failure: DecodeFailure | null;
  /** Tolerant mode: the repairs made, one list per location read. */
  repairs: Repair[][];
}

export interface DecodeOptions {
  /** Default `'reference'`. */
  mode?: DecodeMode;
  /** Strict and tolerant modes: boxes `[x1, y1, x2, y2]` count as rectangles (default false). */
  boxes?: boolean;
}

function checkOptions(opts: DecodeOptions): { mode: DecodeMode; boxes: boolean } {
  if (opts === null || typeof opts !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', 'options must be an object { mode?, boxes? }');
  const mode = opts.mode ?? 'reference';
  if (!DECODE_MODES.includes(mode))
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `mode must be ${DECODE_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(mode)}`,
    );
  if (opts.boxes !== undefined && typeof opts.boxes !== 'boolean')
    throw new GrammarError('INVALID_ARGUMENT', `boxes must be true or false, got ${String(opts.boxes)}`);
  return { mode, boxes: opts.boxes ?? false };
}

/**
 * The polygons of a model's answer, found the way `mode` says (see {@link DecodeMode}). Never throws
 * over the answer's text; linear in its length.
 * @throws GrammarError `INVALID_ARGUMENT` for a non-string answer or bad options.
 * @example
 * decodeAnswer('Sure, it is at [[0.1,0.2],[0.5,0.2],[0.3,0.9]]').parts[0].points; // → [[0.1, 0.2], [0.5, 0.2], [0.3, 0.9]]
 */
export function decodeAnswer(answer: string, opts: DecodeOptions = {}): DecodedAnswer {
  if (typeof answer !== 'string')
    throw new GrammarError('INVALID_ARGUMENT', `answer must be a string, got ${typeof answer}`);
  const { mode, boxes } = checkOptions(opts);
  if (mode === 'reference') {
    const matches = referenceMatches(answer);
    let failure: DecodeFailure | null = null;
    // The reference reads every match with json.loads first, then rasterises them in order.
    const bad = matches.find((m) => m.jsonError !== null);
    if (bad?.jsonError)
      failure = {
        code: 'json',
        offset: bad.jsonError.offset,
        message: `json.loads refuses the polygon at offset ${bad.start}: ${bad.jsonError.message}`,
      };
    const short = failure ? undefined : matches.find((m) => m.points.length < 3);
    if (short)
      failure = {
        code: 'short-polygon',
        offset: short.start,
        message: `frPyObjects refuses the ${short.points.length}-point polygon at offset ${short.start}`,
      };
    return {
      mode,
      parts: matches.map((m) => ({ kind: 'polygon', points: m.points, start: m.start, end: m.end })),
      failure,
      repairs: [],
    };
  }
  const parts: DecodedPart[] = [];
  const repairs: Repair[][] = [];
  for (const found of extractLocations(answer, { mode })) {
    const { location: l, start, end } = found;
    if (l.kind === 'polygon') parts.push({ kind: 'polygon', points: l.points, start, end });
    else if (l.kind === 'polygons')
      for (const points of l.polygons) parts.push({ kind: 'polygon', points, start, end });
    else if (l.kind === 'bbox' && boxes) {
      const [x0, y0, x1, y1] = l.bbox;
      parts.push({
        kind: 'box',
        points: [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ],
        start,
        end,
      });
    } else continue;
    if (mode === 'tolerant') repairs.push(found.repairs);
  }
  return { mode, parts, failure: null, repairs };
}

function checkSize(width: number, height: number): void {
  for (const [v, name] of [
    [width, 'width'],
    [height, 'height'],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw new GrammarError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(v)}`);
  if (width * height > 2 ** 31 - 1)
    throw new GrammarError('INVALID_ARGUMENT', `a ${width}×${height} mask holds more than 2^31 − 1 pixels`);
}

function checkDecoded(decoded: unknown): asserts decoded is DecodedAnswer {
  const d = decoded as DecodedAnswer | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.parts) || !DECODE_MODES.includes(d.mode))
    throw new GrammarError('INVALID_ARGUMENT', 'decoded must be what decodeAnswer returns');
}

/** Farther than this from the image (pixels), a polygon is refused: rasterising walks every step. */
const MAX_PIXEL = 1e8;

/**
 * The union of an answer's polygons as COCO runs at `width × height`, rasterised as the decoder of
 * its mode does: each polygon scaled by the image size and rasterised with pycocotools' rule
 * (`frPyObjects`). `runs` is null, with the reason, when the answer has no polygon, when the
 * reference decoder fails on it, or when a point lies more than 1e8 pixels off.
 * @throws GrammarError `INVALID_ARGUMENT` for a `decoded` that is not a {@link decodeAnswer} result, or
 *   sizes that are not positive integers with at most 2^31 − 1 pixels.
 */
export function answerRuns(
  decoded: DecodedAnswer,
  width: number,
  height: number,
): { runs: Runs | null; reason: string } {
  checkDecoded(decoded);
  checkSize(width, height);
  if (decoded.failure)
    return { runs: null, reason: `the reference decoder fails: ${decoded.failure.message}` };
  if (decoded.parts.length === 0) return { runs: null, reason: `no polygon (${decoded.mode} decoding)` };
  const list: Runs[] = [];
  for (const part of decoded.parts) {
    const n = part.points.length;
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const x = part.points[i][0] * width;
      const y = part.points[i][1] * height;
      if (!(Math.abs(x) <= MAX_PIXEL && Math.abs(y) <= MAX_PIXEL))
        return { runs: null, reason: `a point at offset ${part.start} lies more than 1e8 pixels off` };
      xy[2 * i] = x;
      xy[2 * i + 1] = y;
    }
    list.push(polygonRuns(xy, height, width));
  }
  return { runs: list.length === 1 ? list[0] : mergeRuns(list), reason: `${list.length} polygon(s)` };
}

/**
 * An answer as a mask at `width × height` (see {@link answerRuns}); empty when it has no polygon.
 * @throws GrammarError `INVALID_ARGUMENT` for bad sizes, options or a non-string answer.
 * @example
 * answerMask('[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]', 10, 10).data.reduce((a, b) => a + b); // → 64
 */
export function answerMask(
  answer: string | DecodedAnswer,
  width: number,
  height: number,
  opts: DecodeOptions = {},
): Mask {
  checkSize(width, height);
  const decoded = typeof answer === 'string' ? decodeAnswer(answer, opts) : answer;
  const { runs } = answerRuns(decoded, width, height);
  return runs ? decodeRuns(runs) : createMask(width, height);
}
