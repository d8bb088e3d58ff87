import { RqError } from './errors';
import { type MaskWordOptions, maskWordTokens } from './mask-words';

/** One entry of a `tokenizer.json` `added_tokens` list. */
export interface AddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/**
 * Returns a copy of a Hugging Face `tokenizer.json` with the mask-word vocabulary added after the
 * existing vocabulary (as `tokenizer.add_tokens` does): 514 tokens for 2 levels × 256 codes, added as
 * non-special and not normalised, with consecutive ids starting at the first free id. Tokens already
 * present keep their id; ordinary text tokenises exactly as before.
 * @returns the new tokenizer.json object (the input is not modified).
 * @throws RqError `INVALID_ARGUMENT` when the object is not a tokenizer.json.
 */
export function extendTokenizer(tokenizerJson: object, opts: MaskWordOptions = {}): object {
  const tj = tokenizerJson as {
    added_tokens?: AddedToken[];
    model?: { vocab?: Record<string, number> | unknown[] };
  };
  if (
    !tj ||
    typeof tj !== 'object' ||
    !Array.isArray(tj.added_tokens) ||
    !tj.model ||
    typeof tj.model !== 'object'
  ) {
    throw new RqError(
      'INVALID_ARGUMENT',
      'tokenizerJson must be a parsed tokenizer.json with added_tokens and model',
    );
  }
  const copy = structuredClone(tokenizerJson) as {
    added_tokens: AddedToken[];
    model: { vocab?: Record<string, number> | unknown[] };
  };
  const vocab = copy.model.vocab;
  let next = 0;
  const known = new Set<string>();
  if (Array.isArray(vocab)) next = vocab.length;
  else if (vocab && typeof vocab === 'object')
    for (const id of Object.values(vocab)) next = Math.max(next, id + 1);
  for (const t of copy.added_tokens) {
    next = Math.max(next, t.id + 1);
    known.add(t.content);
  }
  for (const content of maskWordTokens(opts)) {
    if (known.has(content)) continue;
    copy.added_tokens.push({
      id: next++,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: false,
    });
  }
  return copy;
}
