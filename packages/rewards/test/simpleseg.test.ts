import { rle } from '@seglang/contour';
import fc from 'fast-check';
import {
  centroidDistanceReward,
  formatReward,
  lengthPenalty,
  maskIouReward,
  prepareGroundTruth,
  RewardError,
  simplesegReward,
} from '../src';

// Ground truth: the 10×10 image's pixel square [2, 8]² — pixels 2…7 by the COCO rule, 36 pixels, centroid (4.5, 4.5).
const gt = {
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
const exact = 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].';
// Left half: pixels x 2…4, y 2…7 → 18 pixels; IoU 18/36 = 0.5; centroid (3, 4.5).
const half = 'Sure, you can find it at [[[0.2, 0.2], [0.5, 0.2], [0.5, 0.8], [0.2, 0.8]]].';

describe('maskIouReward', () => {
  test('hand-computed IoUs, τ and scale', () => {
    expect(maskIouReward(exact, gt)).toMatchObject({ value: 1, iou: 1 });
    expect(maskIouReward(half, gt)).toMatchObject({ value: 0.5, iou: 0.5 });
    expect(maskIouReward(half, gt, { threshold: 0.6 })).toMatchObject({
      value: 0,
      iou: 0.5,
      reason: expect.stringMatching(/< τ 0.6/),
    });
    expect(maskIouReward(half, gt, { scale: 2 }).value).toBe(1);
  });
  test('several parts are united, as the SimpleSeg decoder does', () => {
    const two =
      '[[[0.2, 0.2], [0.5, 0.2], [0.5, 0.8], [0.2, 0.8]], [[0.5, 0.2], [0.8, 0.2], [0.8, 0.8], [0.5, 0.8]]]';
    expect(maskIouReward(two, gt).iou).toBe(1);
  });
  test('the polygons are those the reference decoder finds: any spacing counts, a cut-off polygon does not', () => {
    expect(maskIouReward('It is at [[[0.2, 0.2], [0.8, 0.2]', gt)).toMatchObject({
      value: 0,
      reason: expect.stringMatching(/no mask: no polygon \(reference decoding\)/),
    });
    // No spaces: not the strict grammar, but the reference decoder reads it (the data's own square).
    const tight = '[[[0.2,0.2],[0.8,0.2],[0.8,0.8],[0.2,0.8]]]';
    expect(maskIouReward(tight, gt)).toMatchObject({ value: 1, iou: 1 });
    expect(maskIouReward(tight, gt, { decoder: 'strict' })).toMatchObject({ value: 0, iou: 0 });
    expect(formatReward(tight).value).toBe(0);
    // A malformed first polygon (".1" is no number to the decoder) and a good second one: the
    // accuracy terms see the second, the format term is 0 — as SimpleSeg's decoder would score it.
    const fragment =
      '[[[0.1, .1], [0.5, 0.1], [0.5, 0.5]], [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]]';
    expect(maskIouReward(fragment, gt).iou).toBe(1);
    expect(simplesegReward()(fragment, gt).components).toMatchObject({ iou: 1, format: 0 });
    // Where the reference decoder raises (a one-point polygon, json.loads on 007), there is no mask.
    expect(maskIouReward(`${exact} [[0.5, 0.5]]`, gt)).toMatchObject({
      value: 0,
      reason: expect.stringMatching(/reference decoder fails: frPyObjects refuses the 1-point polygon/),
    });
    expect(maskIouReward('[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 007]]', gt).reason).toMatch(
      /leading zero/,
    );
  });
  test('ground truth as mask, RLE or normalised polygons gives the same reward', () => {
    const prepared = prepareGroundTruth(gt);
    const mask = { width: 10, height: 10, data: new Uint8Array(100) };
    for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) mask.data[y * 10 + x] = 1;
    for (const g of [
      prepared,
      { width: 10, height: 10, mask },
      { width: 10, height: 10, rle: prepared.rle },
      {
        width: 10,
        height: 10,
        polygons: [
          [
            [0.2, 0.2],
            [0.8, 0.2],
            [0.8, 0.8],
            [0.2, 0.8],
          ],
        ] as [number, number][][],
        normalized: true,
      },
    ]) {
      expect(maskIouReward(half, g).iou).toBe(0.5);
    }
  });
  test('a malformed ground truth is a RewardError', () => {
    expect(() => maskIouReward(exact, { width: 0, height: 10, polygons: [] })).toThrow(RewardError);
    expect(() =>
      maskIouReward(exact, { width: 10, height: 10, rle: { size: [10, 10], counts: '!!' } }),
    ).toThrow(/ground truth/);
  });
});

test('centroidDistanceReward: −((Δx/W)² + (Δy/H)²) / 2', () => {
  expect(centroidDistanceReward(exact, gt).value).toBeCloseTo(0, 12);
  expect(centroidDistanceReward(half, gt).value).toBeCloseTo(-(0.15 ** 2) / 2, 12); // Δx = (3 − 4.5)/10
  expect(centroidDistanceReward('nothing', gt)).toMatchObject({
    value: -1,
    reason: expect.stringMatching(/no polygon/),
  });
});

test('formatReward and lengthPenalty', () => {
  expect(formatReward(exact).value).toBe(1);
  expect(formatReward('[0.5, 0.5]').value).toBe(0);
  expect(formatReward('[0.5, 0.5]', { kind: 'point' }).value).toBe(1);
  expect(lengthPenalty('x'.repeat(15), { maxChars: 10 }).value).toBe(-0.5);
  expect(lengthPenalty('x'.repeat(5), { maxChars: 10 }).value).toBe(-0);
});

test('the simpleseg preset combines IoU, distance and format (length off)', () => {
  const score = simplesegReward();
  expect(score(exact, gt)).toMatchObject({ value: 2, components: { iou: 1, format: 1 } });
  const h = score(half, gt);
  expect(h.value).toBeCloseTo(0.5 - 0.01125 + 1, 12);
  expect(simplesegReward({ weights: { length: 1 }, maxChars: 10 })(exact, gt).components).toHaveProperty(
    'length',
  );
});

test('robustness: arbitrary text, unicode, NaN, huge outputs → a number in range and a reason, never an exception', () => {
  const prepared = prepareGroundTruth(gt);
  const score = simplesegReward();
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom(
          'NaN',
          '[[[NaN, 0.1]]]',
          '[[[1e308, 0.1], [0.2, 0.2], [0.3, 0.3]]]',
          '[[[0.1, 0.1]]]',
          '[[[]]]',
        ),
      ),
      (text) => {
        const r = score(text, prepared);
        expect(Number.isFinite(r.value)).toBe(true);
        expect(r.value).toBeGreaterThanOrEqual(-1);
        expect(r.value).toBeLessThanOrEqual(2);
        expect(typeof r.reason).toBe('string');
      },
    ),
    { numRuns: 500 },
  );
  const huge = `[[${Array.from({ length: 100000 }, (_, i) => `[${(0.5 + 0.3 * Math.cos(i / 15915.5)).toFixed(3)}, ${(0.5 + 0.3 * Math.sin(i / 15915.5)).toFixed(3)}]`).join(', ')}]]`;
  const r = maskIouReward(huge, {
    width: 640,
    height: 480,
    polygons: [
      [
        [0.2, 0.2],
        [0.8, 0.2],
        [0.8, 0.8],
        [0.2, 0.8],
      ],
    ],
    normalized: true,
  });
  expect(r.iou).toBeGreaterThan(0);
  expect(r.iou).toBeLessThanOrEqual(1);
  expect(maskIouReward(42 as never, prepared).value).toBe(0);
});

test('2,000 polygons in one response: the IoU of their union, as counted pixel by pixel', () => {
  // The parts are merged in pairs (folding them one by one cost O(parts × runs): 8,000 took 3.9 s);
  // their cost is measured by `npm run bench`. Here the union is checked against one made
  // independently: each triangle rasterised alone (COCO rule), the pixels OR-ed.
  const W = 160;
  const H = 120;
  const prepared = prepareGroundTruth({
    width: W,
    height: H,
    polygons: [
      [
        [25, 25],
        [125, 25],
        [125, 100],
        [25, 100],
      ],
    ],
  });
  const triangles = Array.from({ length: 2000 }, (_, i) => {
    const x = ((i * 37) % 400) / 400;
    const y = ((i * 53) % 380) / 400;
    return [
      [x, y],
      [x + 0.03, y],
      [x + 0.03, y + 0.04],
    ] as [number, number][];
  });
  const text = `[${triangles.map((t) => `[${t.map(([x, y]) => `[${x}, ${y}]`).join(', ')}]`).join(', ')}]`;
  const union = new Uint8Array(W * H);
  for (const t of triangles) {
    const m = rle.decode(
      rle.fromPolygon(
        t.flatMap(([x, y]) => [x * W, y * H]),
        H,
        W,
      ),
    );
    for (let k = 0; k < union.length; k++) union[k] |= m.data[k];
  }
  let inter = 0;
  let area = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // The ground truth's pixels are x 25…124, y 25…99.
      const g = x >= 25 && x < 125 && y >= 25 && y < 100 ? 1 : 0;
      const p = union[y * W + x];
      inter += g & p;
      area += g | p;
    }
  expect(inter).toBeGreaterThan(0);
  expect(maskIouReward(text, prepared, { threshold: 0 }).iou).toBeCloseTo(inter / area, 12);
  expect(simplesegReward()(text, prepared).components?.iou).toBe(inter / area >= 0.5 ? 1 : 0);
});
