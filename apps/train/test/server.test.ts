/** The reward server over real HTTP on loopback. */
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { buildRewardServer } from '../src/server';

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = buildRewardServer({ bodyLimit: 64 * 1024 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app.close());

const post = (body: unknown) =>
  fetch(`${base}/reward`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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
const mw = '<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>';

test('GET /health', async () => {
  const r = await fetch(`${base}/health`);
  expect(r.status).toBe(200);
  expect(await r.json()).toMatchObject({ status: 'ok' });
});

test('POST /reward scores every item in order, with components and reasons', async () => {
  const r = await post({
    items: [
      {
        kind: 'simpleseg',
        response: 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].',
        ground_truth: square,
      },
      { kind: 'simpleseg', response: 'no idea', ground_truth: square },
      { kind: 'samtok', response: mw, ground_truth: mw },
      { kind: 'samtok', response: 'No target.', ground_truth: 'No target.' },
    ],
  });
  expect(r.status).toBe(200);
  const { results } = await r.json();
  expect(results.map((x: { value: number }) => x.value)).toEqual([2, -1, 1, 1]);
  expect(results[0].components).toEqual({ iou: 1, centroid: expect.any(Number), format: 1 });
  expect(results[1].reason).toMatch(/format/);
});

test('malformed requests get 400 with a message', async () => {
  for (const body of [
    '{not json',
    { items: 'x' },
    { items: [{ kind: 'other', response: '', ground_truth: {} }] },
    { items: [{ kind: 'simpleseg', ground_truth: square }] },
  ]) {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect((await r.json()).message).toEqual(expect.any(String));
  }
  const bad = await post({
    items: [
      { kind: 'simpleseg', response: '[[[0.1, 0.1]]]', ground_truth: { width: 0, height: 5, polygons: [] } },
    ],
  });
  expect(bad.status).toBe(400);
  expect((await bad.json()).message).toMatch(/items\[0\]\.ground_truth/);
  const samtok = await post({ items: [{ kind: 'samtok', response: mw, ground_truth: { x: 1 } }] });
  expect(samtok.status).toBe(400);
});

test('oversize bodies get 413', async () => {
  const r = await post({
    items: [{ kind: 'samtok', response: 'x'.repeat(100 * 1024), ground_truth: 'No target.' }],
  });
  expect(r.status).toBe(413);
});

test('a bounded load run on loopback: zero errors', async () => {
  const result = await autocannon({
    url: `${base}/reward`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      items: Array.from({ length: 8 }, () => ({
        kind: 'simpleseg',
        response: 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].',
        ground_truth: square,
      })),
    }),
    connections: 4,
    duration: 2,
  });
  expect(result.errors).toBe(0);
  expect(result.non2xx).toBe(0);
  expect(result.requests.total).toBeGreaterThan(10);
});
