import { GrammarError } from './errors';
import { pythonFloatRepr } from './format';
import { type Box, LOCATION_KINDS, type Location, type LocationKind, type Point } from './location';

/** A repair the tolerant parser made, with the character offset it concerns. */
export interface Repair {
  kind:
    | 'truncated'
    | 'dangling-half-point'
    | 'dangling-number'
    | 'trailing-comma'
    | 'missing-comma'
    | 'spacing'
    | 'duplicate-point'
    | 'closing-point'
    | 'clamped'
    | 'empty-polygon'
    | 'wrapped';
  offset: number;
}

export interface ParseOptions {
  /** The kind expected; strict mode rejects others, tolerant mode wraps a polygon into polygons. */
  kind?: LocationKind;
  /** `'strict'` (default): only the exact grammar. `'tolerant'`: repairs what models emit, reporting each. */
  mode?: 'strict' | 'tolerant';
  /** Tolerant mode: values outside [0, 1] by at most this much are clamped (default 0.02); beyond, an error. */
  clampTolerance?: number;
}

/**
 * Checks parse options before any text is read (so that text without a location checks them too).
 * @throws GrammarError `INVALID_ARGUMENT` naming the option.
 */
export function checkParseOptions(opts: ParseOptions): void {
  if (opts === null || typeof opts !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', 'options must be an object { kind?, mode?, clampTolerance? }');
  if (opts.mode !== undefined && opts.mode !== 'strict' && opts.mode !== 'tolerant') {
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `mode must be 'strict' or 'tolerant', got ${String(opts.mode)}`,
    );
  }
  if (opts.kind !== undefined && !LOCATION_KINDS.includes(opts.kind)) {
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `kind must be ${LOCATION_KINDS.join(', ')}, got ${String(opts.kind)}`,
    );
  }
  const tol = opts.clampTolerance;
  if (tol !== undefined && (typeof tol !== 'number' || !(tol >= 0) || !Number.isFinite(tol))) {
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `clampTolerance must be a finite number >= 0, got ${String(tol)}`,
    );
  }
}

type Node = { offset: number; items: Array<Node | Num> };
type Num = { offset: number; value: number; text: string };
const isNum = (x: Node | Num): x is Num => 'value' in x;

const MAX_DEPTH = 3;

/**
 * An internal parse failure. Not an Error: capturing a stack trace for every rejected candidate
 * made extraction from adversarial text thousands of times slower. Public entry points turn it
 * into a GrammarError.
 */
class Failure {
  constructor(
    readonly code: GrammarError['code'],
    readonly message: string,
    readonly offset: number,
  ) {}
}

function toGrammarError(err: unknown): unknown {
  return err instanceof Failure ? new GrammarError(err.code, err.message, err.offset) : err;
}
const STRICT_NUMBER = /\d+\.\d+/y;
const LOOSE_NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;

function describe(text: string, i: number): string {
  return i >= text.length ? 'end of text' : JSON.stringify(text[i]);
}

/**
 * Scans one bracketed value starting at `start` (which must be '['). Linear in the text consumed.
 * With `stopOnGarbage`, an unexpected character ends the value as if the text were cut there.
 */
function scan(
  text: string,
  start: number,
  tolerant: boolean,
  stopOnGarbage: boolean,
  repairs: Repair[],
): { root: Node; end: number } {
  const root: Node = { offset: start, items: [] };
  const stack: Node[] = [root];
  let i = start + 1;
  let expectValue = true; // after '[' or ','
  let sawComma = false;
  let spacingReported = false;
  const spacing = (at: number) => {
    if (!spacingReported) repairs.push({ kind: 'spacing', offset: at });
    spacingReported = true;
  };
  const fail = (code: 'UNEXPECTED_CHARACTER' | 'UNEXPECTED_END', at: number, what: string): never => {
    throw new Failure(code, `${what} at offset ${at}, found ${describe(text, at)}`, at);
  };
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (i >= text.length) {
      if (!tolerant) fail('UNEXPECTED_END', i, 'unclosed bracket');
      repairs.push({ kind: 'truncated', offset: i });
      return { root, end: i };
    }
    const ch = text[i];
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      // Strict: exactly one space after a comma, nowhere else.
      if (!(sawComma && ch === ' ' && text[i - 1] === ',')) {
        if (!tolerant) fail('UNEXPECTED_CHARACTER', i, 'unexpected whitespace');
        spacing(i);
      }
      i++;
      continue;
    }
    if (ch === '[') {
      if (!expectValue) {
        if (!tolerant) fail('UNEXPECTED_CHARACTER', i, "expected ',' or ']'");
        repairs.push({ kind: 'missing-comma', offset: i });
      }
      if (!sawComma && top.items.length > 0 && !tolerant) fail('UNEXPECTED_CHARACTER', i, "expected ', '");
      if (stack.length >= MAX_DEPTH) {
        if (stopOnGarbage && tolerant) {
          repairs.push({ kind: 'truncated', offset: i });
          return { root, end: i };
        }
        throw new Failure('TOO_DEEP', `brackets nested deeper than ${MAX_DEPTH} at offset ${i}`, i);
      }
      const node: Node = { offset: i, items: [] };
      top.items.push(node);
      stack.push(node);
      expectValue = true;
      sawComma = false;
      i++;
      continue;
    }
    if (ch === ']') {
      if (expectValue && top.items.length > 0) {
        if (!tolerant) fail('UNEXPECTED_CHARACTER', i, 'expected a value after the comma');
        repairs.push({ kind: 'trailing-comma', offset: i });
      }
      if (!tolerant && top.items.length === 0) fail('UNEXPECTED_CHARACTER', i, 'empty brackets');
      stack.pop();
      expectValue = false;
      sawComma = false;
      i++;
      continue;
    }
    if (ch === ',') {
      if (expectValue) {
        if (!tolerant) fail('UNEXPECTED_CHARACTER', i, 'expected a value');
        repairs.push({ kind: 'trailing-comma', offset: i });
      }
      if (!tolerant && text[i + 1] !== ' ') fail('UNEXPECTED_CHARACTER', i + 1, "expected a space after ','");
      expectValue = true;
      sawComma = true;
      i++;
      continue;
    }
    const re = tolerant ? LOOSE_NUMBER : STRICT_NUMBER;
    re.lastIndex = i;
    const m = re.exec(text);
    if (m) {
      if (!expectValue) {
        if (!tolerant) fail('UNEXPECTED_CHARACTER', i, "expected ',' or ']'");
        repairs.push({ kind: 'missing-comma', offset: i });
      }
      if (!tolerant && !sawComma && top.items.length > 0) fail('UNEXPECTED_CHARACTER', i, "expected ', '");
      const value = Number(m[0]);
      if (!Number.isFinite(value))
        throw new Failure('INVALID_NUMBER', `number ${JSON.stringify(m[0])} at offset ${i} is not finite`, i);
      top.items.push({ offset: i, value, text: m[0] });
      expectValue = false;
      sawComma = false;
      i += m[0].length;
      continue;
    }
    if (stopOnGarbage && tolerant) {
      repairs.push({ kind: 'truncated', offset: i });
      return { root, end: i };
    }
    if (/[0-9\-+.]/.test(ch) || /\p{Nd}/u.test(ch))
      throw new Failure('INVALID_NUMBER', `malformed number at offset ${i}, found ${describe(text, i)}`, i);
    fail('UNEXPECTED_CHARACTER', i, 'unexpected character');
  }
  return { root, end: i };
}

function depthOf(node: Node): number {
  let d = 1;
  let n: Node | Num = node;
  while (!isNum(n) && n.items.length > 0 && !isNum(n.items[0])) {
    n = n.items[0];
    d++;
  }
  return d;
}

/** Turns the scanned tree into a Location, applying (tolerant) or refusing (strict) repairs. */
function interpret(root: Node, opts: ParseOptions, repairs: Repair[]): Location {
  const tolerant = opts.mode === 'tolerant';
  const tol = opts.clampTolerance ?? 0.02;
  const num = (x: Node | Num): number => {
    if (!isNum(x))
      throw new Failure('WRONG_KIND', `expected a number at offset ${x.offset}, found a list`, x.offset);
    let v = x.value;
    if (v < 0 || v > 1) {
      if (!tolerant || v < -tol || v > 1 + tol) {
        throw new Failure(
          'OUT_OF_RANGE',
          `coordinate ${v} at offset ${x.offset} is outside [0, 1]`,
          x.offset,
        );
      }
      v = Math.min(1, Math.max(0, v));
      repairs.push({ kind: 'clamped', offset: x.offset });
    }
    return v;
  };
  const polygon = (node: Node): Point[] => {
    const pts: Point[] = [];
    for (const item of node.items) {
      if (isNum(item))
        throw new Failure(
          'WRONG_KIND',
          `expected a point [x, y] at offset ${item.offset}, found a number`,
          item.offset,
        );
      if (item.items.length !== 2) {
        if (tolerant && item.items.length === 1 && item === node.items[node.items.length - 1]) {
          repairs.push({ kind: 'dangling-half-point', offset: item.offset });
          continue;
        }
        if (tolerant && item.items.length === 0) {
          repairs.push({ kind: 'dangling-half-point', offset: item.offset });
          continue;
        }
        throw new Failure(
          'WRONG_KIND',
          `a point must have 2 coordinates, found ${item.items.length} at offset ${item.offset}`,
          item.offset,
        );
      }
      const p: Point = [num(item.items[0]), num(item.items[1])];
      const last = pts[pts.length - 1];
      if (tolerant && last && last[0] === p[0] && last[1] === p[1]) {
        repairs.push({ kind: 'duplicate-point', offset: item.offset });
        continue;
      }
      pts.push(p);
    }
    if (
      tolerant &&
      pts.length > 1 &&
      pts[0][0] === pts[pts.length - 1][0] &&
      pts[0][1] === pts[pts.length - 1][1]
    ) {
      pts.pop();
      repairs.push({ kind: 'closing-point', offset: node.offset });
    }
    return pts;
  };
  const depth = depthOf(root);
  let loc: Location;
  if (depth === 1) {
    const values = root.items;
    if (tolerant && values.length === 3) {
      repairs.push({ kind: 'dangling-number', offset: values[2].offset });
      values.pop();
    }
    if (values.length === 2) loc = { kind: 'point', point: [num(values[0]), num(values[1])] };
    else if (values.length === 4) loc = { kind: 'bbox', bbox: values.map(num) as Box };
    else if (values.length === 0)
      throw new Failure('EMPTY', `empty location at offset ${root.offset}`, root.offset);
    else
      throw new Failure(
        'WRONG_KIND',
        `a list of ${values.length} numbers at offset ${root.offset} is neither a point (2) nor a box (4)`,
        root.offset,
      );
  } else if (depth === 2) {
    loc = { kind: 'polygon', points: polygon(root) };
    if (loc.points.length === 0)
      throw new Failure('EMPTY', `polygon at offset ${root.offset} has no points`, root.offset);
  } else {
    const polygons: Point[][] = [];
    for (const item of root.items) {
      if (isNum(item))
        throw new Failure(
          'WRONG_KIND',
          `expected a polygon at offset ${item.offset}, found a number`,
          item.offset,
        );
      if (depthOf(item) !== 2 && item.items.length > 0)
        throw new Failure(
          'WRONG_KIND',
          `expected a polygon [[x, y], ...] at offset ${item.offset}`,
          item.offset,
        );
      const pts = polygon(item);
      if (pts.length === 0) {
        if (!tolerant)
          throw new Failure('EMPTY', `polygon at offset ${item.offset} has no points`, item.offset);
        repairs.push({ kind: 'empty-polygon', offset: item.offset });
        continue;
      }
      polygons.push(pts);
    }
    if (polygons.length === 0)
      throw new Failure('EMPTY', `no polygon with points at offset ${root.offset}`, root.offset);
    loc = { kind: 'polygons', polygons };
  }
  if (opts.kind && opts.kind !== loc.kind) {
    if (tolerant && opts.kind === 'polygons' && loc.kind === 'polygon') {
      repairs.push({ kind: 'wrapped', offset: root.offset });
      return { kind: 'polygons', polygons: [loc.points] };
    }
    throw new Failure(
      'WRONG_KIND',
      `expected a ${opts.kind}, found a ${loc.kind} at offset ${root.offset}`,
      root.offset,
    );
  }
  return loc;
}

/**
 * Strict mode's last rule: the numbers are written as {@link formatLocation} writes them, in one
 * style — each the shortest repr of its value (`'python'`: `0.5`, `1.0`), or all with the same number
 * of decimals after a `0` or `1` (`'fixed'`: `0.500`, `1.000`). `00.9`, `0.50` beside `0.25`, or
 * `1.00` beside `0.5` are none of these.
 */
function checkCanonical(root: Node): void {
  const nums: Num[] = [];
  const walk = (n: Node) => {
    for (const x of n.items)
      if (isNum(x)) nums.push(x);
      else walk(x);
  };
  walk(root);
  const shortest = (x: Num) => pythonFloatRepr(x.value) === x.text;
  const odd = nums.find((x) => !shortest(x));
  if (odd === undefined) return;
  const decimals = (t: string) => t.length - t.indexOf('.') - 1;
  const d = decimals(nums[0].text);
  const unfixed = nums.find((x) => !/^[01]\./.test(x.text) || decimals(x.text) !== d);
  if (unfixed === undefined) return;
  // The number to name: the first off the fixed style when the text starts in it, else the first
  // that is not the shortest repr.
  const at = shortest(nums[0]) ? odd : unfixed;
  throw new Failure(
    'INVALID_NUMBER',
    `number ${JSON.stringify(at.text)} at offset ${at.offset} is not written as the formatters write it (shortest digits, or the same decimals throughout)`,
    at.offset,
  );
}

function checkText(text: unknown): asserts text is string {
  if (typeof text !== 'string')
    throw new GrammarError('INVALID_ARGUMENT', `text must be a string, got ${typeof text}`);
}

/**
 * Parses a location written in the SimpleSeg grammar: `[x, y]`, `[x1, y1, x2, y2]`,
 * `[[x, y], ...]` or `[[[x, y], ...], ...]`, coordinates normalised to [0, 1].
 *
 * Strict mode (the default, for format rewards) accepts exactly what {@link formatLocation} writes
 * (either style): `', '` separators, no other whitespace, digits-dot-digits numbers in [0, 1].
 * Tolerant mode repairs what generating models emit and reports each repair: see {@link Repair}.
 * Runs in linear time.
 *
 * @throws GrammarError with a `code` and the character `offset`.
 * @example
 * parseLocation('[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]'); // → { kind: 'polygon', points: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]] }
 */
export function parseLocation(text: string, opts: ParseOptions = {}): Location {
  return parseLocationWithRepairs(text, opts).location;
}

/** {@link parseLocation}, also returning the repairs made (always empty in strict mode). */
export function parseLocationWithRepairs(
  text: string,
  opts: ParseOptions = {},
): { location: Location; repairs: Repair[] } {
  checkText(text);
  checkParseOptions(opts);
  const tolerant = opts.mode === 'tolerant';
  let start = 0;
  if (tolerant) while (start < text.length && /\s/.test(text[start])) start++;
  if (start >= text.length) throw new GrammarError('EMPTY', 'empty text', start);
  if (text[start] !== '[')
    throw new GrammarError(
      'UNEXPECTED_CHARACTER',
      `expected '[' at offset ${start}, found ${describe(text, start)}`,
      start,
    );
  const repairs: Repair[] = [];
  try {
    const { root, end } = scan(text, start, tolerant, false, repairs);
    let after = end;
    if (tolerant) while (after < text.length && /\s/.test(text[after])) after++;
    if (after < text.length)
      throw new GrammarError(
        'UNEXPECTED_CHARACTER',
        `unexpected text after the location at offset ${after}, found ${describe(text, after)}`,
        after,
      );
    const location = interpret(root, opts, repairs);
    if (!tolerant) checkCanonical(root);
    return { location, repairs };
  } catch (err) {
    throw toGrammarError(err);
  }
}

export interface ExtractedLocation {
  location: Location;
  /** `answer.slice(start, end)` is the location's text. */
  start: number;
  end: number;
  repairs: Repair[];
}

/**
 * Finds every location in a free-text answer (as the SimpleSeg decoder does with its regular
 * expression), parsing each in the given mode (default `'tolerant'`); text that is not a location
 * is skipped. Linear in the length of the answer.
 * @example
 * extractLocations('Sure, you can find it at [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]].')[0].location.kind; // → 'polygons'
 */
export function extractLocations(answer: string, opts: ParseOptions = {}): ExtractedLocation[] {
  checkText(answer);
  checkParseOptions(opts);
  const tolerant = (opts.mode ?? 'tolerant') === 'tolerant';
  return tolerant ? extractTolerant(answer, opts) : extractStrict(answer, opts);
}

/**
 * Strict extraction: a location is a whole bracket group of the text — its '[' opens at bracket
 * depth 0 and its last ']' is not followed by another — written exactly as the formatters write
 * it. One pass keeps the depth; an attempt starts only at depth 0, and the pass goes on from the
 * attempt's start after a failure (reading those characters a second time at most) or from its
 * end after a location.
 */
function extractStrict(answer: string, opts: ParseOptions): ExtractedLocation[] {
  const out: ExtractedLocation[] = [];
  const strict = { ...opts, mode: 'strict' as const };
  let depth = 0;
  for (let i = 0; i < answer.length; i++) {
    const c = answer.charCodeAt(i);
    if (c === 0x5d) {
      if (depth > 0) depth--;
      continue;
    }
    if (c !== 0x5b) continue;
    if (depth++ > 0) continue;
    const repairs: Repair[] = [];
    try {
      const { root, end } = scan(answer, i, false, true, repairs);
      const location = interpret(root, strict, repairs);
      checkCanonical(root);
      if (answer.charCodeAt(end) === 0x5d)
        throw new Failure('TOO_DEEP', `a location at offset ${i} inside more brackets`, end);
      out.push({ location, start: i, end, repairs });
      depth = 0;
      i = end - 1;
    } catch (err) {
      if (!(err instanceof Failure)) throw err;
    }
  }
  return out;
}

function extractTolerant(answer: string, opts: ParseOptions): ExtractedLocation[] {
  const out: ExtractedLocation[] = [];
  const tolerant = { ...opts, mode: 'tolerant' as const };
  let i = answer.indexOf('[');
  while (i >= 0 && i < answer.length) {
    // A location nests at most 3 brackets: in a longer run of '[', only the last 3 can start one.
    let run = i;
    while (run < answer.length && answer[run] === '[') run++;
    if (run - i > MAX_DEPTH) i = run - MAX_DEPTH;
    // Cheap look-ahead: a location's '[' is followed by another '[' or a number.
    let k = run;
    while (k < answer.length && answer[k] === ' ') k++;
    if (k >= answer.length || !/[0-9.+-]/.test(answer[k])) {
      i = answer.indexOf('[', Math.max(run, i + 1));
      continue;
    }
    const repairs: Repair[] = [];
    let next = i + 1;
    try {
      const { root, end } = scan(answer, i, true, true, repairs);
      next = Math.max(end, i + 1);
      out.push({ location: interpret(root, tolerant, repairs), start: i, end, repairs });
    } catch (err) {
      if (!(err instanceof Failure)) throw err;
      next = Math.max(err.offset, i + 1);
    }
    i = answer.indexOf('[', next);
  }
  return out;
}
