/** The README's example is examples/quickstart.ts verbatim, and it runs on the fixtures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { SAM_FIXTURE, samtokCodebooks } from '@seglang/testing';
import { quickstart } from '../examples/quickstart';
import { fixtures, texture } from './helpers';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim());
});

test('the quickstart example runs end to end on the fixture models', async () => {
  const f = fixtures();
  const codebook = new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 }).toSafetensors();
  const image = texture(80, 60);
  const out = await quickstart({ sam2: f.samexporter, samtok: { ...f.samtok, codebook } }, image);
  expect(out.score).toBeGreaterThan(SAM_FIXTURE.iouBase[1] - 0.05);
  expect(out.polygons).toHaveLength(1);
  expect(out.polygons[0][0].every(([x, y]) => x >= 0 && x <= 1 && y >= 0 && y <= 1)).toBe(true);
  expect(out.codes).toHaveLength(2);
  expect(out.words).toMatch(/^<\|mt_start\|><\|mt_00\d\d\|><\|mt_00\d\d\|><\|mt_end\|>$/);
  expect([out.decoded.width, out.decoded.height]).toEqual([80, 60]);
});
