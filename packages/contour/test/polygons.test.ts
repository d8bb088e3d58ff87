/** maskToPolygons behaviour: presets, ε forms, boundary modes, minimum area, and the round-trip figures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  approxPolyDP,
  arcLength,
  findContours,
  type Mask,
  maskIou,
  maskToPolygons,
  polygonsToMask,
  rle,
} from '../src';

const square: Mask = {
  width: 4,
  height: 4,
  data: Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
};

test('a 2×2 block: pixel centres rasterise to 1 pixel, pixel edges to all 4', () => {
  const centres = maskToPolygons(square, { normalize: false });
  const edges = maskToPolygons(square, { normalize: false, boundary: 'pixel-edges' });
  // OpenCV's order: counter-clockwise on screen from the top-left pixel (the SimpleSeg data script).
  expect(centres).toEqual([
    [
      [1, 1],
      [1, 2],
      [2, 2],
      [2, 1],
    ],
  ]);
  expect(edges).toEqual([
    [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
    ],
  ]);
  // Clockwise on screen on request, keeping the first vertex.
  expect(maskToPolygons(square, { normalize: false, orientation: 'screen-clockwise' })).toEqual([
    [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ],
  ]);
  expect(
    maskToPolygons(square, { normalize: false, boundary: 'pixel-edges', orientation: 'screen-clockwise' }),
  ).toEqual([
    [
      [1, 1],
      [3, 1],
      [3, 3],
      [1, 3],
    ],
  ]);
  expect(polygonsToMask(centres, 4, 4).data.reduce((a, b) => a + b, 0)).toBe(1);
  expect(Array.from(polygonsToMask(edges, 4, 4).data)).toEqual(Array.from(square.data));
});

test('the simpleseg preset is the SimpleSeg data script: external/simple contours, ε = 0.001·perimeter, normalised', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/coco-golden.json'), 'utf8'));
  for (const img of golden.masks.slice(0, 15)) {
    for (const counts of img.counts) {
      const mask = rle.decode({ size: [img.h, img.w], counts });
      // OpenCV's own vertex order and start point: nothing reversed.
      const script = findContours(mask, { mode: 'external', method: 'simple' }).contours.map((c) =>
        approxPolyDP(c, 0.001 * arcLength(c, true), true).map(([x, y]) => [x / img.w, y / img.h]),
      );
      expect(maskToPolygons(mask, { preset: 'simpleseg' })).toEqual(script);
      expect(maskToPolygons(mask)).toEqual(script);
    }
  }
});

test('ε in pixels, as a perimeter fraction and in normalised units', () => {
  const mask: Mask = { width: 200, height: 100, data: new Uint8Array(200 * 100) };
  for (let y = 0; y < 100; y++)
    for (let x = 0; x < 200; x++)
      if ((x - 100) ** 2 / 80 ** 2 + (y - 50) ** 2 / 40 ** 2 <= 1) mask.data[y * 200 + x] = 1;
  const [contour] = findContours(mask, { mode: 'external', method: 'simple' }).contours;
  const n = (eps: Parameters<typeof maskToPolygons>[1]) =>
    maskToPolygons(mask, { ...eps, normalize: false })[0].length;
  expect(n({ epsilon: 2 })).toBe(approxPolyDP(contour, 2, true).length);
  expect(n({ epsilon: { pixels: 2 } })).toBe(n({ epsilon: 2 }));
  expect(n({ epsilon: { perimeter: 0.01 } })).toBe(
    approxPolyDP(contour, 0.01 * arcLength(contour, true), true).length,
  );
  // 0.02 in normalised units of a 200×100 image = 0.02·min(200, 100) = 2 pixels.
  expect(n({ epsilon: { normalized: 0.02 } })).toBe(n({ epsilon: 2 }));
  expect(n({ epsilon: 8 })).toBeLessThan(n({ epsilon: 1 }));
});

test('options given as undefined keep their defaults', () => {
  expect(maskToPolygons(square, { boundary: undefined, epsilon: undefined, normalize: undefined })).toEqual(
    maskToPolygons(square),
  );
});

test('minArea drops small parts; parts keep OpenCV order', () => {
  const m: Mask = { width: 10, height: 5, data: new Uint8Array(50) };
  for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) m.data[y * 10 + x] = 1; // 3×3 → area 4
  m.data[2 * 10 + 7] = 1; // single pixel → area 0
  expect(maskToPolygons(m, { normalize: false })).toHaveLength(2);
  expect(maskToPolygons(m, { normalize: false, minArea: 1 })).toEqual([
    [
      [1, 1],
      [1, 3],
      [3, 3],
      [3, 1],
    ],
  ]);
});

test('round-trip IoU of both boundary modes on real COCO masks (the figures in the README)', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/coco-golden.json'), 'utf8'));
  const sums = { centres: 0, edges: 0, edgesSimplified: 0, centresSimplified: 0 };
  let n = 0;
  for (const img of golden.masks) {
    for (const counts of img.counts) {
      const mask = rle.decode({ size: [img.h, img.w], counts });
      const roundTrip = (
        boundary: 'pixel-centres' | 'pixel-edges',
        epsilon: number | { perimeter: number },
      ) =>
        maskIou(
          mask,
          polygonsToMask(maskToPolygons(mask, { boundary, epsilon }), img.w, img.h, { normalized: true }),
        );
      sums.centres += roundTrip('pixel-centres', 0);
      sums.edges += roundTrip('pixel-edges', 0);
      sums.centresSimplified += roundTrip('pixel-centres', { perimeter: 0.001 });
      sums.edgesSimplified += roundTrip('pixel-edges', { perimeter: 0.001 });
      n++;
    }
  }
  const mean = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n]));
  console.log(`round-trip mean IoU over ${n} COCO masks`, mean);
  // Pixel edges lose nothing but filled holes; pixel centres lose the right/bottom half-pixel band.
  expect(mean.edges).toBeGreaterThan(0.99);
  expect(mean.centres).toBeLessThan(mean.edges);
  expect(mean.edgesSimplified).toBeGreaterThan(mean.centresSimplified);
});
