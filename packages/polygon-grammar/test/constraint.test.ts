/** Grammar-constrained decoding over the real Qwen3 vocabulary (151,669 tokens). */
import fc from 'fast-check';
import { createConstraint, formatLocation, GrammarError, type Location, parseLocation } from '../src';
import { qwen3, qwen3Vocabulary, rng } from './helpers';

const tokenizer = qwen3();
const vocabulary = qwen3Vocabulary(tokenizer);
const EOS = [151643, 151645]; // <|endoftext|>, <|im_end|>

const allowedIds = (bits: Uint32Array) => {
  const out: number[] = [];
  for (let w = 0; w < bits.length; w++)
    for (let b = bits[w]; b !== 0; b &= b - 1) out.push(w * 32 + (31 - Math.clz32(b & -b)));
  return out;
};

describe.each([
  ['polygons', 'python'],
  ['polygon', 'fixed'],
  ['any', 'python'],
  ['bbox', 'fixed'],
] as const)('kind %s, style %s', (kind, style) => {
  const c = createConstraint({
    vocabulary,
    eosTokenIds: EOS,
    kind,
    style,
    decimals: 3,
    maxPoints: 6,
    maxParts: 3,
  });

  test('1,000 decodings with random logits all parse in strict mode', () => {
    const r = rng(kind.length * 31 + style.length);
    for (let run = 0; run < 1000; run++) {
      let state = c.initialState();
      let text = '';
      for (let step = 0; step < 2000; step++) {
        // Random logits then argmax over the allowed tokens = a uniform pick among them.
        const allowed = c.allowedTokenIds(state);
        if (allowed.length === 0) throw new Error(`no allowed token after ${JSON.stringify(text)}`);
        const id = allowed[Math.floor(r() * allowed.length)];
        if (EOS.includes(id)) break;
        text += vocabulary[id];
        state = c.advance(state, id);
      }
      if (!c.isComplete(state)) throw new Error(`incomplete: ${JSON.stringify(text)}`);
      const loc = parseLocation(text);
      if (kind !== 'any' && loc.kind !== kind) throw new Error(`${loc.kind} from ${JSON.stringify(text)}`);
    }
  });

  test('maskLogits on the full vocabulary keeps exactly the allowed logits', () => {
    const r = rng(5);
    let state = c.initialState();
    let text = '';
    const logits = new Float32Array(vocabulary.length);
    const masked = Number.NEGATIVE_INFINITY; // read once: globals are slow in jest's vm context
    for (let step = 0; step < 400 && !c.isComplete(state); step++) {
      for (let i = 0; i < logits.length; i++) logits[i] = r() * 10;
      const before = logits.slice();
      c.maskLogits(logits, state);
      const bits = c.allowedTokens(state);
      let best = -1;
      let wrong = 0;
      for (let i = 0; i < logits.length; i++) {
        const allowed = (bits[i >>> 5] >>> (i & 31)) & 1;
        if (logits[i] !== (allowed ? before[i] : masked)) wrong++;
        if (best < 0 || logits[i] > logits[best]) best = i;
      }
      expect(wrong).toBe(0);
      // The bitset and the id list name the same tokens (typed-array sorts are numeric).
      const fromBits = Int32Array.from(allowedIds(bits)).sort();
      const ids = Int32Array.from(c.allowedTokenIds(state)).sort();
      expect(ids.length).toBe(fromBits.length);
      expect(ids.findIndex((id, k) => id !== fromBits[k])).toBe(-1);
      if (EOS.includes(best)) break;
      text += vocabulary[best];
      state = c.advance(state, best);
      if (step > 40) break; // a few dozen full-vocabulary steps are enough here
    }
    expect(() => parseLocation(text, { mode: 'tolerant' })).not.toThrow();
  });
});

test('no false rejections: 1,000 valid locations tokenised by Qwen3 are accepted token by token', () => {
  const unit = fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000);
  const pt = fc.tuple(unit, unit);
  const loc: fc.Arbitrary<Location> = fc.oneof(
    pt.map((point) => ({ kind: 'point' as const, point })),
    fc.tuple(unit, unit, unit, unit).map((bbox) => ({ kind: 'bbox' as const, bbox })),
    fc.array(pt, { minLength: 1, maxLength: 6 }).map((points) => ({ kind: 'polygon' as const, points })),
    fc
      .array(fc.array(pt, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 })
      .map((polygons) => ({ kind: 'polygons' as const, polygons })),
  );
  const constraints = {
    python: createConstraint({
      vocabulary,
      eosTokenIds: EOS,
      kind: 'any',
      style: 'python',
      maxPoints: 6,
      maxParts: 3,
    }),
    fixed: createConstraint({
      vocabulary,
      eosTokenIds: EOS,
      kind: 'any',
      style: 'fixed',
      maxPoints: 6,
      maxParts: 3,
    }),
  };
  fc.assert(
    fc.property(loc, fc.constantFrom('python' as const, 'fixed' as const), (l, style) => {
      const c = constraints[style];
      const text = formatLocation(l, { style });
      let state = c.initialState();
      for (const id of tokenizer.encode(text).ids) {
        if (((c.allowedTokens(state)[id >>> 5] >>> (id & 31)) & 1) !== 1)
          throw new Error(`${JSON.stringify(vocabulary[id])} rejected in ${JSON.stringify(text)}`);
        state = c.advance(state, id);
      }
      if (!c.isComplete(state)) throw new Error(`incomplete after ${JSON.stringify(text)}`);
      expect((c.allowedTokens(state)[EOS[0] >>> 5] >>> (EOS[0] & 31)) & 1).toBe(1);
    }),
    { numRuns: 1000 },
  );
});

test('bad options and disallowed tokens', () => {
  expect(() => createConstraint({ vocabulary: [], eosTokenIds: [] })).toThrow(GrammarError);
  expect(() => createConstraint({ vocabulary, eosTokenIds: [1e9] })).toThrow(/eosTokenIds/);
  const c = createConstraint({ vocabulary, eosTokenIds: EOS, kind: 'point' });
  expect(() => c.advance(c.initialState(), tokenizer.encode('hello').ids[0])).toThrow(/not allowed/);
  expect(() => c.allowedTokens(99999)).toThrow(/unknown constraint state/);
});

test('minPoints: a polygon cannot close before it has that many points; points and boxes are unaffected', () => {
  const c = createConstraint({ vocabulary, eosTokenIds: EOS, kind: 'any', minPoints: 3 });
  /** Whether the tokens of `text` are all allowed and end in a complete location. */
  const accepts = (text: string) => {
    let state = c.initialState();
    for (const id of tokenizer.encode(text).ids) {
      if (((c.allowedTokens(state)[id >>> 5] >>> (id & 31)) & 1) !== 1) return false;
      state = c.advance(state, id);
    }
    return c.isComplete(state);
  };
  expect(accepts('[[0.1, 0.2]]')).toBe(false);
  expect(accepts('[[0.1, 0.2], [0.3, 0.4]]')).toBe(false);
  expect(accepts('[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]')).toBe(true);
  expect(accepts('[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], [[0.1, 0.2], [0.3, 0.4]]]')).toBe(false);
  expect(accepts('[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]], [[0.1, 0.2], [0.3, 0.4], [0.5, 0.5]]]')).toBe(true);
  expect(accepts('[0.1, 0.2]')).toBe(true);
  expect(accepts('[0.1, 0.2, 0.3, 0.4]')).toBe(true);
  // Random decodings never produce a polygon of fewer than 3 points.
  const r = rng(77);
  for (let run = 0; run < 300; run++) {
    let state = c.initialState();
    let text = '';
    for (let step = 0; step < 2000; step++) {
      const allowed = c.allowedTokenIds(state);
      const id = allowed[Math.floor(r() * allowed.length)];
      if (EOS.includes(id)) break;
      text += vocabulary[id];
      state = c.advance(state, id);
    }
    const loc = parseLocation(text);
    const polygons = loc.kind === 'polygon' ? [loc.points] : loc.kind === 'polygons' ? loc.polygons : [];
    for (const p of polygons) expect(p.length).toBeGreaterThanOrEqual(3);
  }
  expect(() => createConstraint({ vocabulary, eosTokenIds: EOS, minPoints: 0 })).toThrow(/minPoints/);
  expect(() => createConstraint({ vocabulary, eosTokenIds: EOS, minPoints: 5, maxPoints: 4 })).toThrow(
    /minPoints/,
  );
});
