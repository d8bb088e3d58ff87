import { maskIou, polygonsToMask } from '@seglang/contour';
import fc from 'fast-check';
import { polygonIou, polygonIouReward, RewardError } from '../src';

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
