import {
  maskWordMatchReward,
  noTargetReward,
  prepareGroundTruth,
  RewardError,
  type RewardResult,
  type SimplesegGroundTruth,
  simplesegReward,
} from '@seglang/rewards';
import Fastify, { type FastifyInstance } from 'fastify';

export interface RewardServerOptions {
  /** Largest request body in bytes (default 32 MiB); larger requests get 413. */
  bodyLimit?: number;
  /** Largest number of items in one request (default 4096). */
  maxItems?: number;
  /** Requests waiting beyond this many get 503 (default 64): scoring is CPU-bound, so queues are kept short. */
  maxPending?: number;
  /** SimpleSeg preset options: τ and weights. */
  simpleseg?: Parameters<typeof simplesegReward>[0];
}

const itemSchema = {
  type: 'object',
  required: ['kind', 'response', 'ground_truth'],
  properties: {
    kind: { enum: ['simpleseg', 'samtok'] },
    response: { type: 'string' },
    ground_truth: { anyOf: [{ type: 'object' }, { type: 'string' }] },
  },
};

/**
 * The reward server: `POST /reward` scores `{ items: [{ kind, response, ground_truth }] }` and
 * answers `{ results: [{ value, components, reason }] }` in the same order; `GET /health`.
 * SimpleSeg ground truths are `{ width, height }` plus `rle` (COCO RLE) or `polygons` (pixels, or
 * `normalized: true`); SAMTok ground truths are the ground-truth answer text.
 */
export function buildRewardServer(opts: RewardServerOptions = {}): FastifyInstance {
  const maxItems = opts.maxItems ?? 4096;
  const maxPending = opts.maxPending ?? 64;
  const scoreSimpleseg = simplesegReward(opts.simpleseg);
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? 32 * 1024 * 1024, logger: false });
  let pending = 0;
  // An RL group scores many rollouts against one ground truth: decode each ground truth once.
  const prepared = new Map<string, ReturnType<typeof prepareGroundTruth>>();
  const prepare = (gt: unknown) => {
    const key = JSON.stringify(gt);
    let hit = prepared.get(key);
    if (!hit) {
      hit = prepareGroundTruth(gt as SimplesegGroundTruth);
      if (prepared.size >= 256) prepared.delete(prepared.keys().next().value as string);
      prepared.set(key, hit);
    }
    return hit;
  };

  app.get('/health', async () => ({ status: 'ok', pending }));

  app.post(
    '/reward',
    {
      schema: {
        body: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', maxItems, items: itemSchema } },
        },
      },
    },
    async (request, reply) => {
      if (pending >= maxPending)
        return reply.code(503).send({ error: 'busy', message: `more than ${maxPending} requests pending` });
      pending++;
      try {
        const { items } = request.body as {
          items: Array<{ kind: string; response: string; ground_truth: unknown }>;
        };
        const results: RewardResult[] = [];
        for (const [i, item] of items.entries()) {
          if (item.kind === 'samtok') {
            if (typeof item.ground_truth !== 'string')
              return reply.code(400).send({
                error: 'bad request',
                message: `items[${i}].ground_truth must be the ground-truth answer text for samtok`,
              });
            const gtHasMasks = /<\|mt_start\|>/.test(item.ground_truth);
            results.push(
              gtHasMasks
                ? maskWordMatchReward(item.response, item.ground_truth)
                : noTargetReward(item.response, item.ground_truth),
            );
          } else {
            try {
              results.push(scoreSimpleseg(item.response, prepare(item.ground_truth)));
            } catch (err) {
              if (err instanceof RewardError)
                return reply
                  .code(400)
                  .send({ error: 'bad request', message: `items[${i}].ground_truth: ${err.message}` });
              throw err;
            }
          }
        }
        return {
          results: results.map((r) => ({ value: r.value, components: r.components ?? {}, reason: r.reason })),
        };
      } finally {
        pending--;
      }
    },
  );

  app.setErrorHandler(
    (err: { statusCode?: number; validation?: unknown; message: string }, _request, reply) => {
      const status = err.statusCode ?? 500;
      reply.code(status).send({
        error: status === 413 ? 'payload too large' : status === 400 ? 'bad request' : 'error',
        message: err.message,
      });
    },
  );
  return app;
}
