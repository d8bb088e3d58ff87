/**
 * Mask → SimpleSeg answer text, byte for byte as the public SimpleSeg data script writes it
 * (songtianhui/SimpleSeg, data/data.py: OpenCV contours and approxPolyDP, `p / [w, h]`,
 * `np.round(…, 3).tolist()`, then `str()` of the list of polygons). The golden answers come from
 * running those steps with OpenCV and numpy (`tools/golden/simpleseg_data.py`) on 404 real COCO
 * masks, the four sample masks and four hand-made ones (several parts, a line, a single pixel, a
 * ring, a diagonal, a full frame).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskToPolygons, rle } from '@seglang/contour';
import { formatPolygons, parseLocation } from '../src';

interface Case {
  source: string;
  h: number;
  w: number;
  counts: string;
  answer: string;
}

const golden: { opencv: string; numpy: string; cases: Case[] } = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/simpleseg-answers-golden.json'), 'utf8'),
);

test(`formatPolygons(maskToPolygons(mask)) is the data script's answer on all ${golden.cases.length} masks`, () => {
  const differ: string[] = [];
  for (const c of golden.cases) {
    const mask = rle.decode({ size: [c.h, c.w], counts: c.counts });
    const text = formatPolygons(maskToPolygons(mask, { preset: 'simpleseg' }));
    if (text !== c.answer) differ.push(`${c.source}: ${text.slice(0, 80)} ≠ ${c.answer.slice(0, 80)}`);
  }
  expect(differ).toEqual([]);
});

test('every golden answer parses strictly back to the polygons it was written from', () => {
  for (const c of golden.cases) {
    const mask = rle.decode({ size: [c.h, c.w], counts: c.counts });
    const polygons = maskToPolygons(mask, { preset: 'simpleseg' });
    const parsed = parseLocation(c.answer, { kind: 'polygons' });
    if (parsed.kind !== 'polygons') throw new Error(c.source);
    expect(parsed.polygons.map((p) => p.length)).toEqual(polygons.map((p) => p.length));
  }
});
