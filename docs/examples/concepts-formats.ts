// The text forms of a location in SimpleSeg's unified format, and SAMTok's mask words.
import { formatBox, formatPoint, formatPolygons, parseLocationWithRepairs } from '@seglang/polygon-grammar';
import { formatMaskWords, parseMaskWords } from '@seglang/rq-tokenizer';

export function formats() {
  const point = formatPoint([0.5, 0.25]); // '[0.5, 0.25]'
  const box = formatBox([0.1, 0.2, 0.6, 0.9]); // '[0.1, 0.2, 0.6, 0.9]'
  const mask = formatPolygons([
    [
      [0.1, 0.2],
      [0.6, 0.2],
      [0.35, 0.9],
    ],
  ]); // '[[[0.1, 0.2], [0.6, 0.2], [0.35, 0.9]]]'
  // SAMTok: a whole mask is two words (codes 12 and 47 of a 256-code, 2-level codebook).
  const words = formatMaskWords([12, 47], { codebookSize: 256 }); // '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>'
  const [back] = parseMaskWords(`It is ${words}.`, { codebookSize: 256 });
  // Model output is often cut short: the tolerant parser closes it and says what it repaired.
  const { location, repairs } = parseLocationWithRepairs('[[[0.1, 0.2], [0.6, 0.2], [0.35, 0.9', {
    mode: 'tolerant',
  });
  return { point, box, mask, words, codes: back.codes, location, repairs: repairs.map((r) => r.kind) };
}
