import { createHash } from 'node:crypto';
import {
  maskWordMatchReward,
  noTargetReward,
  type PreparedGroundTruth,
  prepareGroundTruth,
  RewardError,
  type RewardResult,
  type SimplesegGroundTruth,
  simplesegReward,
} from '@seglang/rewards';

/** One rollout to score: its kind, the model's response and the ground truth of its prompt. */
export interface RewardItem {
  kind: 'simpleseg' | 'samtok';
  response: string;
  ground_truth: unknown;
}

/** A score, or — for an item that cannot be scored — `value: null` and the error (HTTP-style status). */
export type ItemResult =
  | { value: number; components: Record<string, number>; reason: string }
  | {
      value: null;
      components: Record<string, never>;
      reason: string;
      error: { status: 400; code: string; message: string };
    };

export interface ScoringConfig {
  /** SimpleSeg preset options: τ and weights. */
  simpleseg?: Parameters<typeof simplesegReward>[0];
  /** Bytes of prepared ground truths kept per scorer (default 64 MiB). */
  cacheBytes?: number;
}

/** An item that cannot be scored, named by its index in the request. */
export function itemError(index: number, code: string, message: string): ItemResult {
  const text = `items[${index}]: ${message}`;
  return { value: null, components: {}, reason: text, error: { status: 400, code, message: text } };
}

/**
 * The shape of an item as it arrives in JSON, checked without coercion: a response that is not a
 * string (5, null, ["x"]) is an error for that item, not a string to score.
 */
export function checkItem(item: unknown, index: number): ItemResult | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item))
    return itemError(index, 'INVALID_ITEM', 'must be an object { kind, response, ground_truth }');
  const { kind, response, ground_truth } = item as Record<string, unknown>;
  if (kind !== 'simpleseg' && kind !== 'samtok')
    return itemError(
      index,
      'INVALID_ITEM',
      `kind must be "simpleseg" or "samtok", got ${JSON.stringify(kind)}`,
    );
  if (typeof response !== 'string')
    return itemError(
      index,
      'INVALID_ITEM',
      `response must be a string, got ${response === null ? 'null' : Array.isArray(response) ? 'an array' : typeof response}`,
    );
  if (kind === 'samtok' && typeof ground_truth !== 'string')
    return itemError(
      index,
      'INVALID_GROUND_TRUTH',
      'ground_truth must be the ground-truth answer text for samtok',
    );
  if (
    kind === 'simpleseg' &&
    (ground_truth === null || typeof ground_truth !== 'object' || Array.isArray(ground_truth))
  )
    return itemError(
      index,
      'INVALID_GROUND_TRUTH',
      'ground_truth must be an object { width, height, rle | polygons } for simpleseg',
    );
  return null;
}

/**
 * Scores items, each on its own: a bad item gets an error result and the others their scores. An
 * RL group scores many rollouts against one ground truth, so prepared ground truths are kept, by
 * a hash of their JSON, up to `cacheBytes` (least recently used first out).
 */
export function createScorer(config: ScoringConfig = {}) {
  const scoreSimpleseg = simplesegReward(config.simpleseg);
  const limit = config.cacheBytes ?? 64 * 2 ** 20;
  const cache = new Map<string, { gt: PreparedGroundTruth; bytes: number }>();
  let bytes = 0;
  const prepare = (gt: unknown): PreparedGroundTruth => {
    const key = createHash('sha1').update(JSON.stringify(gt)).digest('base64');
    const hit = cache.get(key);
    if (hit) {
      // Most recently used last.
      cache.delete(key);
      cache.set(key, hit);
      return hit.gt;
    }
    const prepared = prepareGroundTruth(gt as SimplesegGroundTruth);
    const size = prepared.runs.counts.byteLength + 2 * prepared.rle.counts.length + 256;
    if (size <= limit) {
      cache.set(key, { gt: prepared, bytes: size });
      bytes += size;
      for (const [k, v] of cache) {
        if (bytes <= limit) break;
        cache.delete(k);
        bytes -= v.bytes;
      }
    }
    return prepared;
  };
  const scoreOne = (item: RewardItem, index: number): ItemResult => {
    const bad = checkItem(item, index);
    if (bad) return bad;
    let r: RewardResult;
    try {
      if (item.kind === 'samtok') {
        const gt = item.ground_truth as string;
        r = /<\|mt_/.test(gt) ? maskWordMatchReward(item.response, gt) : noTargetReward(item.response, gt);
      } else r = scoreSimpleseg(item.response, prepare(item.ground_truth));
    } catch (err) {
      if (err instanceof RewardError) return itemError(index, err.code, `ground_truth: ${err.message}`);
      throw err;
    }
    // SAMTok's answer matching is one term: reported as `accuracy`.
    const components = r.components ?? (item.kind === 'samtok' ? { accuracy: r.value } : {});
    return { value: r.value, components, reason: r.reason };
  };
  return {
    /** Scores items; `indices` are their places in the request, for error messages (default 0, 1, …). */
    score(items: RewardItem[], indices?: number[]): ItemResult[] {
      return items.map((item, i) => scoreOne(item, indices?.[i] ?? i));
    },
    /** Bytes of prepared ground truths held now. */
    cachedBytes: () => bytes,
  };
}
