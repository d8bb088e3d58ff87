// @seglang/rq-tokenizer: SAMTok's residual quantiser, mask words and the tokenizer extension.
import { maskWordTokens, parseMaskAnswer, type ResidualQuantizer } from '@seglang/rq-tokenizer';

export function rqTour(embedding: Float32Array, quantizer: ResidualQuantizer) {
  // A 256-d mask embedding → one code per level → back to the sum of the codewords.
  const codes = quantizer.encode(embedding, 1);
  const approx = quantizer.decode(codes, 1);
  let err = 0;
  for (let i = 0; i < embedding.length; i++) err += (embedding[i] - approx[i]) ** 2;
  // Answers holding several masks, as SAMTok models write them.
  const answer = parseMaskAnswer(
    'The cups: <|mt_start|><|mt_0001|><|mt_0257|><|mt_end|> and <|mt_start|><|mt_0002|><|mt_0300|><|mt_end|>.',
  );
  // The tokens to add to a tokenizer (extendTokenizer adds them to a tokenizer.json).
  const added = maskWordTokens({ codebookSize: quantizer.codebookSize, levels: quantizer.levels });
  return {
    codes: Array.from(codes),
    residual: Math.sqrt(err),
    masks: answer.masks.length,
    added: added.length,
  };
}
