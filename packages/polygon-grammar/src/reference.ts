import { GrammarError } from './errors';
import type { Point } from './location';

// The public SimpleSeg decoder (songtianhui/SimpleSeg, README.md, "Decode the polygons and masks
// from the response string") finds polygons with Python's `re.finditer` over its POLYGON_PATTERN
// — `[` point (`,` point)* `]`, a point being `[` number `,` number `]`, any `\s` between the
// symbols, a number being `[1-9]\d*\.\d+`, `0\.\d+` or `\d+` — reads each match with `json.loads`,
// scales it by the image size and rasterises it with pycocotools' `frPyObjects`.
//
// This scanner finds the same matches without a regular expression, in one pass. A number can
// only end where a `\s`, `,` or `]` follows, none of which is a digit or a dot, so the number the
// pattern reads is always the whole run of digits and dots at that place, and every step of the
// pattern is decided by the next character: no backtracking, and no attempt reads past the first
// character that a match cannot hold. Characters are Python's: `\d` is any Unicode decimal digit
// (category Nd) and `\s` any character `str.isspace()` accepts, code point by code point.

/** A polygon the reference decoder finds: its points as `json.loads` reads them, and its place. */
export interface ReferenceMatch {
  points: Point[];
  /** `answer.slice(start, end)` is the matched text. */
  start: number;
  end: number;
  /**
   * Why `json.loads` would raise on this match, or null: a `\d` that is not an ASCII digit, a `\s`
   * that JSON does not allow as whitespace, or an integer with a leading zero (`007`).
   */
  jsonError: { offset: number; message: string } | null;
}

const PY_SPACE_BMP = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
  0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
const JSON_SPACE = new Set([0x09, 0x0a, 0x0d, 0x20]);
const ND = /^\p{Nd}$/u;

/** Python's `str.isspace()` for one code point (every such character lies in the BMP). */
const isPySpace = (c: number): boolean =>
  c <= 0x20 ? PY_SPACE_BMP.has(c) : c >= 0x85 && PY_SPACE_BMP.has(c);

/** The code point at i and how many UTF-16 units it takes. */
function codePointAt(s: string, i: number): number {
  return s.codePointAt(i) as number;
}
const width = (c: number): number => (c > 0xffff ? 2 : 1);

/** Python's `\d` for one code point: a Unicode decimal digit. */
function isPyDigit(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true;
  return c > 0x7f && ND.test(String.fromCodePoint(c));
}

class Scanner {
  /** Offset and reason of the first character `json.loads` would refuse in the current match. */
  jsonError: { offset: number; message: string } | null = null;
  /** Characters examined so far: the scanner's work, which the tests check grows linearly. */
  steps = 0;

  constructor(private readonly s: string) {}

  /** Past any `\s` from i. */
  spaces(i: number): number {
    const s = this.s;
    while (i < s.length) {
      this.steps++;
      const c = s.charCodeAt(i);
      if (!isPySpace(c)) break;
      if (!JSON_SPACE.has(c) && this.jsonError === null)
        this.jsonError = {
          offset: i,
          message: `U+${c.toString(16).padStart(4, '0')} is not JSON whitespace`,
        };
      i++;
    }
    return i;
  }

  /**
   * A number at i: the run of `\d` and `.`, if it is one of the pattern's three forms. Returns its
   * end, or −1. The value is left in `value`.
   */
  value = 0;
  number(i: number): number {
    const s = this.s;
    const start = i;
    let dots = 0;
    let dotAt = -1;
    let digitsAfterDot = 0;
    let ascii = true;
    while (i < s.length) {
      this.steps++;
      const ch = s.charCodeAt(i);
      if (ch === 0x2e) {
        dots++;
        dotAt = i;
        i++;
        continue;
      }
      const c = ch >= 0xd800 && ch <= 0xdbff ? codePointAt(s, i) : ch;
      if (!isPyDigit(c)) break;
      if (c > 0x7f) ascii = false;
      if (dots > 0) digitsAfterDot++;
      i += width(c);
    }
    if (i === start) return -1;
    const first = s.charCodeAt(start);
    if (dots > 1) return -1;
    if (dots === 1) {
      // [1-9]\d*\.\d+ or 0\.\d+: an ASCII 1-9, or a lone 0, before the dot; a digit after it.
      if (digitsAfterDot === 0) return -1;
      if (!(first >= 0x31 && first <= 0x39) && !(first === 0x30 && dotAt === start + 1)) return -1;
    }
    const text = s.slice(start, i);
    if (this.jsonError === null) {
      if (!ascii)
        this.jsonError = { offset: start, message: `${JSON.stringify(text)} has a non-ASCII digit` };
      else if (dots === 0 && text.length > 1 && first === 0x30)
        this.jsonError = { offset: start, message: `${JSON.stringify(text)} has a leading zero` };
    }
    this.value = ascii ? Number(text) : Number.NaN;
    return i;
  }

  /** A point `[ n , n ]` at i: its end, or −1; the point in `point`. */
  point: Point = [0, 0];
  pointAt(i: number): number {
    const s = this.s;
    this.steps++;
    if (s.charCodeAt(i) !== 0x5b) return -1;
    i = this.number(this.spaces(i + 1));
    if (i < 0) return -1;
    const x = this.value;
    i = this.spaces(i);
    if (s.charCodeAt(i) !== 0x2c) return -1;
    i = this.number(this.spaces(i + 1));
    if (i < 0) return -1;
    const y = this.value;
    i = this.spaces(i);
    if (s.charCodeAt(i) !== 0x5d) return -1;
    this.point = [x, y];
    return i + 1;
  }

  /** A polygon at i (a `[`): its end, or −1; its points in `points`. */
  points: Point[] = [];
  polygonAt(i: number): number {
    const s = this.s;
    this.steps++;
    this.jsonError = null;
    let end = this.pointAt(this.spaces(i + 1));
    if (end < 0) return -1;
    const points: Point[] = [this.point];
    // Further points: `\s* , \s* point`, until the `\s* ]` that must end the polygon. A comma
    // whose point does not follow fails the whole match: backtracking to before it, or to before
    // an earlier comma, finds a comma where the `]` must be.
    for (;;) {
      const next = this.spaces(end);
      const c = s.charCodeAt(next);
      if (c === 0x5d) {
        this.points = points;
        return next + 1;
      }
      if (c !== 0x2c) return -1;
      end = this.pointAt(this.spaces(next + 1));
      if (end < 0) return -1;
      points.push(this.point);
    }
  }
}

/**
 * Every polygon the public SimpleSeg decoder's regular expression finds in an answer, in order,
 * without overlaps, as `re.finditer` reports them; linear in the length of the answer.
 * @example
 * referenceMatches('It is at [[[0.1,0.2],[0.5, 0.2] , [0.3,0.9]]].')[0].points; // → [[0.1, 0.2], [0.5, 0.2], [0.3, 0.9]]
 */
export function referenceMatches(answer: string): ReferenceMatch[] {
  if (typeof answer !== 'string')
    throw new GrammarError('INVALID_ARGUMENT', `answer must be a string, got ${typeof answer}`);
  return scanReference(answer).matches;
}

/** {@link referenceMatches} with the number of characters examined (internal: for the tests). */
export function scanReference(answer: string): { matches: ReferenceMatch[]; steps: number } {
  const out: ReferenceMatch[] = [];
  const sc = new Scanner(answer);
  for (let i = answer.indexOf('['); i >= 0; ) {
    const end = sc.polygonAt(i);
    if (end < 0) {
      i = answer.indexOf('[', i + 1);
      continue;
    }
    out.push({ points: sc.points, start: i, end, jsonError: sc.jsonError });
    i = answer.indexOf('[', end);
  }
  return { matches: out, steps: sc.steps };
}
