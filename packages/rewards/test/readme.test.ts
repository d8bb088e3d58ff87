import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickstart } from '../examples/quickstart';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim());
});

test('the quickstart example produces what the README says', () => {
  // exact: IoU 1 + centroid 0 + format 1; left half: 0.5 − 0.15²/2 + 1; no polygon: 0 − 1 + 0; truncated: the same.
  expect(quickstart.values[0]).toBeCloseTo(2, 12);
  expect(quickstart.values[1]).toBeCloseTo(1.48875, 12);
  expect(quickstart.values.slice(2)).toEqual([-1, -1]);
  expect(quickstart.reasons[2]).toMatch(/format/);
  expect(quickstart.advantages[0]).toBeGreaterThan(quickstart.advantages[1]);
  expect(quickstart.advantages[2]).toBe(quickstart.advantages[3]);
  // Same level-1 code, different level-2 code: 0.4.
  expect(quickstart.samtok.value).toBe(0.4);
});
