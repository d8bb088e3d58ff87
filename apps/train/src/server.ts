import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { simplesegReward } from '@seglang/rewards';
import Fastify, { type FastifyInstance } from 'fastify';
import { Piscina } from 'piscina';
import { checkItem, type ItemResult, type RewardItem, type ScoringConfig } from './score';

export interface RewardServerOptions {
  /** Largest request body in bytes (default 32 MiB); larger requests get 413. */
  bodyLimit?: number;
  /** Largest number of items in one request (default 4096). */
  maxItems?: number;
  /**
   * Requests being scored or waiting for a worker beyond this many get 503 with `Retry-After`
   * (default 64): scoring is CPU-bound, so the queue is kept short and the engine retries.
   */
  maxPending?: number;
  /** Scoring threads (default one a core). */
  workers?: number;
  /** The whole request (headers and body) must arrive within this (default 30 s), else 408. */
  requestTimeoutMs?: number;
  /** Headers must arrive within this (default 10 s). */
  headersTimeoutMs?: number;
  /** SimpleSeg preset options: τ and weights. */
  simpleseg?: ScoringConfig['simpleseg'];
  /** Bytes of prepared ground truths each worker keeps (default 64 MiB). */
  cacheBytes?: number;
  /** The worker script (default: `score-worker.js` beside this module). */
  workerFile?: string;
}

/** Items a worker scores at a time: a request of 512 items keeps 8 workers busy. */
const CHUNK = 64;
/** JSON nested deeper than this is refused before it is parsed (a request nests 6 levels). */
const MAX_DEPTH = 64;

/** Whether JSON text nests deeper than `limit` (outside strings): a single pass, no parsing. */
function tooDeep(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const httpError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });

/**
 * The reward server: `POST /reward` scores `{ items: [{ kind, response, ground_truth }] }` and answers
 * `{ results }` in the same order — each `{ value, components, reason }`, or, for an item that cannot
 * be scored, `{ value: null, reason, error: { status: 400, code, message } }` (the other items are
 * scored). Scoring runs in a pool of worker threads, so `GET /health` answers at once whatever is
 * being scored. Malformed requests get 400, oversize bodies 413, other content types 415, slow
 * clients 408, and more than `maxPending` requests at once 503 with `Retry-After`.
 * SimpleSeg ground truths are `{ width, height }` plus `rle` (COCO RLE) or `polygons` (pixels, or
 * `normalized: true`); SAMTok ground truths are the ground-truth answer text.
 */
export function buildRewardServer(opts: RewardServerOptions = {}): FastifyInstance {
  const maxItems = opts.maxItems ?? 4096;
  const maxPending = opts.maxPending ?? 64;
  const workers = opts.workers ?? availableParallelism();
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(opts.headersTimeoutMs ?? 10_000, requestTimeout);
  const bodyLimit = opts.bodyLimit ?? 32 * 1024 * 1024;
  for (const [name, v] of [
    ['maxItems', maxItems],
    ['maxPending', maxPending],
    ['workers', workers],
    ['requestTimeoutMs', requestTimeout],
    ['bodyLimit', bodyLimit],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  // Bad reward options fail here, once, rather than in every worker.
  simplesegReward(opts.simpleseg);
  const pool = new Piscina({
    filename: opts.workerFile ?? join(__dirname, 'score-worker.js'),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { simpleseg: opts.simpleseg, cacheBytes: opts.cacheBytes } satisfies ScoringConfig,
  });
  const app = Fastify({
    bodyLimit,
    logger: false,
    // Fastify sets these on the server it is given; headersTimeout comes with the server below.
    requestTimeout,
    keepAliveTimeout: 5000,
    // Timeouts are checked every second, so a slow client is cut off close to its deadline.
    serverFactory: (handler) =>
      createServer(
        { requestTimeout, headersTimeout, connectionsCheckingInterval: 1000, keepAliveTimeout: 5000 },
        handler,
      ),
  });
  let inFlight = 0;
  const stats = { scored: 0, shed: 0 };

  // JSON only, depth-checked before parsing (a deeply nested body crashed or hung the handler),
  // with Fastify's own prototype-poisoning protection.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (tooDeep(body as string, MAX_DEPTH))
      return done(httpError(400, `the request nests deeper than ${MAX_DEPTH} levels`), undefined);
    parseJson(request, body as string, done);
  });

  app.get('/health', async () => ({
    status: 'ok',
    workers,
    inFlight,
    queued: pool.queueSize,
    scored: stats.scored,
    shed: stats.shed,
  }));

  app.post('/reward', async (request, reply) => {
    const body = request.body as { items?: unknown } | null;
    if (body === null || typeof body !== 'object' || !Array.isArray(body.items))
      return reply.code(400).send({ error: 'bad request', message: 'the body must be { "items": [...] }' });
    const items = body.items;
    if (items.length === 0 || items.length > maxItems)
      return reply.code(400).send({
        error: 'bad request',
        message: `items must hold 1 to ${maxItems} items, got ${items.length}`,
      });
    if (inFlight >= maxPending) {
      stats.shed++;
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: 'busy', message: `more than ${maxPending} requests are being scored; retry` });
    }
    inFlight++;
    try {
      // Items that cannot be scored are answered here; the rest go to the workers in chunks.
      const results: ItemResult[] = new Array(items.length);
      const jobs: Promise<void>[] = [];
      let chunk: RewardItem[] = [];
      let at: number[] = [];
      const flush = () => {
        const [c, a] = [chunk, at];
        jobs.push(
          pool.run({ items: c, indices: a }).then((out: ItemResult[]) => {
            out.forEach((r, k) => {
              results[a[k]] = r;
            });
          }),
        );
        chunk = [];
        at = [];
      };
      items.forEach((item, i) => {
        const bad = checkItem(item, i);
        if (bad) results[i] = bad;
        else {
          chunk.push(item as RewardItem);
          at.push(i);
          if (chunk.length === CHUNK) flush();
        }
      });
      if (chunk.length > 0) flush();
      await Promise.all(jobs);
      stats.scored += items.length;
      return { results };
    } finally {
      inFlight--;
    }
  });

  app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const names: Record<number, string> = {
      400: 'bad request',
      408: 'request timeout',
      413: 'payload too large',
      415: 'unsupported media type',
    };
    reply
      .code(status)
      .send({ error: names[status] ?? 'error', message: status === 500 ? 'internal error' : err.message });
  });
  app.addHook('onClose', async () => {
    await pool.destroy();
  });
  return app;
}
