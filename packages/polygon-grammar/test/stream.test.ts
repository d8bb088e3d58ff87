/**
 * The stream parser: what it pushes is always a prefix of what `end()` returns (same points, parts
 * and indices), in range, on valid and broken model output cut into chunks of every size; `end()`
 * never fails after a point was pushed; 256 k characters pushed one at a time read as the whole text.
 */
import fc from 'fast-check';
import {
  createStreamParser,
  formatLocation,
  type Location,
  type Point,
  parseLocation,
  type StreamPointEvent,
} from '../src';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const pt = fc.tuple(unit, unit);
const locationArb: fc.Arbitrary<Location> = fc.oneof(
  pt.map((point) => ({ kind: 'point' as const, point })),
  fc.array(pt, { minLength: 1, maxLength: 12 }).map((points) => ({ kind: 'polygon' as const, points })),
  fc
    .array(fc.array(pt, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 })
    .map((polygons) => ({ kind: 'polygons' as const, polygons })),
);

/** Edits that model output makes: stray or missing characters, repeats, out-of-range numbers. */
const edit = fc.tuple(
  fc.nat(),
  fc.constantFrom('insert', 'delete', 'replace', 'repeat-point', 'close-point'),
  fc.constantFrom(...'[], .0123456789-e x', '1.5', '1.01', '-0.005', ', [0.5', ']]', '[[', '0.5, 0.5, 0.5'),
);

function mutate(text: string, edits: [number, string, string][]): string {
  let t = text;
  for (const [at, op, s] of edits) {
    const i = at % (t.length + 1);
    if (op === 'insert') t = t.slice(0, i) + s + t.slice(i);
    else if (op === 'delete') t = t.slice(0, i) + t.slice(i + 1);
    else if (op === 'replace') t = t.slice(0, i) + s + t.slice(i + 1);
    else {
      // Repeat a point, or append the polygon's first point at its end.
      const m = /\[\d[^[\]]*\]/.exec(t.slice(i)) ?? /\[\d[^[\]]*\]/.exec(t);
      if (!m) continue;
      const j = t.indexOf(m[0], op === 'repeat-point' ? Math.min(i, t.length) : 0);
      const k = j < 0 ? t.indexOf(m[0]) : j;
      if (op === 'repeat-point') t = `${t.slice(0, k + m[0].length)}, ${m[0]}${t.slice(k + m[0].length)}`;
      else {
        const close = t.indexOf(']]', k);
        if (close >= 0) t = `${t.slice(0, close + 1)}, ${m[0]}${t.slice(close + 1)}`;
      }
    }
  }
  return t;
}

function chunked(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  let k = 0;
  while (i < text.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** The points of a final location, as the events would name them. */
function points(loc: Location): StreamPointEvent[] {
  const polys = loc.kind === 'polygon' ? [loc.points] : loc.kind === 'polygons' ? loc.polygons : [];
  return polys.flatMap((poly, part) =>
    poly.map((point, index) => ({
      type: 'point' as const,
      point,
      part: loc.kind === 'polygons' ? part : 0,
      index,
    })),
  );
}

test('what streams is a prefix of what end() returns, in range, on edited model output in any chunks', () => {
  let withEvents = 0;
  fc.assert(
    fc.property(
      locationArb,
      fc.constantFrom('python' as const, 'fixed' as const),
      fc.array(edit, { maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
      fc.constantFrom('', 'Sure: ', 'It is at '),
      fc.constantFrom('', '.', ' and more [0.1, 0.2]'),
      (loc, style, edits, sizes, before, after) => {
        const text = before + mutate(formatLocation(loc, { style }), edits) + after;
        const p = createStreamParser();
        const events = chunked(text, sizes).flatMap((c) => p.push(c));
        for (const e of events) expect(e.point.every((v) => v >= 0 && v <= 1)).toBe(true);
        if (events.length === 0) return;
        withEvents++;
        // end() does not fail once a point was pushed, and holds every pushed point.
        const { location } = p.end();
        expect({ text, events }).toEqual({ text, events: points(location).slice(0, events.length) });
      },
    ),
    { numRuns: 4000 },
  );
  // Most cases stream something: the property is not vacuous.
  expect(withEvents).toBeGreaterThan(2000);
});

test('a clean answer streams every point, whatever the chunking', () => {
  const text =
    'Sure: [[[0.1, 0.2], [0.3, 0.4], [0.1, 0.2], [0.5, 0.6]], [[0.7, 0.8], [0.9, 0.8], [0.7, 0.8]]].';
  for (const size of [1, 2, 3, 7, 100]) {
    const p = createStreamParser();
    const events = chunked(text, [size]).flatMap((c) => p.push(c));
    const final = p.end().location;
    // The last point of the second polygon equals its first: the closing point, not streamed.
    expect(events).toEqual(points(final));
    expect(events.map((e) => [e.part, e.index])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 0],
      [1, 1],
    ]);
  }
});

test('the stream stops where tolerant parsing could not go on, and end() parses what it read', () => {
  const p = createStreamParser();
  const events = p.push('[[0.1, 0.2], [0.3, 0.4], [1.7, 0.5], [0.6, 0.6]]');
  expect(events.map((e) => e.point)).toEqual([
    [0.1, 0.2],
    [0.3, 0.4],
  ]);
  expect(p.end().location).toEqual({
    kind: 'polygon',
    points: [
      [0.1, 0.2],
      [0.3, 0.4],
    ],
  });
  expect(() => createStreamParser({ mode: 'strict' })).toThrow(/parsed tolerantly/);
  expect(() => createStreamParser().push(5 as never)).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
  );
});

test('256 k characters one a chunk: every point once, in order, and the location of the whole text', () => {
  // The stream's cost per character is measured by `npm run bench` (1× against 8× the text).
  const points: Point[] = Array.from({ length: 16000 }, (_, i) => [
    Number(((i % 997) / 997).toFixed(3)),
    Number(((i % 991) / 991).toFixed(3)),
  ]);
  const text = `[[${points.map(([x, y]) => `[${x}, ${y}]`).join(', ')}]]`;
  expect(text.length).toBeGreaterThan(250_000);
  const p = createStreamParser();
  const events: StreamPointEvent[] = [];
  for (let i = 0; i < text.length; i++) events.push(...p.push(text[i]));
  const end = p.end();
  expect(events.map((e) => e.point)).toEqual(points);
  expect(events.every((e, i) => e.part === 0 && e.index === i)).toBe(true);
  expect(end.location).toEqual(parseLocation(text, { mode: 'tolerant' }));
});
