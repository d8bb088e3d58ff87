import { formatMaskWords, parseMaskAnswer, parseMaskWords, ResidualQuantizer } from '@seglang/rq-tokenizer';

// A tiny 2-level quantiser (SAMTok's is d = 256, 2 levels × 256 codes; here d = 2, 4 codes).
const quantizer = new ResidualQuantizer(
  [Float32Array.from([0, 0, 10, 0, 0, 10, 10, 10]), Float32Array.from([0, 0, 1, 0, 0, 1, -1, -1])],
  { codebookSize: 4, dim: 2 },
);

// Embedding → two codes → mask words, and back.
const codes = quantizer.encode(Float32Array.from([10.9, 0.2]), 1); // [1, 1]: (10, 0) + (1, 0)
const words = formatMaskWords(Array.from(codes), { codebookSize: 4 }); // level 2 offset by 4
const parsed = parseMaskWords(`It is at ${words}.`, { codebookSize: 4 });
const decoded = quantizer.decode(Int32Array.from(parsed[0].codes), 1); // (11, 0)

// Malformed model output is repaired as the SAMTok demo does; the missing code is reported.
const repaired = parseMaskWords('<|mt_start|><|mt_0002|><|mt_end|>', { codebookSize: 4 });

// Multi-mask and empty answers.
const answer = parseMaskAnswer(
  '```json\n[{"mask_2d": "<|mt_start|><|mt_0001|><|mt_0005|><|mt_end|>", "label": "cup"}]\n```',
  {
    codebookSize: 4,
  },
);
const none = parseMaskAnswer('No target.');

export const quickstart = {
  codes: Array.from(codes),
  words,
  decoded: Array.from(decoded),
  repaired,
  answer,
  none,
};
