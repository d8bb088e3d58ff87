import { maskIou, polygonsToMask } from '@seglang/contour';
import { rng } from '@seglang/testing';
import fc from 'fast-check';
import { polygonIou, polygonIouDetailed, polygonIouReward, RewardError } from '../src';

test('hand-computed vector IoUs', () => {
  // Squares [0,2]² and [1,3]²: intersection 1, union 7.
  expect(
    polygonIou(
      [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
        ],
      ],
      [
        [
          [1, 1],
          [3, 1],
          [3, 3],
          [1, 3],
        ],
      ],
    ),
  ).toBeCloseTo(1 / 7, 12);
  // Two parts of a prediction are united first: [0,1]×[0,2] ∪ [1,2]×[0,2] is the square [0,2]².
  expect(
    polygonIou(
      [
        [
          [0, 0],
          [1, 0],
          [1, 2],
          [0, 2],
        ],
        [
          [1, 0],
          [2, 0],
          [2, 2],
          [1, 2],
        ],
      ],
      [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
        ],
      ],
    ),
  ).toBeCloseTo(1, 12);
  // A self-intersecting bow-tie is repaired into its two triangles (area 2) inside the square (area 4).
  expect(
    polygonIou(
      [
        [
          [0, 0],
          [2, 2],
          [2, 0],
          [0, 2],
        ],
      ],
      [
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [0, 2],
        ],
      ],
    ),
  ).toBeCloseTo(0.5, 12);
  expect(
    polygonIou(
      [],
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      ],
    ),
  ).toBe(0);
  expect(() =>
    polygonIou(
      [
        [
          [0, 0],
          [1, Number.NaN],
          [1, 1],
        ],
      ],
      [],
    ),
  ).toThrow(RewardError);
});

test('the reward: the reference decoder’s polygons, IoU in normalised space, τ', () => {
  const gt = [
    [
      [0.2, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.2, 0.8],
    ],
  ] as [number, number][][];
  expect(
    polygonIouReward('It is at [[[0.2, 0.2], [0.5, 0.2], [0.5, 0.8], [0.2, 0.8]]].', gt).iou,
  ).toBeCloseTo(0.5, 12);
  expect(
    polygonIouReward('It is at [[[0.2, 0.2], [0.5, 0.2], [0.5, 0.8], [0.2, 0.8]]].', gt, { threshold: 0.6 })
      .value,
  ).toBe(0);
  expect(polygonIouReward('no polygon', gt)).toMatchObject({
    value: 0,
    reason: expect.stringMatching(/no polygon/),
  });
  // Without spaces: the reference decoder reads it, the strict one does not.
  const tight = '[[0.2,0.2],[0.5,0.2],[0.5,0.8],[0.2,0.8]]';
  expect(polygonIouReward(tight, gt).iou).toBeCloseTo(0.5, 12);
  expect(polygonIouReward(tight, gt, { decoder: 'strict' }).iou).toBe(0);
});

test('vector IoU approaches the raster IoU at high resolution', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.double({ min: 0.05, max: 0.95, noNaN: true }),
          fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        ),
        { minLength: 3, maxLength: 6 },
      ),
      (pts) => {
        const sq = [
          [
            [0.3, 0.3],
            [0.7, 0.3],
            [0.7, 0.7],
            [0.3, 0.7],
          ],
        ] as [number, number][][];
        const convex = [
          pts.sort((a, b) => Math.atan2(a[1] - 0.5, a[0] - 0.5) - Math.atan2(b[1] - 0.5, b[0] - 0.5)),
        ] as [number, number][][];
        const v = polygonIou(convex, sq);
        const r = maskIou(
          polygonsToMask(convex, 2000, 2000, { normalized: true }),
          polygonsToMask(sq, 2000, 2000, { normalized: true }),
        );
        expect(Math.abs(v - r)).toBeLessThan(0.01);
      },
    ),
    { numRuns: 30 },
  );
});

test('a tangled polygon is measured on a raster, in bounded work, with the reason', () => {
  // 401 random points: a ring with thousands of self-crossings, which took polygon-clipping 1.4 s.
  const r = rng(401);
  const tangled = Array.from({ length: 401 }, () => [r(), r()] as [number, number]);
  const square = [
    [
      [0.2, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.2, 0.8],
    ],
  ] as [number, number][][];
  const d = polygonIouDetailed([tangled], square);
  expect(d.method).toBe('raster');
  expect(d.reason).toMatch(/more than 64 edge crossings: raster IoU on a 1024² grid/);
  expect(d.iou).toBeGreaterThan(0);
  expect(d.iou).toBeLessThan(1);
  const text = `[[${tangled.map(([x, y]) => `[${x.toFixed(3)}, ${y.toFixed(3)}]`).join(', ')}]]`;
  expect(polygonIouReward(text, square, { threshold: 0 }).reason).toMatch(
    /^IoU \(the prediction has more than 64/,
  );
  // Simple polygons keep the exact vector IoU; the raster agrees with it to the grid's resolution.
  const half = [
    [
      [0.2, 0.2],
      [0.5, 0.2],
      [0.5, 0.8],
      [0.2, 0.8],
    ],
  ] as [number, number][][];
  expect(polygonIouDetailed(half, square)).toMatchObject({ method: 'vector', iou: expect.closeTo(0.5, 12) });
  // A side with more than 4,096 vertices goes to the raster at once.
  const circle = Array.from(
    { length: 5000 },
    (_, i) => [0.5 + 0.3 * Math.cos(i / 795.8), 0.5 + 0.3 * Math.sin(i / 795.8)] as [number, number],
  );
  expect(polygonIouDetailed([circle], square)).toMatchObject({
    method: 'raster',
    reason: expect.stringMatching(/5000 vertices/),
  });
});
