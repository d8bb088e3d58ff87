// @seglang/polygon-grammar: reading model answers, streaming them, and constraining decoding.
import { createConstraint, createStreamParser, extractLocations } from '@seglang/polygon-grammar';

export function grammarTour() {
  // Every location in a free-text answer (tolerant, with repairs and offsets).
  const found = extractLocations(
    'The cup is at [[[0.2, 0.3], [0.5, 0.3], [0.5, 0.7]]] and the saucer at [0.1, 0.6, 0.7, 0.9].',
  );
  // Points as tokens stream in, for drawing while the model is still answering.
  const stream = createStreamParser();
  const points = ['[[[0.2, 0.', '3], [0.5, 0.3]', ', [0.5, 0.7]]]'].flatMap((chunk) => stream.push(chunk));
  // Grammar-constrained decoding over a vocabulary: only tokens that keep the text valid are allowed.
  const vocabulary = ['[', ']', ', ', '0.', '1.0', '5', '2', '[[', ']]', '<eos>', 'hello'];
  const constraint = createConstraint({ vocabulary, eosTokenIds: [9], kind: 'point' });
  const first = Array.from(constraint.allowedTokenIds(constraint.initialState())).map((id) => vocabulary[id]);
  return { kinds: found.map((f) => f.location.kind), points: points.length, first };
}
