import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Mask, rle } from '@seglang/contour';
import fc from 'fast-check';
import {
  boundaryFScore,
  boxFromPolygons,
  boxIou,
  chamferDistance,
  groupAdvantages,
  groupStats,
  gspoSequenceRatio,
  ReferringSegmentationMeter,
  RewardError,
  recAccuracy,
  tokensPerMaskStats,
} from '../src';

const mask = (w: number, h: number, pixels: Array<[number, number]>): Mask => {
  const m = { width: w, height: h, data: new Uint8Array(w * h) };
  for (const [x, y] of pixels) m.data[y * w + x] = 1;
  return m;
};

test('ReferringSegmentationMeter: cIoU, gIoU, N-acc, T-acc and Pr@k on a hand-computed batch (GRES conventions)', () => {
  const gt4 = mask(4, 4, [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
  const pred2 = mask(4, 4, [
    [0, 0],
    [1, 0],
  ]);
  const empty = mask(4, 4, []);
  const pred3 = mask(4, 4, [
    [3, 3],
    [2, 3],
    [3, 2],
  ]);
  const gt2 = mask(4, 4, [
    [2, 2],
    [3, 2],
  ]);
  for (const referenceCompatible of [false, true]) {
    const meter = new ReferringSegmentationMeter({ referenceCompatible });
    expect(meter.add(pred2, gt4)).toBe(0.5); // I 2, U 4
    expect(meter.add(empty, empty)).toBe(1); // no target, correctly empty
    expect(meter.add(pred3, null)).toBe(0); // no target, 3 pixels predicted: U += 3
    expect(meter.add(null, gt2)).toBe(0); // target missed: U += 2
    const r = meter.result();
    expect(r.cIoU).toBeCloseTo(2 / 9, 12);
    expect(r.gIoU).toBeCloseTo(1.5 / 4, 12);
    expect((r as Record<string, number>)['Pr@0.5']).toBe(0.5);
    expect((r as Record<string, number>)['Pr@0.9']).toBe(0.25);
    expect(r.nAcc).toBeCloseTo(referenceCompatible ? 1 / 3 : 1 / 2, 12);
    expect(r.tAcc).toBeCloseTo(referenceCompatible ? 1 / 3 : 1 / 2, 12);
  }
});

test('per-sample IoU agrees with the pycocotools golden vectors', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/coco-golden.json'), 'utf8'));
  let compared = 0;
  for (const img of golden.masks.slice(0, 30)) {
    const rs = img.counts.map((counts: string) => ({ size: [img.h, img.w] as [number, number], counts }));
    rs.forEach((d: { size: [number, number]; counts: string }, di: number) =>
      rs.forEach((g: { size: [number, number]; counts: string }, gi: number) => {
        if (img.iscrowd[gi] || rle.area(g) === 0) return;
        const iou = new ReferringSegmentationMeter().add(d, g);
        expect(Math.abs(iou - img.iou[di][gi])).toBeLessThanOrEqual(1e-12);
        compared++;
      }),
    );
  }
  expect(compared).toBeGreaterThan(50);
});

test('recAccuracy: strict > 0.5 by default, ≥ 0.5 as an option; boxes from polygons by min/max', () => {
  const box = boxFromPolygons([
    [
      [0, 0],
      [2, 0],
      [1, 1],
    ],
  ])!;
  expect(box).toEqual([0, 0, 2, 1]);
  // 300,000 points (a spread into Math.min overflowed the stack); non-finite points are refused.
  const many = Array.from({ length: 300_000 }, (_, i): [number, number] => [i % 1000, Math.floor(i / 1000)]);
  expect(boxFromPolygons([many])).toEqual([0, 0, 999, 299]);
  expect(boxFromPolygons([[], []])).toBeNull();
  expect(() => boxFromPolygons([[[0, Number.NaN]]])).toThrow(/polygons\[0\]\[0\]/);
  expect(chamferDistance(many, [[0, 0]])).toBeGreaterThan(0);
  // IoU of [0,0,2,1] with [0,0,1,1] is exactly 0.5.
  expect(
    recAccuracy(
      [box, null],
      [
        [0, 0, 1, 1],
        [0, 0, 1, 1],
      ],
    ),
  ).toBe(0);
  expect(
    recAccuracy(
      [box, null],
      [
        [0, 0, 1, 1],
        [0, 0, 1, 1],
      ],
      { inclusive: true },
    ),
  ).toBe(0.5);
});

test('boundary F-score and Chamfer distance', () => {
  const a = mask(
    10,
    10,
    Array.from({ length: 16 }, (_, i) => [2 + (i % 4), 2 + Math.floor(i / 4)] as [number, number]),
  );
  const shifted = mask(
    10,
    10,
    Array.from({ length: 16 }, (_, i) => [3 + (i % 4), 2 + Math.floor(i / 4)] as [number, number]),
  );
  expect(boundaryFScore(a, a, 0)).toBe(1);
  expect(boundaryFScore(a, shifted, 1)).toBe(1);
  expect(boundaryFScore(a, shifted, 0)).toBeLessThan(1);
  expect(
    chamferDistance(
      [
        [0, 0],
        [1, 0],
      ],
      [[0, 1]],
    ),
  ).toBeCloseTo(((1 + Math.SQRT2) / 2 + 1) / 2, 12);
  expect(tokensPerMaskStats([10, 30, 20, 40])).toEqual({
    count: 4,
    mean: 25,
    median: 30,
    p90: 40,
    min: 10,
    max: 40,
  });
});

test('finite-looking input never gives NaN or Infinity: out-of-range values are RewardErrors', () => {
  const huge = [0, 0, 1e308, 1e308];
  expect(() => boxIou(huge, huge)).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/within ±1e15/) }),
  );
  expect(() => recAccuracy([huge], [huge])).toThrow(RewardError);
  expect(() => chamferDistance([[1e308, 0]], [[-1e308, 0]])).toThrow(RewardError);
  expect(() => tokensPerMaskStats([1.5, 3])).toThrow(/non-negative integer/);
  // 1e308 rewards gave NaN advantages; the log-ratio of GSPO was not checked at all.
  expect(() => groupAdvantages([1e308, -1e308], 2)).toThrow(
    /rewards\[0\] must be a finite number within ±1e15/,
  );
  expect(() => groupStats([1e308, 0], 2)).toThrow(RewardError);
  expect(() => gspoSequenceRatio([Number.NaN], [0])).toThrow(/logProbsNew\[0\] must be a finite number/);
  expect(() => gspoSequenceRatio(['a'] as never, [0])).toThrow(RewardError);
  expect(() => gspoSequenceRatio([0], [-800])).toThrow(/mean token log-ratio is 800/);
  // Within the range every result is finite.
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e15, max: 1e15, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.array(fc.double({ min: -1e15, max: 1e15, noNaN: true }), { minLength: 4, maxLength: 4 }),
      (a, b) => {
        expect(Number.isFinite(boxIou(a, b))).toBe(true);
        expect(Array.from(groupAdvantages([...a, ...b], 4)).every(Number.isFinite)).toBe(true);
        expect(Number.isFinite(chamferDistance([[a[0], a[1]]], [[b[0], b[1]]]))).toBe(true);
      },
    ),
    { numRuns: 500 },
  );
});
