// Load run on loopback, bounded in time: sustained requests/s, p99 latency, errors, and memory
// before and after (it should stay flat). Each request carries 16 SimpleSeg rollouts on a 640×480
// ground truth, as an RL engine's reward call would.
import autocannon from 'autocannon';
import { buildRewardServer } from '../dist/server.js';

const W = 640;
const H = 480;
const poly = (r, n) =>
  Array.from({ length: n }, (_, i) => [
    0.5 + (r * Math.cos((2 * Math.PI * i) / n)) / W,
    0.5 + (r * Math.sin((2 * Math.PI * i) / n)) / H,
  ]);
const fmt = (p) => `[[${p.map(([x, y]) => `[${x.toFixed(3)}, ${y.toFixed(3)}]`).join(', ')}]]`;
const gt = { width: W, height: H, polygons: [poly(150, 200)], normalized: true };
const body = JSON.stringify({
  items: Array.from({ length: 16 }, (_, k) => ({
    kind: 'simpleseg',
    response: `It is at ${fmt(poly(140 + k, 70))}.`,
    ground_truth: gt,
  })),
});

const app = buildRewardServer();
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const mem = () => Math.round(process.memoryUsage().rss / 1e6);
const warm = await autocannon({
  url: `${url}/reward`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: 8,
  duration: 2,
});
const before = mem();
const r = await autocannon({
  url: `${url}/reward`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: 8,
  duration: 10,
});
const after = mem();
await app.close();
console.log(
  `reward server, 16 rollouts per request, 8 connections, 10 s (after a 2 s warm-up of ${warm.requests.total} requests)`,
);
console.log(
  `  sustained ${r.requests.average.toFixed(0)} requests/s = ${(r.requests.average * 16).toFixed(0)} rewards/s`,
);
console.log(`  latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
console.log(`  errors ${r.errors}, non-2xx ${r.non2xx}, timeouts ${r.timeouts}`);
console.log(`  RSS ${before} MB before, ${after} MB after`);
