/** The reward server over real HTTP on loopback, scoring in its worker threads (the built worker). */
import { connect } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { createScorer } from '../src/score';
import { buildRewardServer, type RewardServerOptions } from '../src/server';

const workerFile = join(__dirname, '..', 'dist', 'score-worker.js');
const start = async (o: RewardServerOptions = {}) => {
  const app = buildRewardServer({ workerFile, ...o });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
};

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  ({ app, base } = await start({ bodyLimit: 256 * 1024, workers: 2 }));
});
afterAll(() => app.close());

const post = (
  body: unknown,
  url = base,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  fetch(`${url}/reward`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const square = {
  width: 10,
  height: 10,
  polygons: [
    [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
    ],
  ],
};
const exact = 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].';
const mw = '<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>';
/** A response that takes a worker a while: 1,500 triangles to rasterise on a 640×480 ground truth. */
const heavyItem = {
  kind: 'simpleseg',
  response: `[${Array.from({ length: 1500 }, (_, i) => {
    const x = (i % 40) / 40;
    const y = (Math.floor(i / 40) % 40) / 40;
    return `[[${x.toFixed(3)}, ${y.toFixed(3)}], [${(x + 0.02).toFixed(3)}, ${y.toFixed(3)}], [${(x + 0.02).toFixed(3)}, ${(y + 0.02).toFixed(3)}]]`;
  }).join(', ')}]`,
  ground_truth: {
    width: 640,
    height: 480,
    polygons: [
      [
        [100, 100],
        [500, 100],
        [500, 400],
        [100, 400],
      ],
    ],
  },
};

test('GET /health', async () => {
  const r = await fetch(`${base}/health`);
  expect(r.status).toBe(200);
  expect(await r.json()).toMatchObject({ status: 'ok', workers: 2, inFlight: 0 });
});

test('POST /reward scores every item in order, with components and reasons', async () => {
  const r = await post({
    items: [
      { kind: 'simpleseg', response: exact, ground_truth: square },
      { kind: 'simpleseg', response: 'no idea', ground_truth: square },
      { kind: 'samtok', response: mw, ground_truth: mw },
      { kind: 'samtok', response: 'No target.', ground_truth: 'No target.' },
    ],
  });
  expect(r.status).toBe(200);
  const { results } = await r.json();
  expect(results.map((x: { value: number }) => x.value)).toEqual([2, -1, 1, 1]);
  expect(results[0].components).toEqual({ iou: 1, centroid: expect.any(Number), format: 1 });
  expect(results[1].reason).toMatch(/no polygon/);
});

test('a bad item gets its own 400 error; the other items are scored', async () => {
  const r = await post({
    items: [
      { kind: 'simpleseg', response: exact, ground_truth: square },
      // Not strings: these were coerced to "5", "" and "x" and scored.
      { kind: 'simpleseg', response: 5, ground_truth: square },
      { kind: 'simpleseg', response: null, ground_truth: square },
      { kind: 'simpleseg', response: ['x'], ground_truth: square },
      { kind: 'simpleseg', response: exact, ground_truth: { width: 0, height: 5, polygons: [] } },
      { kind: 'samtok', response: 'No target.', ground_truth: mw.slice(0, -10) },
      { kind: 'other', response: '', ground_truth: {} },
      { kind: 'samtok', response: mw, ground_truth: { x: 1 } },
      {
        kind: 'simpleseg',
        response: exact,
        ground_truth: { ...square, prepared: true, runs: { counts: [1] } },
      },
    ],
  });
  expect(r.status).toBe(200);
  const { results } = await r.json();
  expect(results[0].value).toBe(2);
  const errors = results
    .slice(1)
    .map((x: { value: null; error: { status: number; code: string; message: string } }) => ({
      value: x.value,
      status: x.error?.status,
      code: x.error?.code,
      index: /^items\[(\d+)\]/.exec(x.error?.message)?.[1],
    }));
  expect(errors.slice(0, 3)).toEqual(
    [1, 2, 3].map((i) => ({ value: null, status: 400, code: 'INVALID_ITEM', index: String(i) })),
  );
  expect(results[2].error.message).toMatch(/response must be a string, got null/);
  expect(results[4].error).toMatchObject({
    code: 'INVALID_GROUND_TRUTH',
    message: expect.stringMatching(/^items\[4\]: ground_truth: .*width and height/),
  });
  expect(results[5].error).toMatchObject({
    code: 'INVALID_GROUND_TRUTH',
    message: expect.stringMatching(/do not read strictly/),
  });
  expect(results[6].error.message).toMatch(/kind must be "simpleseg" or "samtok"/);
  expect(results[7].error.code).toBe('INVALID_GROUND_TRUTH');
  // A forged prepared ground truth is validated and scored from its data.
  expect(results[8].value).toBe(2);
});

test('malformed requests: 400, 413, 415; never a 5xx or a dropped connection', async () => {
  for (const body of [
    '{not json',
    '',
    'null',
    '[]',
    { items: 'x' },
    { items: [] },
    { items: Array(5000).fill(0) },
  ]) {
    const r = await post(body);
    expect({ body: String(body).slice(0, 20), status: r.status }).toEqual({
      body: String(body).slice(0, 20),
      status: 400,
    });
    expect((await r.json()).message).toEqual(expect.any(String));
  }
  // Nested 100,000 deep: refused before parsing.
  const deep = `{"items": [{"kind": "simpleseg", "response": "", "ground_truth": ${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
  const d = await post(deep);
  expect(d.status).toBe(400);
  expect((await d.json()).message).toMatch(/nests deeper than 64 levels/);
  const big = await post({
    items: [{ kind: 'samtok', response: 'x'.repeat(300 * 1024), ground_truth: 'No target.' }],
  });
  expect(big.status).toBe(413);
  const text = await post('items', base, { 'content-type': 'text/plain' });
  expect(text.status).toBe(415);
  expect(await text.json()).toMatchObject({ error: 'unsupported media type' });
});

test('/health answers at once while a worker scores a long request', async () => {
  const one = await start({ workers: 1 });
  try {
    let heavyDone = false;
    const heavy = post({ items: Array(32).fill(heavyItem) }, one.base).then((r) => {
      heavyDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    const health = await (await fetch(`${one.base}/health`)).json();
    // The event loop was free: /health answered while the only worker was still scoring.
    expect({ inFlight: health.inFlight, heavyDone }).toEqual({ inFlight: 1, heavyDone: false });
    expect((await heavy).status).toBe(200);
  } finally {
    await one.app.close();
  }
});

test('more requests than maxPending: 503 with Retry-After, the rest scored', async () => {
  const small = await start({ workers: 1, maxPending: 2 });
  try {
    const rs = await Promise.all(
      Array.from({ length: 10 }, () => post({ items: Array(4).fill(heavyItem) }, small.base)),
    );
    const codes = rs.map((r) => r.status);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(2);
    expect(codes.filter((c) => c === 503).length).toBeGreaterThan(0);
    const shed = rs.find((r) => r.status === 503) as Response;
    expect(shed.headers.get('retry-after')).toBe('1');
    expect((await (await fetch(`${small.base}/health`)).json()).shed).toBeGreaterThan(0);
  } finally {
    await small.app.close();
  }
});

test('slow clients are cut off at the request timeout and hold no slot', async () => {
  const slow = await start({ workers: 1, requestTimeoutMs: 1500, headersTimeoutMs: 1000, maxPending: 1 });
  try {
    const { port } = new URL(slow.base);
    // 20 clients that trickle their body, 20 that never finish their headers.
    const closed = new Set<number>();
    const sockets = Array.from({ length: 40 }, (_, i) => {
      const s = connect(Number(port), '127.0.0.1');
      s.on('error', () => {});
      // Read what the server sends (a 408), so that its close is seen.
      s.resume();
      s.on('close', () => closed.add(i));
      s.write(
        i < 20
          ? 'POST /reward HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"items": ['
          : 'POST /reward HTTP/1.1\r\nHost: x\r\n',
      );
      return s;
    });
    const trickle = setInterval(() => {
      for (const s of sockets.slice(0, 20)) if (!s.destroyed) s.write(' ');
    }, 200);
    // Meanwhile a normal request is scored: the trickling ones hold no slot (maxPending is 1).
    const ok = await post(
      { items: [{ kind: 'simpleseg', response: exact, ground_truth: square }] },
      slow.base,
    );
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3500));
    clearInterval(trickle);
    const open = 40 - closed.size;
    for (const s of sockets) s.destroy();
    expect(open).toBe(0);
  } finally {
    await slow.app.close();
  }
});

test('the ground-truth cache is bounded by bytes, keyed by a hash', () => {
  const scorer = createScorer({ cacheBytes: 20_000 });
  for (let k = 0; k < 300; k++) {
    // Distinct ground truths (a box at another place each time), a few hundred bytes of runs each.
    const x = 10 + (k % 200);
    const polygons = [
      [
        [x, 10],
        [x + 100, 10],
        [x + 100, 200],
        [x, 200],
      ],
    ];
    const [r] = scorer.score([
      { kind: 'simpleseg', response: exact, ground_truth: { width: 640, height: 480 + (k % 7), polygons } },
    ]);
    expect(r.value).not.toBeNull();
    expect(scorer.cachedBytes()).toBeLessThanOrEqual(20_000);
  }
  // Filled to its bound, not empty.
  expect(scorer.cachedBytes()).toBeGreaterThan(10_000);
});

test('a bounded load run on loopback: zero errors', async () => {
  const result = await autocannon({
    url: `${base}/reward`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      items: Array.from({ length: 8 }, () => ({ kind: 'simpleseg', response: exact, ground_truth: square })),
    }),
    connections: 4,
    duration: 2,
  });
  expect(result.errors).toBe(0);
  expect(result.non2xx).toBe(0);
  expect(result.requests.total).toBeGreaterThan(10);
});
