/**
 * Ground truths cannot fool a reward: a malformed one is a RewardError naming what is wrong (the
 * server answers 400 for that item), never a TypeError, a free 1 or a −Infinity; a look-alike
 * prepared object is validated like any other; and the work is proportional to what a ground truth
 * holds, not to the image size it declares.
 */
import { countsToString, rle } from '@seglang/contour';
import { formatMaskWords } from '@seglang/rq-tokenizer';
import fc from 'fast-check';
import {
  decodeRlGroundTruth,
  encodeRlGroundTruth,
  maskIouReward,
  maskWordMatchReward,
  noTargetReward,
  prepareGroundTruth,
  RewardError,
  samtokReward,
  simplesegReward,
} from '../src';

const exact = 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].';
const square = {
  width: 10,
  height: 10,
  polygons: [
    [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
    ],
  ] as [number, number][][],
};

test('a forged { prepared: true } is validated like any ground truth', () => {
  const real = prepareGroundTruth(square);
  expect(prepareGroundTruth(real)).toBe(real);
  // A look-alike, as JSON brings it: its area, centroid and runs are not trusted (a centroid of
  // 1e308 made the reward −Infinity, sent by the server as null).
  const forged = {
    prepared: true,
    width: 10,
    height: 10,
    area: 0,
    centroid: [1e308, 1e308],
    runs: { h: 10, w: 10, counts: [50] },
  };
  expect(() => simplesegReward()(exact, forged as never)).toThrow(
    expect.objectContaining({
      code: 'INVALID_GROUND_TRUTH',
      message: expect.stringMatching(/exactly one of mask, rle or polygons, got none/),
    }),
  );
  // With its data (here the real rle), everything is recomputed from the data.
  const withRle = { ...forged, rle: real.rle };
  expect(simplesegReward()(exact, withRle as never)).toEqual(simplesegReward()(exact, real));
  expect(Number.isFinite(simplesegReward()(exact, withRle as never).value)).toBe(true);
});

test('malformed ground truths of every shape are RewardErrors naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [null, /must be an object/],
    [[1, 2], /must be an object/],
    [{ width: '10', height: 10, polygons: [] }, /width and height must be positive integers/],
    [{ width: 10, height: 10 }, /exactly one of mask, rle or polygons, got none/],
    [{ width: 10, height: 10, polygons: [], rle: { size: [10, 10], counts: 'a' } }, /got rle and polygons/],
    [{ width: 10, height: 10, polygons: 'x' }, /polygons must be an array/],
    [{ width: 10, height: 10, polygons: [[1, 2]] }, /polygons\[0\]\[0\] must be \[x, y\]/],
    [{ width: 10, height: 10, polygons: [[[1, Number.NaN]]] }, /polygons\[0\]\[0\] must be finite/],
    [{ width: 10, height: 10, polygons: [[[1e9, 1]]] }, /within 1e8 pixels/],
    [{ width: 10, height: 10, rle: null }, /ground truth: ground truth rle must be \{ size, counts \}/],
    [{ width: 10, height: 10, rle: { size: [10, 10], counts: null } }, /counts must be a string/],
    [{ width: 10, height: 10, rle: { size: [10, 10], counts: 'x' } }, /invalid character "x" at offset 0/],
    [
      { width: 10, height: 10, rle: { size: [5, 5], counts: countsToString([25]) } },
      /is 5x5 but width x height is 10x10/,
    ],
    [{ width: 10, height: 10, mask: {} }, /ground truth:/],
    [{ width: 10, height: 10, polygons: [], normalized: 'yes' }, /normalized must be true or false/],
    [{ width: 50_000, height: 50_000, polygons: [] }, /more than 2\^31 − 1 pixels/],
  ];
  for (const [gt, message] of cases) {
    expect(() => prepareGroundTruth(gt as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_GROUND_TRUTH', message: expect.stringMatching(message) }),
    );
    expect(() => maskIouReward(exact, gt as never)).toThrow(RewardError);
  }
  // Arbitrary JSON: a RewardError or a prepared ground truth, nothing else.
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      for (const gt of [
        a,
        { width: 10, height: 10, polygons: a },
        { width: 10, height: 10, rle: a },
        { width: 10, height: 10, mask: b },
      ]) {
        try {
          prepareGroundTruth(gt as never);
        } catch (e) {
          expect(e).toBeInstanceOf(RewardError);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test('a ground truth is held as the runs it declares, never as a mask of its size', () => {
  // 100 bytes declaring 20000 × 20000 with no polygon once allocated a 400 MB mask (2 s); a
  // 7-character RLE for 30000 × 30000 was decoded (3–4 s). Both are kept as runs: one run of
  // background, or the RLE's three. (Their cost is measured by `npm run bench`.)
  const empty = prepareGroundTruth({ width: 20000, height: 20000, polygons: [] });
  expect(Array.from(empty.runs.counts)).toEqual([400_000_000]);
  expect([empty.area, empty.centroid]).toEqual([0, null]);
  const rle = { size: [30000, 30000], counts: countsToString([200_000_000, 100, 699_999_900]) };
  expect(rle.counts.length).toBeLessThan(16);
  const held = prepareGroundTruth({ width: 30000, height: 30000, rle } as never);
  expect(Array.from(held.runs.counts)).toEqual([200_000_000, 100, 699_999_900]);
  expect(held.area).toBe(100);
  // Column-major runs: pixels 200,000,000 … 200,000,099 lie in column 6666, rows 20000 … 20099.
  expect(held.centroid).toEqual([6666, 20049.5]);
  // Scoring still works at that size (the prediction is rasterised at the ground truth's size).
  // Its 100 pixels lie inside the predicted 18000² square.
  expect(
    maskIouReward(exact, { width: 30000, height: 30000, rle } as never, { threshold: 0 }).iou,
  ).toBeCloseTo(100 / 18000 ** 2, 15);
});

test('a SAMTok ground truth must read strictly, and the no-target text cannot be empty', () => {
  const gt = formatMaskWords([12, 47]);
  expect(maskWordMatchReward(gt, gt).value).toBe(1);
  // Truncated: the answer with no masks scored 1 against it.
  for (const broken of [
    gt.slice(0, -10),
    `${gt}<|mt_start|><|mt_0003|>`,
    '<|mt_start|><|mt_0012|><|mt_0600|><|mt_end|>',
    '<|mt_0012|>',
  ]) {
    expect(() => maskWordMatchReward('No target.', broken)).toThrow(
      expect.objectContaining({
        code: 'INVALID_GROUND_TRUTH',
        message: expect.stringMatching(/do not read strictly/),
      }),
    );
    expect(() => samtokReward()('<think>x</think><answer>No target.</answer>', broken)).toThrow(RewardError);
  }
  expect(() => maskWordMatchReward('x', 5 as never)).toThrow(
    expect.objectContaining({ code: 'INVALID_GROUND_TRUTH' }),
  );
  // An empty no-target text is in every response: it gave any text 1.
  expect(() => noTargetReward('anything', '')).toThrow(
    expect.objectContaining({ code: 'INVALID_GROUND_TRUTH' }),
  );
  expect(() => samtokReward({ noTargetText: ' ' })).toThrow(RewardError);
  expect(noTargetReward('No target.').value).toBe(1);
});

describe('RL ground truths: one JSON string naming its kind', () => {
  const mask = { width: 4, height: 3, data: Uint8Array.from([0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]) };
  test('encode writes the fields in a fixed order, decode reads them back, checked', () => {
    const r = rle.encode(mask);
    const text = encodeRlGroundTruth({ kind: 'simpleseg', width: 4, height: 3, rle: r });
    expect(text).toBe(
      `{"kind":"simpleseg","width":4,"height":3,"rle":{"size":[3,4],"counts":${JSON.stringify(r.counts)}}}`,
    );
    expect(decodeRlGroundTruth(text)).toEqual({ kind: 'simpleseg', width: 4, height: 3, rle: r });
    // An uncompressed RLE is written compressed.
    const counts = [3, 2, 1, 2, 4];
    expect(
      decodeRlGroundTruth(
        encodeRlGroundTruth({
          kind: 'simpleseg',
          width: 4,
          height: 3,
          rle: { size: [3, 4], counts } as never,
        }),
      ),
    ).toEqual({
      kind: 'simpleseg',
      width: 4,
      height: 3,
      rle: r,
    });
    const words = `${formatMaskWords([12, 47])} and ${formatMaskWords([3, 9])}`;
    expect(encodeRlGroundTruth({ kind: 'samtok', answer: words })).toBe(
      JSON.stringify({ kind: 'samtok', answer: words }),
    );
    expect(decodeRlGroundTruth('{"kind":"samtok","answer":"No target."}')).toEqual({
      kind: 'samtok',
      answer: 'No target.',
    });
  });
  test.each([
    ['not JSON', '{kind', /must be JSON/],
    ['no kind', '{"width": 4}', /kind must be "simpleseg" or "samtok", got undefined/],
    ['an unknown kind', '{"kind": "sam2"}', /got "sam2"/],
    ['an array', '[1]', /must be an object/],
    [
      'an RLE of another size',
      '{"kind":"simpleseg","width":4,"height":3,"rle":{"size":[2,2],"counts":"04"}}',
      /ground truth rle is 2x2 but width x height is 4x3/,
    ],
    [
      'a corrupt RLE',
      '{"kind":"simpleseg","width":4,"height":3,"rle":{"size":[3,4],"counts":"!!"}}',
      /invalid character/,
    ],
    ['an empty answer', '{"kind":"samtok","answer":""}', /answer text is empty/],
    ['an answer that is not text', '{"kind":"samtok","answer":5}', /must be the answer text/],
    [
      'cut-short mask words',
      `{"kind":"samtok","answer":${JSON.stringify(formatMaskWords([12, 47]).slice(0, -10))}}`,
      /do not read strictly/,
    ],
  ])('refused: %s', (_name, text, message) => {
    expect(() => decodeRlGroundTruth(text)).toThrow(
      expect.objectContaining({ code: 'INVALID_GROUND_TRUTH', message: expect.stringMatching(message) }),
    );
  });
});
