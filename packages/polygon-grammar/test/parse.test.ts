import fc from 'fast-check';
import {
  createStreamParser,
  extractLocations,
  formatLocation,
  GrammarError,
  type Location,
  parseLocation,
  parseLocationWithRepairs,
  SIMPLESEG_ANSWERS,
} from '../src';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const pt = fc.tuple(unit, unit);
const locationArb: fc.Arbitrary<Location> = fc.oneof(
  pt.map((point) => ({ kind: 'point' as const, point })),
  fc.tuple(unit, unit, unit, unit).map((bbox) => ({ kind: 'bbox' as const, bbox })),
  fc.array(pt, { minLength: 1, maxLength: 20 }).map((points) => ({ kind: 'polygon' as const, points })),
  fc
    .array(fc.array(pt, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 })
    .map((polygons) => ({ kind: 'polygons' as const, polygons })),
);

/** The location with every coordinate replaced by the number its formatted text denotes. */
function rounded(loc: Location, style: 'python' | 'fixed'): Location {
  return JSON.parse(
    JSON.stringify(loc, (_k, v) =>
      typeof v === 'number'
        ? Number(
            formatLocation({ kind: 'point', point: [v, 0] }, { style })
              .slice(1)
              .split(',')[0],
          )
        : v,
    ),
  );
}

test('round trip: parseLocation(format(x)) equals x after rounding, every kind, both styles, both modes', () => {
  fc.assert(
    fc.property(locationArb, fc.constantFrom('python' as const, 'fixed' as const), (loc, style) => {
      const text = formatLocation(loc, { style });
      expect(parseLocation(text)).toEqual(rounded(loc, style));
      // Tolerant mode gives the same unless it reports a repair (duplicate or closing points are dropped).
      const tolerant = parseLocationWithRepairs(text, { mode: 'tolerant', kind: loc.kind });
      if (tolerant.repairs.length === 0) expect(tolerant.location).toEqual(rounded(loc, style));
      else
        expect(
          tolerant.repairs.every((r) => r.kind === 'duplicate-point' || r.kind === 'closing-point'),
        ).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

describe('strict mode accepts only the exact grammar', () => {
  test.each([
    ['[0.1,0.2]', 5],
    ['[0.1,  0.2]', 6],
    [' [0.1, 0.2]', 0],
    ['[0.1, 0.2] ', 10],
    ['[[0.1, 0.2], [0.3, 0.4],]', 24],
    ['[.5, 0.2]', 1],
    ['[1, 0.2]', 1],
    ['[0.1, 0.2', 9],
  ])('%j fails at offset %i', (text, offset) => {
    expect(() => parseLocation(text)).toThrow(GrammarError);
    try {
      parseLocation(text);
    } catch (e) {
      expect((e as GrammarError).offset).toBe(offset);
    }
  });
  test.each([
    ['[00.9, 0.2]', 1],
    ['[0.9, 00.2]', 6],
    ['[[0.50, 0.25], [0.1, 0.2], [0.3, 0.4]]', 16],
    ['[[0.500, 0.250], [0.100, 0.20], [0.300, 0.400]]', 25],
    ['[1.00, 0.5]', 7],
    ['[0.5, 1.00]', 6],
  ])('%j is not written as the formatters write it (offset %i)', (text, offset) => {
    expect(() => parseLocation(text)).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER', offset }));
  });
  test('either style, with any number of decimals, is canonical', () => {
    for (const text of [
      '[0.5, 0.25]',
      '[0.500, 0.250]',
      '[1.0, 0.0]',
      '[1.000, 0.000]',
      '[0.5, 0.5]',
      '[0.12345, 0.1]',
    ])
      expect(parseLocation(text).kind).toBe('point');
  });
  test('extraction: a location is a whole bracket group, not the inside of a deeper one', () => {
    const poly = '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]]';
    expect(extractLocations(`It is at ${poly}.`, { mode: 'strict' })).toHaveLength(1);
    expect(extractLocations(`It is at [${poly}.`, { mode: 'strict' })).toEqual([]);
    expect(extractLocations(`It is at ${poly}].`, { mode: 'strict' })).toEqual([]);
    expect(extractLocations(`It is at [${poly}].`, { mode: 'strict' })).toEqual([]);
    // Tolerant extraction still reads it.
    expect(extractLocations(`It is at [${poly}].`, { mode: 'tolerant' })).toHaveLength(1);
  });
  test('strict means canonical: whatever it accepts is what formatLocation writes, in some style', () => {
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.constantFrom(...'0123456789., []'),
    );
    fc.assert(
      fc.property(
        locationArb,
        fc.constantFrom('python' as const, 'fixed' as const),
        fc.integer({ min: 1, max: 6 }),
        mutation,
        (loc, style, decimals, [at, op, ch]) => {
          const text = formatLocation(loc, { style, decimals });
          const i = at % (text.length + 1);
          const mutated =
            op === 'insert'
              ? text.slice(0, i) + ch + text.slice(i)
              : op === 'delete'
                ? text.slice(0, i) + text.slice(i + 1)
                : text.slice(0, i) + ch + text.slice(i + 1);
          let parsed: Location;
          try {
            parsed = parseLocation(mutated);
          } catch {
            return;
          }
          const writes = (['python', 'fixed'] as const).some((st) =>
            Array.from({ length: 15 }, (_, d) => d + 1).some(
              (d) => formatLocation(parsed, { style: st, decimals: d }) === mutated,
            ),
          );
          expect({ mutated, writes }).toEqual({ mutated, writes: true });
        },
      ),
      { numRuns: 3000 },
    );
  });
  test('kind mismatch and out-of-range values', () => {
    expect(() => parseLocation('[0.1, 0.2]', { kind: 'bbox' })).toThrow(/expected a bbox, found a point/);
    expect(() => parseLocation('[0.1, 1.2]')).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE', offset: 6 }),
    );
  });
});

describe('tolerant mode repairs what models emit, reporting each repair', () => {
  const repairs = (text: string, kind?: Location['kind']) =>
    parseLocationWithRepairs(text, { mode: 'tolerant', kind });
  test('truncated output and a dangling half point', () => {
    const r = repairs('[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7');
    expect(r.location).toEqual({
      kind: 'polygons',
      polygons: [
        [
          [0.1, 0.2],
          [0.3, 0.4],
          [0.5, 0.6],
        ],
      ],
    });
    expect(r.repairs.map((x) => x.kind)).toEqual(['truncated', 'dangling-half-point']);
  });
  test('trailing comma, extra spaces, missing comma', () => {
    expect(
      repairs('[ [0.1,0.2] ,[0.3 0.4], [0.5, 0.6], ]')
        .repairs.map((x) => x.kind)
        .sort(),
    ).toEqual(['missing-comma', 'spacing', 'trailing-comma']);
  });
  test('duplicate consecutive points and a closing point equal to the first', () => {
    const r = repairs('[[0.1, 0.2], [0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.1, 0.2]]');
    expect(r.location).toEqual({
      kind: 'polygon',
      points: [
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
    });
    expect(r.repairs.map((x) => x.kind)).toEqual(['duplicate-point', 'closing-point']);
  });
  test('values slightly outside [0, 1] are clamped; far outside is an error', () => {
    expect(repairs('[1.01, -0.004]').location).toEqual({ kind: 'point', point: [1, 0] });
    expect(() => repairs('[1.5, 0.2]')).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE', offset: 1 }));
  });
  test('a single polygon where a list of polygons was asked for is wrapped', () => {
    expect(repairs('[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]', 'polygons').repairs.map((x) => x.kind)).toEqual([
      'wrapped',
    ]);
  });
});

describe('extractLocations', () => {
  test('every SimpleSeg answer template', () => {
    const a = '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]]';
    for (const t of SIMPLESEG_ANSWERS) {
      const text = t.replace('{a}', a);
      const [got] = extractLocations(text);
      expect(text.slice(got.start, got.end)).toBe(a);
      expect(got.repairs).toEqual([]);
    }
  });
  test('several locations among garbage, unicode and brackets that are not locations', () => {
    const text = 'I [think] the 🐕 is at [0.25, 0.5] and [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]] [or [0.9, 0.9';
    const got = extractLocations(text);
    expect(got.map((g) => g.location.kind)).toEqual(['point', 'polygon', 'point']);
    expect(got[2].repairs.map((r) => r.kind)).toEqual(['truncated']);
  });
});

test('the stream parser emits points as they complete', () => {
  const p = createStreamParser();
  const text = 'Sure: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]].';
  const events = [...text].flatMap((ch) => p.push(ch));
  expect(events).toEqual([
    { type: 'point', point: [0.1, 0.2], part: 0, index: 0 },
    { type: 'point', point: [0.3, 0.4], part: 0, index: 1 },
    { type: 'point', point: [0.5, 0.6], part: 1, index: 0 },
  ]);
  const single = createStreamParser();
  expect(single.push('[[0.1, 0.2], [0.3, 0.4]')).toHaveLength(2);
  expect(single.end().location).toEqual({
    kind: 'polygon',
    points: [
      [0.1, 0.2],
      [0.3, 0.4],
    ],
  });
});

describe('bad input → GrammarError with code and offset, never a hang', () => {
  test.each([
    ['', 'EMPTY', 0],
    ['NaN', 'UNEXPECTED_CHARACTER', 0],
    ['[[', 'UNEXPECTED_END', 2],
    ['[NaN, 0.1]', 'UNEXPECTED_CHARACTER', 1],
    ['[٠.١, 0.2]', 'INVALID_NUMBER', 1],
    ['[[[[0.1, 0.2]]]]', 'TOO_DEEP', 3],
    ['[]', 'UNEXPECTED_CHARACTER', 1],
  ])('%j → %s at %i', (text, code, offset) => {
    expect(() => parseLocation(text)).toThrow(expect.objectContaining({ code, offset }));
  });
  test('10 MB of "[" in every entry point', () => {
    const big = '['.repeat(10_000_000);
    expect(() => parseLocation(big)).toThrow(expect.objectContaining({ code: 'TOO_DEEP', offset: 3 }));
    expect(() => parseLocation(big, { mode: 'tolerant' })).toThrow(GrammarError);
    expect(extractLocations(big)).toEqual([]);
    const p = createStreamParser();
    p.push(big);
    expect(() => p.end()).toThrow(GrammarError);
  });
  test('10 MB of brackets around letters (every "[" a rejected candidate)', () => {
    const big = '[a'.repeat(5_000_000);
    expect(extractLocations(big)).toEqual([]);
    expect(() => parseLocation(big)).toThrow(
      expect.objectContaining({ code: 'UNEXPECTED_CHARACTER', offset: 1 }),
    );
  });
  test('10 MB of numbers without a closing bracket', () => {
    const big = `[${'0.5, '.repeat(2_000_000)}`;
    expect(() => parseLocation(big)).toThrow(expect.objectContaining({ code: 'UNEXPECTED_END' }));
    expect(extractLocations(big)).toEqual([]);
  });
  test('non-string input', () => {
    expect(() => parseLocation(42 as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
  test('options are checked before any text is read, also where the text holds no location', () => {
    const bad: [object, RegExp][] = [
      [{ mode: 'lenient' }, /mode must be 'strict' or 'tolerant', got lenient/],
      [{ kind: 'mask' }, /kind must be point, bbox, polygon, polygons, got mask/],
      [{ clampTolerance: -0.1 }, /clampTolerance must be a finite number >= 0, got -0.1/],
      [{ clampTolerance: Number.NaN }, /clampTolerance .* got NaN/],
    ];
    const text = '[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]';
    for (const [opts, message] of bad) {
      const expected = expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(message),
      });
      expect(() => parseLocation(text, opts)).toThrow(expected);
      expect(() => extractLocations('no location here', opts)).toThrow(expected);
      expect(() => createStreamParser(opts)).toThrow(expected);
    }
    expect(() => extractLocations('x', null as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    // Valid options still parse.
    expect(parseLocation(text, { kind: 'polygon', mode: 'strict', clampTolerance: 0 }).kind).toBe('polygon');
  });
});
