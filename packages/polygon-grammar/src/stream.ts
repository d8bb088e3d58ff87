import { GrammarError } from './errors';
import type { Location, Point } from './location';
import { checkParseOptions, type ParseOptions, parseLocationWithRepairs, type Repair } from './parse';

/** A point completed while streaming: `part` is its polygon's index (0 outside a list of polygons). */
export interface StreamPointEvent {
  type: 'point';
  point: Point;
  part: number;
  index: number;
}

export interface StreamParser {
  /** Feeds more text; returns the points completed by it. Work proportional to the chunk. */
  push(chunk: string): StreamPointEvent[];
  /**
   * Ends the stream: the tolerant parse of the location the stream began, up to where it stopped
   * reading (see {@link createStreamParser}). Every point pushed so far is in it, at its part and
   * index. @throws GrammarError when there is no location (then no point was pushed).
   */
  end(): { location: Location; repairs: Repair[] };
}

// Characters as the tolerant scanner (parse.ts) sees them.
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNumberChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
const LOOSE_NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;

/**
 * Parses a location while a model is still generating it, so points can be drawn as they arrive.
 * Text before the first '[' is ignored. The stream stops reading at the end of the location (the
 * `]` that closes it) or at the first thing tolerant parsing cannot repair (a stray character, a
 * coordinate far outside [0, 1], a point of three numbers, brackets deeper than a list of
 * polygons…), as if the text were cut there; {@link StreamParser.end} parses what it read. A point is
 * pushed once nothing later can change it: complete, in range (clamped as tolerant parsing clamps),
 * not a repeat of the one before, and — when it equals its polygon's first point — not the last.
 * So what streams is always a prefix of what `end()` returns.
 * @throws GrammarError `INVALID_ARGUMENT` for bad options; a stream is parsed tolerantly (parse
 *   the final text with {@link parseLocation} to check it strictly).
 * @example
 * const p = createStreamParser();
 * p.push('[[[0.1, 0.'); // → []
 * p.push('2], [0.3'); // → [{ type: 'point', point: [0.1, 0.2], part: 0, index: 0 }]
 */
export function createStreamParser(opts: ParseOptions = {}): StreamParser {
  checkParseOptions(opts);
  if (opts.mode === 'strict')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      'a stream is parsed tolerantly: parse the finished text with parseLocation to check it strictly',
    );
  const tol = opts.clampTolerance ?? 0.02;
  const chunks: string[] = [];
  let consumed = 0; // characters pushed so far
  let start = -1; // offset of the location's first '['
  let cut = -1; // where reading stopped (exclusive), once it has
  let depth = 0;
  // The location's kind, decided as the parser's depthOf decides it, by the chain of first items:
  // 2 (a polygon) and 3 (a list of polygons) stream points; 1 (a point or a box) and -1 (an empty
  // first item, or a kind the options refuse) do not; 0 while undecided.
  let kind = 0;
  let number = '';
  let numberStart = 0;
  let leaf: number[] = []; // the numbers of the innermost open list
  // The polygon being read.
  let part = -1;
  let index = 0;
  let first: Point | null = null;
  let prev: Point | null = null;
  let held: Point | null = null;
  let halfPoint = false;

  const decide = (k: number) => {
    const ok =
      opts.kind === undefined ||
      (k === 1
        ? opts.kind === 'point' || opts.kind === 'bbox'
        : k === 2
          ? opts.kind !== 'point' && opts.kind !== 'bbox'
          : opts.kind === 'polygons');
    kind = ok ? k : -1;
    if (kind >= 2) newPolygon();
  };
  const newPolygon = () => {
    index = 0;
    first = prev = held = null;
    halfPoint = false;
  };
  const same = (a: Point | null, b: Point) => a !== null && a[0] === b[0] && a[1] === b[1];
  /** Reads the pending number characters as the tolerant scanner does; false where it must stop. */
  const flush = (): boolean => {
    for (let i = 0; i < number.length; ) {
      if (kind === 0) decide(depth);
      LOOSE_NUMBER.lastIndex = i;
      const m = LOOSE_NUMBER.exec(number);
      const v = m ? Number(m[0]) : Number.NaN;
      // Not a number; a number where a list belongs; a third coordinate; a coordinate that
      // tolerant parsing would refuse.
      const refused =
        !Number.isFinite(v) ||
        (kind >= 2 && (depth !== kind || leaf.length === 2 || v < -tol || v > 1 + tol));
      if (refused || !m) {
        cut = numberStart + i;
        return false;
      }
      // Clamped as tolerant parsing clamps (only values outside [0, 1]: -0 stays -0).
      leaf.push(kind >= 2 && (v < 0 || v > 1) ? Math.min(1, Math.max(0, v)) : v);
      i += m[0].length;
    }
    number = '';
    return true;
  };

  return {
    push(chunk: string): StreamPointEvent[] {
      if (typeof chunk !== 'string')
        throw new GrammarError('INVALID_ARGUMENT', `chunk must be a string, got ${typeof chunk}`);
      const events: StreamPointEvent[] = [];
      const base = consumed;
      chunks.push(chunk);
      consumed += chunk.length;
      if (cut >= 0) return events;
      const emit = (p: Point) => {
        if (index === 0) part++;
        events.push({ type: 'point', point: p, part: kind === 3 ? part : 0, index });
        index++;
      };
      for (let j = 0; j < chunk.length; j++) {
        const at = base + j;
        const c = chunk.charCodeAt(j);
        if (start < 0) {
          if (c !== 0x5b) continue;
          start = at;
        }
        if (isNumberChar(c)) {
          if (number === '') numberStart = at;
          number += chunk[j];
          continue;
        }
        if (number !== '' && !flush()) break;
        if (isSpace(c) || c === 0x2c) continue;
        if (c === 0x5b) {
          // Deeper than a list of polygons, a list among numbers, a list inside a point, or a point
          // after a half point (one coordinate), which only the last point may be.
          if (
            depth === 3 ||
            leaf.length > 0 ||
            (kind === 2 && depth === 2) ||
            (kind >= 2 && depth === kind - 1 && halfPoint)
          ) {
            cut = at;
            break;
          }
          depth++;
          if (kind === 0 && depth === 3) decide(3);
          else if (kind === 3 && depth === 2) newPolygon();
          leaf = [];
          continue;
        }
        if (c === 0x5d) {
          if (kind === 0) decide(depth === 2 ? 2 : -1); // an empty first item (or an empty location)
          if (kind >= 2 && depth === kind) {
            if (leaf.length === 2) {
              const p: Point = [leaf[0], leaf[1]];
              if (!same(prev, p)) {
                if (held) emit(held);
                held = null;
                // Equal to the polygon's first point: the closing point, unless another follows.
                if (index > 0 && same(first, p)) held = p;
                else emit(p);
                first ??= p;
                prev = p;
              }
            } else if (leaf.length === 1) halfPoint = true;
          }
          leaf = [];
          depth--;
          if (depth === 0) {
            // The location is complete: nothing after it is read.
            cut = at + 1;
            break;
          }
          continue;
        }
        // Any other character ends the location as if the text were cut there.
        cut = at;
        break;
      }
      return events;
    },
    end() {
      // A number still pending is read as a delimiter would read it.
      if (cut < 0 && number !== '') flush();
      const text = chunks.length === 1 ? chunks[0] : chunks.join('');
      chunks.length = 0;
      chunks.push(text);
      if (start < 0) return parseLocationWithRepairs(text, { mode: 'tolerant', ...opts });
      const read = text.slice(start, cut >= 0 ? cut : text.length);
      const result = parseLocationWithRepairs(read, { mode: 'tolerant', ...opts });
      // Offsets are of the whole text.
      return {
        location: result.location,
        repairs: result.repairs.map((r) => ({ ...r, offset: r.offset + start })),
      };
    },
  };
}
