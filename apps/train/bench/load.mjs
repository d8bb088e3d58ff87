// The reward server under RL-engine load, on loopback: the built CLI (`seglang-train reward-server`)
// in a child process, and clients that send what verl sends each step — 2,048 rollouts, cut into
// requests of 64 to 512 items, from 1 to 8 concurrent clients. Ground truths are COCO RLEs, as
// `seglang-train prepare --rl` writes them.
//
//   node bench/load.mjs                 items/s and p99 per request, 1 worker against one a core
//   node bench/load.mjs --soak 120      sustained load with hostile requests mixed in, for 120 s:
//                                       items/s, p99, server RSS at start and end, wrong scores
//
// Every well-formed item's score is checked against @seglang/rewards run in this process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { polygonsToMask, rle } from '@seglang/contour';
import { simplesegReward } from '@seglang/rewards';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'dist', 'cli.js');
const W = 640;
const H = 480;

/** Deterministic rollouts: a ground truth of 200 vertices per prompt, answers of 70 around it. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ring = (cx, cy, r, n, jitter, rand) =>
  Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    const k = r * (1 + jitter * (rand() - 0.5));
    return [cx + k * Math.cos(a), cy + k * Math.sin(a)];
  });
const fmt = (p) => `[[${p.map(([x, y]) => `[${(x / W).toFixed(3)}, ${(y / H).toFixed(3)}]`).join(', ')}]]`;
function rollouts(n, seed) {
  const rand = rng(seed);
  const items = [];
  while (items.length < n) {
    const cx = 150 + 340 * rand();
    const cy = 120 + 240 * rand();
    const r = 40 + 80 * rand();
    // As `seglang-train prepare --rl` stores it: the COCO mask's RLE.
    const mask = polygonsToMask([ring(cx, cy, r, 200, 0.1, rand)], W, H);
    const gt = { width: W, height: H, rle: rle.encode(mask) };
    // A GRPO group: 8 rollouts of one prompt.
    for (let k = 0; k < 8 && items.length < n; k++)
      items.push({
        kind: 'simpleseg',
        response: `It is at [${fmt(ring(cx + 20 * (rand() - 0.5), cy + 20 * (rand() - 0.5), r * (0.8 + 0.4 * rand()), 70, 0.2, rand))}].`,
        ground_truth: gt,
      });
  }
  return items;
}

async function startServer(workers, extra = []) {
  const child = spawn(
    process.execPath,
    [CLI, 'reward-server', '--port', '0', '--workers', String(workers), ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const rss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  };
  return { url, rss, stop: () => child.kill('SIGTERM') };
}

const post = (url, body) =>
  fetch(`${url}/reward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/** One RL step: `items` in requests of `size`, `clients` at a time; returns wall time and latencies. */
async function step(url, items, size, clients, expected) {
  const bodies = [];
  for (let i = 0; i < items.length; i += size)
    bodies.push([i, JSON.stringify({ items: items.slice(i, i + size) })]);
  const latencies = [];
  let wrong = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const [first, body] = bodies[next++];
        const t = performance.now();
        let r = await post(url, body);
        while (r.status === 503) {
          await new Promise((res) => setTimeout(res, 50));
          r = await post(url, body);
        }
        const { results } = await r.json();
        latencies.push(performance.now() - t);
        results.forEach((res, k) => {
          if (Math.abs(res.value - expected[first + k]) > 1e-12) wrong++;
        });
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies, wrong };
}

/** Items/s of `n` threads scoring in parallel over that of one thread (each scores the same items). */
async function computeScaling(items, n) {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(${JSON.stringify(import.meta.resolve('@seglang/rewards'))}).then(({ simplesegReward, prepareGroundTruth }) => {
      const score = simplesegReward();
      const gts = new Map();
      const t = performance.now();
      for (const it of workerData) {
        const key = JSON.stringify(it.ground_truth);
        if (!gts.has(key)) gts.set(key, prepareGroundTruth(it.ground_truth));
        score(it.response, gts.get(key));
      }
      parentPort.postMessage(performance.now() - t);
    });`;
  const run = async (k) => {
    const t = performance.now();
    await Promise.all(
      Array.from(
        { length: k },
        () => new Promise((res) => new Worker(code, { eval: true, workerData: items }).on('message', res)),
      ),
    );
    return (k * items.length) / ((performance.now() - t) / 1000);
  };
  await run(1);
  return (await run(n)) / (await run(1));
}

const args = process.argv.slice(2);
const soakAt = args.indexOf('--soak');
const score = simplesegReward();

if (soakAt < 0) {
  const items = rollouts(2048, 1);
  const expected = items.map((it) => score(it.response, it.ground_truth).value);
  const cores = availableParallelism();
  console.log(
    `reward server under verl-like load: steps of 2,048 SimpleSeg rollouts (640×480, RLE ground truths,`,
  );
  console.log(
    `70-vertex answers), 3 steps each, on ${cores} cores; items/s over a step and p99 request latency\n`,
  );
  const rows = [];
  for (const workers of [...new Set([1, cores])]) {
    const server = await startServer(workers);
    await step(server.url, items, 256, 2, expected); // warm-up
    for (const [size, clients] of [
      [64, 1],
      [64, 8],
      [256, 4],
      [512, 1],
      [512, 8],
    ]) {
      const runs = [];
      for (let r = 0; r < 3; r++) runs.push(await step(server.url, items, size, clients, expected));
      const rate = runs.map((x) => items.length / x.seconds);
      const wrong = runs.reduce((a, x) => a + x.wrong, 0);
      rows.push({
        workers,
        size,
        clients,
        rate: pct(rate, 0.5),
        p99: pct(
          runs.flatMap((x) => x.latencies),
          0.99,
        ),
        wrong,
      });
    }
    server.stop();
  }
  console.log('| workers | items/request | clients | items/s (median of 3 steps) | p99 ms | wrong scores |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.workers} | ${r.size} | ${r.clients} | ${r.rate.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.wrong} |`,
    );
  if (cores > 1) {
    // The machine's own ceiling: the same scoring in `cores` plain threads against one, no HTTP.
    const ceiling = await computeScaling(items, cores);
    console.log(
      `\nplain scoring threads, no server: ${cores} threads ${ceiling.toFixed(2)}× one (the machine's ceiling)`,
    );
    for (const [size, clients] of [
      [64, 8],
      [256, 4],
      [512, 8],
    ]) {
      const one = rows.find((r) => r.workers === 1 && r.size === size && r.clients === clients);
      const all = rows.find((r) => r.workers === cores && r.size === size && r.clients === clients);
      console.log(
        `${size} items × ${clients} clients: ${cores} workers ${(all.rate / one.rate).toFixed(2)}× one worker`,
      );
    }
  }
} else {
  const seconds = Number(args[soakAt + 1] ?? 60);
  const items = rollouts(512, 2);
  const expected = items.map((it) => score(it.response, it.ground_truth).value);
  const server = await startServer(availableParallelism(), ['--max-pending', '16']);
  const hostile = [
    '{not json',
    JSON.stringify({ items: [{ kind: 'simpleseg', response: 5, ground_truth: items[0].ground_truth }] }),
    `{"items": [{"kind": "simpleseg", "response": "", "ground_truth": ${'['.repeat(5000)}${']'.repeat(5000)}}]}`,
    JSON.stringify({
      items: [
        { kind: 'simpleseg', response: '[[[0.1, 0.1], '.repeat(20000), ground_truth: items[0].ground_truth },
      ],
    }),
    JSON.stringify({
      items: [
        { kind: 'simpleseg', response: 'x', ground_truth: { width: 20000, height: 20000, polygons: [] } },
      ],
    }),
    JSON.stringify({
      items: [{ kind: 'samtok', response: 'No target.', ground_truth: '<|mt_start|><|mt_0001|>' }],
    }),
    JSON.stringify({
      items: [{ kind: 'simpleseg', response: 'x', ground_truth: { prepared: true, width: 10, height: 10 } }],
    }),
  ];
  const deadline = performance.now() + seconds * 1000;
  // RSS every 10 s: it should level off, not climb.
  const samples = [];
  const sampler = setInterval(() => samples.push(server.rss()), 10_000);
  const latencies = [];
  let scored = 0;
  let wrong = 0;
  let hostileSent = 0;
  let hostile5xx = 0;
  const body = JSON.stringify({ items });
  await Promise.all(
    Array.from({ length: 6 }, async (_, c) => {
      let n = 0;
      while (performance.now() < deadline) {
        // One request in five is hostile.
        if (n++ % 5 === 4) {
          const r = await post(server.url, hostile[(n + c) % hostile.length]);
          await r.text();
          hostileSent++;
          if (r.status >= 500 && r.status !== 503) hostile5xx++;
          continue;
        }
        const t = performance.now();
        const r = await post(server.url, body);
        if (r.status === 503) {
          await r.text();
          await new Promise((res) => setTimeout(res, 50));
          continue;
        }
        const { results } = await r.json();
        latencies.push(performance.now() - t);
        results.forEach((res, k) => {
          if (Math.abs(res.value - expected[k]) > 1e-12) wrong++;
        });
        scored += results.length;
      }
    }),
  );
  clearInterval(sampler);
  samples.push(server.rss());
  server.stop();
  console.log(
    `reward server soak: ${seconds} s, 6 clients, requests of 512 SimpleSeg rollouts, one request in five hostile`,
  );
  console.log(
    `  ${(scored / seconds).toFixed(0)} items/s, p50 ${pct(latencies, 0.5).toFixed(0)} ms, p99 ${pct(latencies, 0.99).toFixed(0)} ms`,
  );
  console.log(`  ${hostileSent} hostile requests, ${hostile5xx} answered with a 5xx other than 503`);
  console.log(`  server RSS every 10 s (MB): ${samples.join(', ')}`);
  console.log(`  ${wrong} wrong scores among ${scored} well-formed items`);
}
