/** The README's example is examples/quickstart.ts verbatim, and it gives these results. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickstart } from '../examples/quickstart';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim());
});

test('the quickstart example produces what the README says', () => {
  // (10.9, 0.2): nearest level-1 codeword (10, 0) = code 1; residual (0.9, 0.2) → (1, 0) = code 1.
  expect(quickstart.codes).toEqual([1, 1]);
  expect(quickstart.words).toBe('<|mt_start|><|mt_0001|><|mt_0005|><|mt_end|>');
  expect(quickstart.decoded).toEqual([11, 0]);
  expect(quickstart.repaired).toEqual([{ codes: [2], start: 0, end: 33, repaired: true }]);
  expect(quickstart.answer).toEqual({
    noTarget: false,
    masks: [{ codes: [1, 1], label: 'cup', repaired: false }],
  });
  expect(quickstart.none).toEqual({ noTarget: true, masks: [] });
});
