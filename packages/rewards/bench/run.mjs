// Benchmark: rewards per second on one core — maskIouReward on 640×480 ground truths with
// ~70-vertex predictions (target ≥ 5,000/s), the full SimpleSeg preset, and maskWordMatchReward.
import { formatPolygons } from '@seglang/polygon-grammar';
import { formatMaskWords } from '@seglang/rq-tokenizer';
import { bestMs } from '../../../scripts/bench.mjs';
import { maskIouReward, maskWordMatchReward, prepareGroundTruth, simplesegReward } from '../dist/index.js';

const W = 640;
const H = 480;
const blob = (cx, cy, r, n, wobble, phase) =>
  Array.from({ length: n }, (_, i) => {
    const t = (2 * Math.PI * i) / n;
    const rr = r * (1 + wobble * Math.sin(5 * t + phase));
    return [
      Math.min(1, Math.max(0, cx + (rr * Math.cos(t)) / W)),
      Math.min(1, Math.max(0, cy + (rr * Math.sin(t)) / H)),
    ];
  });
const gts = Array.from({ length: 16 }, (_, k) =>
  prepareGroundTruth({
    width: W,
    height: H,
    polygons: [blob(0.5, 0.5, 150 + 3 * k, 200, 0.15, k)],
    normalized: true,
  }),
);
const responses = Array.from(
  { length: 64 },
  (_, k) =>
    `It is at ${formatPolygons([blob(0.5 + 0.01 * (k % 5), 0.5, 150 + (k % 7) * 4, 70, 0.15, k / 10)])}.`,
);

function rate(fn, seconds = 1.5) {
  for (let i = 0; i < 200; i++) fn(i);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) for (let k = 0; k < 50; k++) fn(n++);
  return n / seconds;
}

console.log(
  `ground truth ${W}×${H}, predictions of 70 vertices (~${Math.round(responses[0].length)} characters)`,
);
console.log(
  `maskIouReward           ${rate((i) => maskIouReward(responses[i % 64], gts[i % 16]))
    .toFixed(0)
    .padStart(7)} rewards/s (target ≥ 5,000)`,
);
const score = simplesegReward();
console.log(
  `simplesegReward preset  ${rate((i) => score(responses[i % 64], gts[i % 16]))
    .toFixed(0)
    .padStart(7)} rewards/s (IoU + centroid + format)`,
);
const gt = Array.from({ length: 3 }, (_, k) => formatMaskWords([k * 10, k * 20])).join(' ');
const answers = Array.from(
  { length: 64 },
  (_, k) =>
    `<think>x</think><answer>${formatMaskWords([k % 30, (k * 7) % 256])} and ${formatMaskWords([10, 20])}</answer>`,
);
console.log(
  `maskWordMatchReward     ${rate((i) => maskWordMatchReward(answers[i % 64], gt))
    .toFixed(0)
    .padStart(7)} rewards/s`,
);

// Scaling: the cost at 1× and 8× the input. Linear work gives about 8×; the algorithms these
// replaced gave 64× and more (a pairwise grade, parts folded one by one, a mask of the declared size).
const scaling = (label, small, large, fn) => {
  fn(small);
  const a = bestMs(() => fn(small));
  const b = bestMs(() => fn(large));
  console.log(
    `${label.padEnd(52)} ${a.toFixed(1).padStart(8)} ms ${b.toFixed(1).padStart(9)} ms ${(b / a).toFixed(1).padStart(6)}×`,
  );
};
console.log(`\n${'scaling'.padEnd(52)} ${'1×'.padStart(11)} ${'8×'.padStart(12)} ${'ratio'.padStart(7)}`);
const triangles = (n) =>
  `[${Array.from({ length: n }, (_, i) => {
    const x = (i % 40) / 40;
    const y = (Math.floor(i / 40) % 40) / 40;
    return `[[${x.toFixed(3)}, ${y.toFixed(3)}], [${(x + 0.02).toFixed(3)}, ${y.toFixed(3)}], [${(x + 0.02).toFixed(3)}, ${(y + 0.02).toFixed(3)}]]`;
  }).join(', ')}]`;
scaling('simplesegReward, 250 → 2,000 polygons in one answer', triangles(250), triangles(2000), (t) =>
  score(t, gts[0]),
);
const maskWords = (n) =>
  Array.from({ length: n }, (_, i) => formatMaskWords([i % 256, Math.floor(i / 256) % 256])).join(' ');
scaling('maskWordMatchReward, 1,000 → 8,000 masks a side', maskWords(1000), maskWords(8000), (t) =>
  maskWordMatchReward(t, t),
);
const declared = (side) => ({ width: side, height: side, polygons: [] });
const a = bestMs(() => prepareGroundTruth(declared(2500)));
const b = bestMs(() => prepareGroundTruth(declared(20000)));
console.log(
  `${'prepareGroundTruth, no polygon, 2500² → 20000² (64×)'.padEnd(52)} ${(a * 1000).toFixed(0).padStart(8)} µs ${(b * 1000).toFixed(0).padStart(9)} µs ${(b / a).toFixed(1).padStart(6)}×`,
);
