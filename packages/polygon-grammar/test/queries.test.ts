import { type Mask, maskToPolygons, polygonsToMask } from '@seglang/contour';
import {
  buildQueries,
  countTokens,
  epsilonForBudget,
  formatPolygons,
  GrammarError,
  parseLocation,
  QUERY_TASKS,
  SIMPLESEG_ANSWERS,
  SIMPLESEG_QUESTIONS,
  weakLabels,
} from '../src';
import { qwen3 } from './helpers';

const polygons: [number, number][][] = [
  [
    [0.1, 0.1],
    [0.5, 0.1],
    [0.5, 0.2],
    [0.2, 0.2],
    [0.2, 0.6],
    [0.1, 0.6],
  ],
]; // an L

test('weak labels: the box is the min/max, the point lies inside the mask (even for an L shape)', () => {
  const { bbox, point } = weakLabels(polygons);
  expect(bbox).toEqual([0.1, 0.1, 0.5, 0.6]);
  const mask = polygonsToMask(polygons, 1000, 1000, { normalized: true });
  expect(mask.data[Math.floor(point[1] * 1000) * 1000 + Math.floor(point[0] * 1000)]).toBe(1);
});

test('weak labels of many points, of empty parts, and of bad input', () => {
  // 300,000 points: more than a spread into Math.min accepts (it overflowed the stack).
  const ring = Array.from({ length: 300_000 }, (_, i): [number, number] => {
    const a = (i / 300_000) * 2 * Math.PI;
    return [0.5 + 0.4 * Math.cos(a), 0.5 + 0.3 * Math.sin(a)];
  });
  const { bbox, point } = weakLabels([ring]);
  const box = [1, 1, 0, 0];
  for (const [x, y] of ring) {
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  }
  expect(bbox).toEqual(box);
  expect(Math.hypot(point[0] - 0.5, point[1] - 0.5)).toBeLessThan(0.01);
  // An empty part before a single point: the point is the label (it threw a TypeError).
  expect(weakLabels([[], [[0.2, 0.3]]])).toEqual({ bbox: [0.2, 0.3, 0.2, 0.3], point: [0.2, 0.3] });
  expect(() => weakLabels([[], []])).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  expect(() => weakLabels([[[0.1, Number.NaN]]])).toThrow(/polygons\[0\]\[0\]/);
});

test('every task from the 4-tuple, with SimpleSeg templates for text → mask; deterministic for a seed', () => {
  const q = buildQueries({ text: 'the dog on the left', polygons }, { seed: 7 });
  expect(q.map((x) => x.task)).toEqual(QUERY_TASKS);
  const t2m = q.find((x) => x.task === 'text2mask')!;
  expect(SIMPLESEG_QUESTIONS.map((t) => t.replace('{q}', 'the dog on the left'))).toContain(t2m.question);
  const a = formatPolygons(polygons);
  expect(SIMPLESEG_ANSWERS.map((t) => t.replace('{a}', a))).toContain(t2m.answer);
  expect(buildQueries({ text: 'the dog on the left', polygons }, { seed: 7 })).toEqual(q);
  const seeds = new Set(
    Array.from(
      { length: 30 },
      (_, s) => buildQueries({ text: 'x', polygons }, { seed: s, tasks: ['text2mask'] })[0].question,
    ),
  );
  expect(seeds.size).toBeGreaterThan(3);
  // Answers parse back to the targets.
  expect(parseLocation(q.find((x) => x.task === 'text2bbox')!.answer.replace(/^[^[]*|[^\]]*$/g, ''))).toEqual(
    { kind: 'bbox', bbox: [0.1, 0.1, 0.5, 0.6] },
  );
  expect(q.find((x) => x.task === 'point2text')!.answer).toBe('The dog on the left.');
});

test('maskText (SAMTok mask words) stands in for the polygon text; the box and point still come from the polygons', () => {
  const words = '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>';
  const q = buildQueries({ text: 'the dog', polygons, maskText: words }, { seed: 3 });
  const byTask = Object.fromEntries(q.map((x) => [x.task, x]));
  expect(SIMPLESEG_ANSWERS.map((t) => t.replace('{a}', words))).toContain(byTask.text2mask.answer);
  expect(byTask.mask2text.question).toContain(words);
  expect(byTask.text2bbox.answer).toContain('[0.1, 0.1, 0.5, 0.6]');
  for (const x of q) expect(x.question + x.answer).not.toContain('[[');
  // Mask words alone are enough for the text ↔ mask tasks.
  expect(buildQueries({ text: 'the dog', maskText: words }).map((x) => x.task)).toEqual([
    'text2mask',
    'mask2text',
  ]);
});

test('tasks whose inputs are missing are skipped, or rejected when asked for', () => {
  expect(buildQueries({ text: 'a cat', bbox: [0.1, 0.2, 0.3, 0.4] }).map((x) => x.task)).toEqual([
    'text2bbox',
    'bbox2text',
  ]);
  expect(() => buildQueries({ text: 'a cat' }, { tasks: ['text2mask'] })).toThrow(GrammarError);
  expect(() => buildQueries({ text: 'a cat' }, { tasks: ['mask2mask' as never] })).toThrow(/unknown task/);
});

test('bad options are refused with the option named, not a crash while filling templates', () => {
  const target = { text: 'a cat', bbox: [0.1, 0.2, 0.3, 0.4] as [number, number, number, number] };
  const refused = (opts: object, message: RegExp) =>
    expect(() => buildQueries(target, opts)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
    );
  refused({ seed: Number.NaN }, /options\.seed must be an integer, got NaN/);
  refused({ seed: 1.5 }, /options\.seed/);
  refused({ answers: [] }, /options\.answers must be a non-empty array of strings/);
  refused({ answers: [42] }, /options\.answers/);
  refused({ templates: { text2bbox: [] } }, /options\.templates\.text2bbox must be a non-empty array/);
  refused({ templates: 'x' }, /options\.templates must be an object/);
  refused({ tasks: 'text2bbox' }, /options\.tasks must be an array/);
  refused({ decimals: 20 }, /decimals/);
  // Also when no task is built.
  expect(() => buildQueries(target, { tasks: [], seed: Number.NaN })).toThrow(/options\.seed/);
  expect(buildQueries(target, { seed: -3 }).length).toBe(2);
});

describe('token budget with the real Qwen3 tokenizer', () => {
  const tokenizer = qwen3();
  const mask: Mask = { width: 400, height: 300, data: new Uint8Array(400 * 300) };
  for (let y = 0; y < 300; y++)
    for (let x = 0; x < 400; x++) {
      const r = 100 + 30 * Math.sin(8 * Math.atan2(y - 150, x - 200));
      if ((x - 200) ** 2 + (y - 150) ** 2 <= r * r) mask.data[y * 400 + x] = 1;
    }

  test('countTokens counts Qwen3 tokens', () => {
    expect(countTokens('[[[0.5, 0.25]]]', tokenizer)).toBe(tokenizer.encode('[[[0.5, 0.25]]]').ids.length);
    expect(countTokens('abc', (t) => t.length)).toBe(3);
  });

  test('epsilonForBudget finds the smallest ε whose text fits the budget', () => {
    const full = countTokens(formatPolygons(maskToPolygons(mask, { epsilon: 0 })), tokenizer);
    for (const budget of [400, 220]) {
      expect(full).toBeGreaterThan(budget);
      const eps = epsilonForBudget(mask, tokenizer, budget);
      const at = (e: number) =>
        countTokens(formatPolygons(maskToPolygons(mask, { epsilon: { normalized: e } })), tokenizer);
      expect(at(eps)).toBeLessThanOrEqual(budget);
      expect(at(eps * 0.9)).toBeGreaterThan(budget * 0.9); // not far below the budget
    }
    expect(epsilonForBudget(mask, tokenizer, 100000)).toBe(0);
    expect(() => epsilonForBudget(mask, tokenizer, 0)).toThrow(GrammarError);
    expect(() => countTokens(7 as never, tokenizer)).toThrow(GrammarError);
  });
});
