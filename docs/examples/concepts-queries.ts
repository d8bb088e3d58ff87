// The unified query interface: one target, eight question–answer tasks.
import { buildQueries } from '@seglang/polygon-grammar';

export function queries() {
  const target = {
    text: 'the red cup',
    polygons: [
      [
        [0.2, 0.3],
        [0.5, 0.3],
        [0.5, 0.7],
        [0.2, 0.7],
      ] as [number, number][],
    ],
  };
  // The box and point are derived from the polygons; templates are chosen by a seeded generator.
  return buildQueries(target, { seed: 7 }).map((q) => `${q.task}: ${q.question} → ${q.answer}`);
}
