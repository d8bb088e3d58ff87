/** The README's example is examples/quickstart.ts verbatim, and it runs with these results. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickstart } from '../examples/quickstart';
import { cvFindContours, loadOpenCV } from './helpers/opencv';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const example = readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim();
  expect(readme).toContain(example);
});

test('the quickstart example produces what the README says', async () => {
  const { cv } = await loadOpenCV();
  const mask = {
    width: 6,
    height: 5,
    data: Uint8Array.from([
      0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0,
    ]),
  };
  // 8-connected tracing cuts the inner corner: (3, 3) → (2, 2).
  expect(quickstart.contours).toEqual([
    [
      [1, 1],
      [1, 3],
      [4, 3],
      [3, 3],
      [2, 2],
      [2, 1],
    ],
  ]);
  expect(quickstart.contours).toEqual(cvFindContours(cv, mask, 'external', 'simple').contours);
  const n = ([x, y]: number[]) => [x / 6, y / 5];
  // The data script keeps OpenCV's order: the contour itself, normalised.
  expect(quickstart.polygons).toEqual(quickstart.contours.map((c) => c.map(n)));
  expect(quickstart.clockwise).toEqual([
    [
      [1, 1],
      [2, 1],
      [2, 2],
      [3, 3],
      [4, 3],
      [1, 3],
    ].map(n),
  ]);
  expect(quickstart.edges).toEqual([
    [
      [1, 1],
      [1, 4],
      [5, 4],
      [5, 3],
      [3, 3],
      [3, 1],
    ].map(n),
  ]);
  expect(quickstart.roundTrip).toBe(1);
  // Column-major runs 6,3,2,3,4,1,4,1,6; from the 4th run on each is written as a delta.
  expect(quickstart.encoded).toEqual({ size: [5, 6], counts: '63202N002' });
  expect(quickstart.area).toBe(8);
});
