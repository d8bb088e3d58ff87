// A reward-server worker thread (run by piscina): scores a chunk of items with its own scorer and
// ground-truth cache. Scoring is CPU-bound; running it here keeps the server's event loop free for
// HTTP and /health.
import { workerData } from 'node:worker_threads';
import { createScorer, type RewardItem, type ScoringConfig } from './score';

const scorer = createScorer((workerData ?? {}) as ScoringConfig);

/** One task: the items of a chunk and their places in the request. */
export default function score({ items, indices }: { items: RewardItem[]; indices: number[] }) {
  return scorer.score(items, indices);
}
