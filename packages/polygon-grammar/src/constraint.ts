import { GrammarError, show } from './errors';
import { LOCATION_KINDS, type LocationKind } from './location';

export interface ConstraintOptions {
  /** The decoded text of every token id (`vocabulary[id]`). */
  vocabulary: string[];
  /** Ids that end generation; allowed only once the location is complete. */
  eosTokenIds: number[];
  /** What may be generated (default `'any'`). */
  kind?: LocationKind | 'any';
  /** Number style, as {@link formatLocation} writes it (default `'python'`). */
  style?: 'python' | 'fixed';
  /** Default 3. */
  decimals?: number;
  /** At most this many points per polygon. */
  maxPoints?: number;
  /** At least this many points per polygon (default 1; 3 rules out polygons without area). */
  minPoints?: number;
  /** At most this many polygons in a list of polygons. */
  maxParts?: number;
}

/** Grammar-constrained decoding over a tokenizer vocabulary. States are small integers. */
export interface Constraint {
  initialState(): number;
  /** Bitset over token ids (bit `id & 31` of word `id >> 5`). Cached: do not modify. */
  allowedTokens(state: number): Uint32Array;
  /** The allowed token ids, ascending order not guaranteed. Cached: do not modify. */
  allowedTokenIds(state: number): Int32Array;
  /** The state after emitting token `id`. @throws GrammarError when the token is not allowed. */
  advance(state: number, id: number): number;
  /** Whether the text so far is a complete location (end-of-sequence is allowed). */
  isComplete(state: number): boolean;
  /** Sets the logits of every token not allowed in `state` to −∞, in place. */
  maskLogits(logits: Float32Array, state: number): void;
  /**
   * Builds the token index of every reachable state now instead of on first use (as outlines and
   * XGrammar precompute theirs). Returns the number of states.
   */
  precompute(): number;
  /** Number of automaton states indexed so far. */
  readonly indexedStates: number;
}

/** The character-level state: where in the structure, where in the current number, and the counts. */
interface CharState {
  levels: number; // 0: not decided yet ('any'), 1: point/bbox, 2: polygon, 3: polygons
  depth: number; // open brackets
  phase: number; // 0 expect value, 1 in number, 2 after value, 3 after comma (expect space), 4 done
  lead: number; // number: first digit (0 or 1), -1 before it
  digits: number; // digits after the point, -1 before the point
  lastNonZero: boolean;
  allZero: boolean;
  numbers: number; // numbers in the innermost list
  points: number; // points in the current polygon
  parts: number; // polygons in the list
}

const ALPHABET = /^[[\], .0-9]+$/;

export function createConstraint(opts: ConstraintOptions): Constraint {
  if (opts === null || typeof opts !== 'object')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      'options must be an object { vocabulary, kind?, style?, decimals? }',
    );
  const vocabulary = opts.vocabulary;
  if (!Array.isArray(vocabulary) || vocabulary.length === 0)
    throw new GrammarError('INVALID_ARGUMENT', 'vocabulary must be a non-empty array of token strings');
  const kind = opts.kind ?? 'any';
  const style = opts.style ?? 'python';
  const decimals = opts.decimals ?? 3;
  if (kind !== 'any' && !LOCATION_KINDS.includes(kind))
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `kind must be point, bbox, polygon, polygons or any, got ${String(kind)}`,
    );
  if (style !== 'python' && style !== 'fixed')
    throw new GrammarError('INVALID_ARGUMENT', `style must be 'python' or 'fixed', got ${String(style)}`);
  if (!Number.isInteger(decimals) || decimals < 1 || decimals > 15)
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `decimals must be an integer in [1, 15], got ${String(decimals)}`,
    );
  const maxPoints = opts.maxPoints ?? Number.POSITIVE_INFINITY;
  const maxParts = opts.maxParts ?? Number.POSITIVE_INFINITY;
  const minPoints = opts.minPoints ?? 1;
  if (!Number.isInteger(minPoints) || minPoints < 1 || minPoints > maxPoints)
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `minPoints must be an integer in [1, maxPoints], got ${String(opts.minPoints)}`,
    );
  const eos = new Set(opts.eosTokenIds ?? []);
  for (const id of eos)
    if (!Number.isInteger(id) || id < 0 || id >= vocabulary.length)
      throw new GrammarError('INVALID_ARGUMENT', `eosTokenIds has ${show(id)}, outside the vocabulary`);
  const fixedLevels =
    kind === 'point' || kind === 'bbox' ? 1 : kind === 'polygon' ? 2 : kind === 'polygons' ? 3 : 0;

  // Only tokens made of grammar characters can ever be allowed.
  const candidates: number[] = [];
  vocabulary.forEach((t, id) => {
    if (typeof t === 'string' && t.length > 0 && ALPHABET.test(t) && !eos.has(id)) candidates.push(id);
  });

  const numberComplete = (s: CharState) => {
    if (s.digits < 1) return false;
    if (style === 'fixed') return s.digits === decimals;
    if (s.lead === 1) return s.digits === 1; // "1.0"
    return s.lastNonZero || (s.digits === 1 && s.allZero); // "0.5", "0.05", or "0.0"
  };
  const innermostCounts = (s: CharState): number[] =>
    s.levels >= 2 ? [2] : kind === 'point' ? [2] : kind === 'bbox' ? [4] : [2, 4];

  /** One character; null when it leaves the grammar (or could never complete). */
  function step(s: CharState, ch: string): CharState | null {
    const n = { ...s };
    if (n.phase === 4) return null;
    if (n.phase === 1) {
      if (ch === '.' && n.digits === -1) {
        n.digits = 0;
        return n;
      }
      if (ch >= '0' && ch <= '9' && n.digits >= 0) {
        if (n.digits >= decimals) return null;
        const d = ch.charCodeAt(0) - 48;
        if (n.lead === 1 && d !== 0) return null;
        n.digits++;
        n.lastNonZero = d !== 0;
        n.allZero = n.allZero && d === 0;
        if (style === 'python') {
          if (n.lead === 1 && n.digits > 1) return null;
          // Python's repr never ends in a zero unless the number is 0.0; prune prefixes that cannot complete.
          if (!numberComplete(n) && n.digits >= decimals) return null;
        }
        return n;
      }
      if (!numberComplete(n)) return null;
      n.phase = 2;
      n.numbers++;
      // fall through: the character after a number is handled as "after value"
    }
    if (n.phase === 3) {
      if (ch !== ' ') return null;
      n.phase = 0;
      return n;
    }
    if (n.phase === 0) {
      if (ch === '[') {
        if (n.depth >= 3) return null;
        if (n.levels !== 0 && n.depth >= n.levels) return null;
        n.depth++;
        if (n.levels === 0 && n.depth === 3) {
          // 'any' turns out to be a list of polygons: this is the first polygon's first point.
          n.levels = 3;
          if (fixedLevels !== 0 && fixedLevels !== 3) return null;
          n.parts = 1;
          n.points = 0;
        }
        if (n.depth === 2 && n.levels === 3) {
          if (n.parts >= maxParts) return null;
          n.parts++;
          n.points = 0;
        }
        if (n.depth === n.levels || (n.levels === 0 && n.depth >= 1)) n.numbers = 0;
        if ((n.levels === 2 && n.depth === 2) || (n.levels === 3 && n.depth === 3)) {
          if (n.points >= maxPoints) return null;
          n.points++;
        }
        return n;
      }
      if (ch >= '0' && ch <= '1' && n.depth >= 1) {
        if (n.levels === 0) {
          n.levels = n.depth;
          if (fixedLevels !== 0 && fixedLevels !== n.levels) return null;
          if (n.levels === 2) n.points = 1;
        } else if (n.depth !== n.levels) return null;
        n.phase = 1;
        n.lead = ch === '1' ? 1 : 0;
        n.digits = -1;
        n.lastNonZero = false;
        n.allZero = true;
        return n;
      }
      return null;
    }
    // phase 2: after a value
    if (ch === ',') {
      if (n.depth === n.levels || (n.levels === 0 && n.depth === 1)) {
        if (n.numbers >= Math.max(...innermostCounts(n))) return null;
      } else if (n.depth === n.levels - 1) {
        if (n.points >= maxPoints) return null;
      } else if (n.depth === 1 && n.levels === 3 && n.parts >= maxParts) return null;
      n.phase = 3;
      return n;
    }
    if (ch === ']') {
      if (n.depth === n.levels && !innermostCounts(n).includes(n.numbers)) return null;
      if (n.levels >= 2 && n.depth === n.levels - 1 && n.points < minPoints) return null;
      n.depth--;
      n.phase = n.depth === 0 ? 4 : 2;
      return n;
    }
    return null;
  }

  const keyOf = (s: CharState) =>
    `${s.levels}|${s.depth}|${s.phase}|${s.lead}|${s.digits}|${+s.lastNonZero}|${+s.allZero}|${s.numbers}|${Number.isFinite(maxPoints) ? s.points : Math.min(s.points, minPoints)}|${Number.isFinite(maxParts) ? s.parts : 0}`;
  const states: CharState[] = [];
  const ids = new Map<string, number>();
  const intern = (s: CharState) => {
    const k = keyOf(s);
    let id = ids.get(k);
    if (id === undefined) {
      id = states.length;
      states.push(s);
      ids.set(k, id);
    }
    return id;
  };
  const words = (vocabulary.length + 31) >>> 5;
  const index: Array<{ bits: Uint32Array; allowed: Int32Array; next: Map<number, number> } | undefined> = [];

  function build(state: number) {
    const bits = new Uint32Array(words);
    const next = new Map<number, number>();
    const allowed: number[] = [];
    const start = states[state];
    for (const id of candidates) {
      let s: CharState | null = start;
      const text = vocabulary[id];
      for (let i = 0; i < text.length && s; i++) s = step(s, text[i]);
      if (!s) continue;
      next.set(id, intern(s));
      bits[id >>> 5] |= 1 << (id & 31);
      allowed.push(id);
    }
    if (start.phase === 4) {
      for (const id of eos) {
        bits[id >>> 5] |= 1 << (id & 31);
        allowed.push(id);
        next.set(id, state);
      }
    }
    const entry = { bits, allowed: Int32Array.from(allowed), next };
    index[state] = entry;
    return entry;
  }
  const entryOf = (state: number) => {
    if (!Number.isInteger(state) || state < 0 || state >= states.length)
      throw new GrammarError('INVALID_ARGUMENT', `unknown constraint state ${String(state)}`);
    return index[state] ?? build(state);
  };

  const initial = intern({
    levels: fixedLevels,
    depth: 0,
    phase: 0,
    lead: -1,
    digits: -1,
    lastNonZero: false,
    allZero: true,
    numbers: 0,
    points: 0,
    parts: 0,
  });
  return {
    initialState: () => initial,
    allowedTokens: (state) => entryOf(state).bits,
    allowedTokenIds: (state) => entryOf(state).allowed,
    advance(state, id) {
      const next = entryOf(state).next.get(id);
      if (next === undefined)
        throw new GrammarError(
          'INVALID_ARGUMENT',
          `token ${id} (${JSON.stringify(vocabulary[id])}) is not allowed in state ${state}`,
        );
      return next;
    },
    isComplete: (state) => {
      entryOf(state);
      return states[state].phase === 4;
    },
    maskLogits(logits, state) {
      const { allowed } = entryOf(state);
      const keep = new Float32Array(allowed.length);
      for (let i = 0; i < allowed.length; i++) keep[i] = logits[allowed[i]];
      logits.fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < allowed.length; i++) logits[allowed[i]] = keep[i];
    },
    precompute() {
      const queue = [initial];
      const seen = new Set(queue);
      while (queue.length > 0) {
        const state = queue.pop()!;
        for (const next of entryOf(state).next.values()) {
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      return seen.size;
    },
    get indexedStates() {
      return states.length;
    },
  };
}
