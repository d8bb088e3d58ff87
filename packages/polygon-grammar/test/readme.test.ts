import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quickstart } from '../examples/quickstart';
import { SIMPLESEG_ANSWERS, SIMPLESEG_QUESTIONS } from '../src';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim());
});

test('the quickstart example produces what the README says', () => {
  // 0.1555·1000 = 155.5 rounds to even (156); 0.4165·1000 = 416.49999… rounds down; 0.00049 → 0.0.
  expect(quickstart.text).toBe('[[[0.005, 0.008], [0.156, 0.416], [0.3, 0.0]]]');
  expect(quickstart.strict).toEqual({
    kind: 'polygons',
    polygons: [
      [
        [0.005, 0.008],
        [0.156, 0.416],
        [0.3, 0],
      ],
    ],
  });
  expect(quickstart.repaired.location).toEqual({
    kind: 'polygons',
    polygons: [
      [
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
    ],
  });
  expect(quickstart.repaired.repairs.map((r) => r.kind)).toEqual(['truncated', 'dangling-half-point']);
  expect(quickstart.found).toEqual([[25, 63]]);
  expect(quickstart.streamed).toBe(2);
  expect(SIMPLESEG_QUESTIONS.map((q) => q.replace('{q}', 'the red cup'))).toContain(
    quickstart.query.question,
  );
  expect(SIMPLESEG_ANSWERS.map((a) => a.replace('{a}', quickstart.text))).toContain(quickstart.query.answer);
});
