/**
 * The `simpleseg` preset against the public SimpleSeg data script (songtianhui/SimpleSeg,
 * data/data.py) run with OpenCV itself: `fixtures/simpleseg-data-golden.json` holds, for 404 real
 * COCO masks, the four sample masks and four hand-made ones, the vertices that
 * `cv2.approxPolyDP(c, 0.001 * cv2.arcLength(c, True), True)` keeps on each
 * `cv2.findContours(mask, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE)` contour, in OpenCV's order
 * (`tools/golden/simpleseg_data.py`, Debian's python3-opencv 4.6). polygon-grammar's tests check
 * the answer text the script writes from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskToPolygons, polygonOrientation, rle } from '../src';

interface Case {
  source: string;
  h: number;
  w: number;
  counts: string;
  pixels: [number, number][][];
}

const golden: { opencv: string; cases: Case[] } = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/simpleseg-data-golden.json'), 'utf8'),
);

test(`the simpleseg preset keeps the data script's vertices, start points and order on all ${golden.cases.length} masks`, () => {
  let parts = 0;
  for (const c of golden.cases) {
    const mask = rle.decode({ size: [c.h, c.w], counts: c.counts });
    const where = `${c.source} (OpenCV ${golden.opencv})`;
    expect({ where, pixels: maskToPolygons(mask, { preset: 'simpleseg', normalize: false }) }).toEqual({
      where,
      pixels: c.pixels,
    });
    // Normalised exactly as numpy's p / [w, h] (a division, not a multiplication by 1/w).
    expect({ where, normalised: maskToPolygons(mask, { preset: 'simpleseg' }) }).toEqual({
      where,
      normalised: c.pixels.map((p) => p.map(([x, y]) => [x / c.w, y / c.h])),
    });
    parts += c.pixels.length;
  }
  expect(parts).toBeGreaterThan(golden.cases.length);
});

test('OpenCV traces these outer borders counter-clockwise on screen; screen-clockwise reverses them', () => {
  const counts = { opencv: 0, reversed: 0 };
  for (const c of golden.cases.slice(0, 60)) {
    const mask = rle.decode({ size: [c.h, c.w], counts: c.counts });
    const cw = maskToPolygons(mask, { normalize: false, orientation: 'screen-clockwise' });
    c.pixels.forEach((p, k) => {
      if (polygonOrientation(p) === 'counter-clockwise') {
        counts.opencv++;
        // The same vertices from the same start, in the other direction.
        expect(cw[k]).toEqual([p[0], ...p.slice(1).reverse()]);
        counts.reversed++;
      }
    });
  }
  expect(counts.opencv).toBeGreaterThan(60);
  expect(counts.reversed).toBe(counts.opencv);
});
