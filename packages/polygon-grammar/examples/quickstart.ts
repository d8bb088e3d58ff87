import {
  buildQueries,
  createStreamParser,
  extractLocations,
  formatPolygons,
  parseLocation,
  parseLocationWithRepairs,
} from '@seglang/polygon-grammar';

// Byte-identical to the SimpleSeg data script: str(np.round(p, 3).tolist()).
const text = formatPolygons([
  [
    [0.0051, 0.008],
    [0.1555, 0.4165],
    [0.3, 0.00049],
  ],
]);

// Strict parsing (format rewards) and tolerant parsing of truncated model output, with its repairs.
const strict = parseLocation(text);
const repaired = parseLocationWithRepairs('[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7', { mode: 'tolerant' });

// Every location in a free-text answer, and points as they stream in.
const found = extractLocations('Sure, you can find it at [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]].');
const stream = createStreamParser();
const streamed = [...'[[[0.1, 0.2], [0.3, 0.4]]]'].flatMap((ch) => stream.push(ch));

// The unified query interface: SimpleSeg's templates, deterministic for a seed.
const [query] = buildQueries(
  { text: 'the red cup', polygons: strict.kind === 'polygons' ? strict.polygons : [] },
  { tasks: ['text2mask'], seed: 1 },
);

export const quickstart = {
  text,
  strict,
  repaired,
  found: found.map((f) => [f.start, f.end]),
  streamed: streamed.length,
  query,
};
