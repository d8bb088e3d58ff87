/**
 * The `reference` decoding mode against the public SimpleSeg decoder itself: the Python block of
 * SimpleSeg's README (regular expression, json.loads, pycocotools' frPyObjects and decode, union),
 * executed as it stands on a seeded corpus of 900 answers by `tools/golden/simpleseg_decoder.py`
 * (real answers written from COCO masks, and the ways model output goes wrong). For every answer:
 * the same matched texts, and the same mask — or no mask where the reference raises.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rle } from '@seglang/contour';
import { answerMask, decodeAnswer, referenceMatches } from '../src';
import { scanReference } from '../src/reference';

interface Case {
  text: string;
  w: number;
  h: number;
  matches: string[];
  counts?: string;
  error?: 'AxisError' | 'JSONDecodeError' | 'Exception' | 'TypeError';
  message?: string;
}

const golden: { outcomes: Record<string, number>; cases: Case[] } = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/simpleseg-decoder-golden.json'), 'utf8'),
);

test(`the same matches as the README's regular expression on all ${golden.cases.length} answers`, () => {
  const differ = golden.cases
    .map((c) => ({
      text: c.text,
      want: c.matches,
      got: referenceMatches(c.text).map((m) => c.text.slice(m.start, m.end)),
    }))
    .filter((d) => JSON.stringify(d.got) !== JSON.stringify(d.want));
  expect(differ).toEqual([]);
});

test('the same masks as the reference decoder, and no mask exactly where it raises', () => {
  const outcomes: Record<string, number> = {};
  const differ: string[] = [];
  for (const c of golden.cases) {
    const decoded = decodeAnswer(c.text, { mode: 'reference' });
    const got = rle.encode(answerMask(decoded, c.w, c.h));
    // What the reference raises: json.loads on a match it refuses, frPyObjects on a polygon of one
    // point (Exception) or two (TypeError from frBbox), and numpy on an answer without any polygon.
    const expected = c.error ?? 'mask';
    const ours =
      decoded.failure?.code === 'json'
        ? 'JSONDecodeError'
        : decoded.failure?.code === 'short-polygon'
          ? decoded.parts.find((p) => p.points.length < 3)?.points.length === 1
            ? 'Exception'
            : 'TypeError'
          : decoded.parts.length === 0
            ? 'AxisError'
            : 'mask';
    outcomes[ours] = (outcomes[ours] ?? 0) + 1;
    if (ours !== expected)
      differ.push(`${JSON.stringify(c.text.slice(0, 80))}: ${ours} ≠ ${expected} (${c.message})`);
    else if (c.counts !== undefined && got.counts !== c.counts)
      differ.push(`${JSON.stringify(c.text.slice(0, 80))}: mask differs`);
    else if (c.counts === undefined && got.counts !== rle.encode(answerMask('', c.w, c.h)).counts)
      differ.push(`${JSON.stringify(c.text.slice(0, 80))}: a mask where the reference has none`);
  }
  expect(differ).toEqual([]);
  expect(outcomes).toEqual(golden.outcomes);
  console.log(`reference decoder outcomes over ${golden.cases.length} answers`, outcomes);
});

test('linear work on answers built to make a backtracking matcher slow (1× against 8× the input)', () => {
  const shapes = [
    (n: number) => '[[[0.1, 0.1], '.repeat(n),
    (n: number) => '['.repeat(14 * n),
    (n: number) => '[ '.repeat(7 * n),
    (n: number) => `[[0.1, 0.1]${', [0.1, 0.1]'.repeat(n)}`,
    (n: number) => `[[${'1'.repeat(14 * n)}`,
    (n: number) => `[[0.1,${' '.repeat(14 * n)}`,
    (n: number) => '[[0.1, 0.1], [0.2'.repeat(n),
  ];
  for (const shape of shapes) {
    // Characters examined, counted by the scanner: exact, unlike a clock.
    const small = scanReference(shape(1000)).steps;
    const large = scanReference(shape(8000)).steps;
    const perChar = large / shape(8000).length;
    expect({ shape: shape(1).slice(0, 20), ratio: large / small, perChar: perChar < 6 }).toEqual({
      shape: shape(1).slice(0, 20),
      ratio: expect.closeTo(8, 0),
      perChar: true,
    });
  }
});
