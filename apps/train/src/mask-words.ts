import { type AddedToken, extendTokenizer, maskWordTokens, RqError } from '@seglang/rq-tokenizer';
import { InputError } from './errors';

/** The files of a tokenizer folder that describe the tokenizer (copied; weights never are). */
export const TOKENIZER_FILES =
  /^(tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|added_tokens\.json|vocab\.json|merges\.txt|chat_template\.(json|jinja)|(video_)?preprocessor_config\.json|processor_config\.json)$/;

export interface MaskWordsOptions {
  /** Codes per level (default 256). */
  codebookSize?: number;
  /** Quantiser levels (default 2). */
  levels?: number;
  /**
   * Pad the vocabulary to a multiple of this with `<|pad_extra_i|>` tokens, as SAMTok's script does
   * for tensor-parallel training (it uses 128).
   */
  padToMultiple?: number;
}

export interface MaskWordsReport {
  /** Mask words added (those already present as non-special tokens are kept as they are). */
  added: number;
  /** Padding tokens added. */
  padded: number;
  /** Ids of the first and last mask word. */
  firstId: number;
  lastId: number;
  /** Ids in the vocabulary after the change: the size the model's embeddings must be resized to. */
  vocabSize: number;
  /**
   * Mask words the input held as special tokens (ms-swift's `--new_special_tokens` adds them so), made
   * non-special with their ids kept: decoding with skip_special_tokens=True dropped them.
   */
  madeNonSpecial: string[];
  /** The mask words in order, as LLaMA-Factory's `add_tokens` takes them (comma-separated). */
  words: string[];
}

type Json = Record<string, unknown>;

function parse(name: string, bytes: Uint8Array): Json {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Json;
  } catch (e) {
    throw new InputError(`${name} is not a JSON object: ${(e as Error).message}`);
  }
}

const entry = (id: number, content: string): AddedToken => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: false,
});

/**
 * A tokenizer folder with SAMTok's mask words added as SAMTok's reference adds them
 * (`tokenizer.add_tokens([AddedToken(t, lstrip=False, rstrip=False, single_word=False,
 * normalized=False)], special_tokens=False)`): `<|mt_start|>`, the `levels × codebookSize` code words and
 * `<|mt_end|>`, non-special, at the first free ids, optionally padded. `tokenizer.json` gets the
 * tokens; `tokenizer_config.json`'s `added_tokens_decoder` and `added_tokens.json`, where the folder
 * has them (transformers 4.x writes them), get the same entries; other files are copied unchanged.
 * @param files the folder's tokenizer files by name ({@link TOKENIZER_FILES})
 * @throws InputError for a folder without tokenizer.json or with files that are not JSON objects.
 */
export function addMaskWords(
  files: Map<string, Uint8Array>,
  opts: MaskWordsOptions = {},
): { files: Map<string, string | Uint8Array>; report: MaskWordsReport } {
  const raw = files.get('tokenizer.json');
  if (!raw)
    throw new InputError('the folder has no tokenizer.json (a Hugging Face fast tokenizer is needed)');
  const tj = parse('tokenizer.json', raw);
  let words: string[];
  let extended: Json;
  try {
    words = maskWordTokens(opts);
    extended = extendTokenizer(tj, opts) as Json;
  } catch (e) {
    if (e instanceof RqError) throw new InputError(`tokenizer.json: ${e.message}`);
    throw e;
  }
  const wordSet = new Set(words);
  const all = extended.added_tokens as AddedToken[];
  const madeNonSpecial: AddedToken[] = [];
  for (const t of all.slice(0, (tj.added_tokens as AddedToken[]).length))
    if (wordSet.has(t.content) && t.special) {
      t.special = false;
      madeNonSpecial.push(t);
    }
  const added = all.slice((tj.added_tokens as AddedToken[]).length);
  let next = 1 + Math.max(maxVocabId(extended), ...all.map((t) => t.id));
  let padded = 0;
  const multiple = opts.padToMultiple;
  if (multiple !== undefined) {
    if (!Number.isInteger(multiple) || multiple < 1)
      throw new InputError(`--pad-to-multiple must be a positive integer, got ${multiple}`);
    const taken = new Set(all.map((t) => t.content));
    for (let i = 0; next % multiple !== 0; i++) {
      const content = `<|pad_extra_${i}|>`;
      if (taken.has(content)) continue;
      const t = entry(next++, content);
      all.push(t);
      added.push(t);
      padded++;
    }
  }
  const byContent = new Map(all.map((t) => [t.content, t.id]));
  const out = new Map<string, string | Uint8Array>(files);
  out.set('tokenizer.json', `${JSON.stringify(extended, null, 2)}\n`);
  // Lists of special tokens that named a word made non-special lose it.
  const demoted = new Set(madeNonSpecial.map((t) => t.content));
  const unlist = (o: Json) => {
    for (const key of ['additional_special_tokens', 'extra_special_tokens'])
      if (Array.isArray(o[key]))
        o[key] = (o[key] as unknown[]).filter(
          (x) => !demoted.has(typeof x === 'string' ? x : String((x as { content?: unknown })?.content)),
        );
  };
  const config = files.get('tokenizer_config.json');
  if (config) {
    const c = parse('tokenizer_config.json', config);
    unlist(c);
    out.set('tokenizer_config.json', `${JSON.stringify(c, null, 2)}\n`);
    if (c.added_tokens_decoder && typeof c.added_tokens_decoder === 'object') {
      const decoder = { ...(c.added_tokens_decoder as Json) };
      for (const t of [...madeNonSpecial, ...added])
        decoder[String(t.id)] = {
          content: t.content,
          lstrip: t.lstrip,
          normalized: t.normalized,
          rstrip: t.rstrip,
          single_word: t.single_word,
          special: t.special,
        };
      out.set(
        'tokenizer_config.json',
        `${JSON.stringify({ ...c, added_tokens_decoder: decoder }, null, 2)}\n`,
      );
    }
  }
  const map = files.get('special_tokens_map.json');
  if (map && demoted.size > 0) {
    const m = parse('special_tokens_map.json', map);
    unlist(m);
    out.set('special_tokens_map.json', `${JSON.stringify(m, null, 2)}\n`);
  }
  const addedJson = files.get('added_tokens.json');
  if (addedJson) {
    const a = parse('added_tokens.json', addedJson);
    for (const t of added) a[t.content] = t.id;
    out.set('added_tokens.json', `${JSON.stringify(a, null, 2)}\n`);
  }
  return {
    files: out,
    report: {
      added: added.length - padded,
      padded,
      firstId: byContent.get(words[0]) as number,
      lastId: byContent.get(words[words.length - 1]) as number,
      vocabSize: next,
      madeNonSpecial: madeNonSpecial.map((t) => t.content),
      words,
    },
  };
}

/** The largest id of the model's own vocabulary (a loop: 150,000 ids overflow a spread call). */
function maxVocabId(tj: Json): number {
  const vocab = (tj.model as { vocab?: unknown } | undefined)?.vocab;
  if (Array.isArray(vocab)) return vocab.length - 1;
  let max = -1;
  if (vocab && typeof vocab === 'object')
    for (const id of Object.values(vocab)) if ((id as number) > max) max = id as number;
  return max;
}
