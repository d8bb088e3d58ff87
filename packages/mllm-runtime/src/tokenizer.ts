import { Tokenizer } from '@huggingface/tokenizers';
import { extendTokenizer, MASK_START, type MaskWordOptions } from '@seglang/rq-tokenizer';
import { RuntimeError } from './errors';

/**
 * A model's tokenizer (`tokenizer.json` + `tokenizer_config.json`) on `@huggingface/tokenizers`,
 * with what generation needs: ids ↔ text, special-token ids, the decoded text of every id (for
 * grammar constraints) and incremental detokenisation for streaming.
 */
export class TextTokenizer {
  private readonly inner: Tokenizer;
  private vocab?: string[];
  private sizeCache?: number;

  /**
   * @param maskWords when set and the tokenizer lacks `<|mt_start|>`, the SAMTok mask-word
   * vocabulary of `@seglang/rq-tokenizer` is added (ids after the last existing id).
   */
  constructor(tokenizerJson: object, tokenizerConfig: object = {}, maskWords?: MaskWordOptions) {
    let json = tokenizerJson;
    const has = (j: object) =>
      ((j as { added_tokens?: { content: string }[] }).added_tokens ?? []).some(
        (t) => t.content === MASK_START,
      );
    if (maskWords && !has(json)) json = extendTokenizer(json, maskWords);
    try {
      this.inner = new Tokenizer(json, tokenizerConfig);
    } catch (cause) {
      throw new RuntimeError('INVALID_CONFIG', `tokenizer.json does not load: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  /** Token ids of `text`; special tokens written in the text (`<|im_start|>`) become their ids. */
  encode(text: string): number[] {
    return this.inner.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: ArrayLike<number>, skipSpecialTokens = false): string {
    if (ids.length === 0) return '';
    return this.inner.decode(Array.from(ids), { skip_special_tokens: skipSpecialTokens });
  }

  /** The id of a token string, e.g. `'<|image_pad|>'`. */
  id(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  /** Number of ids (the largest id + 1). */
  get size(): number {
    if (this.sizeCache === undefined) {
      let max = -1;
      for (const id of this.inner.get_vocab(true).values()) if (id > max) max = id;
      this.sizeCache = max + 1;
    }
    return this.sizeCache;
  }

  /** The decoded text of every id, in id order (computed once): what grammar constraints index. */
  vocabulary(): string[] {
    if (!this.vocab) {
      const n = this.size;
      const out = new Array<string>(n).fill('');
      for (const [token, id] of this.inner.get_vocab(true)) out[id] = this.inner.decode([id]) || token;
      this.vocab = out;
    }
    return this.vocab;
  }
}

/**
 * Streams text from a growing list of ids in amortised constant time per token: re-decodes only a
 * short window and holds back text while it ends in an incomplete UTF-8 sequence (`�`).
 */
export class Detokenizer {
  private readonly ids: number[] = [];
  private prefix = 0;
  private read = 0;
  /** The decoded text of `ids[prefix, read)`, which only changes when the window moves. */
  private settled = '';
  text = '';

  constructor(
    private readonly tok: TextTokenizer,
    private readonly skipSpecial = true,
  ) {}

  /** Adds a token; returns the new text (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const now = this.tok.decode(this.ids.slice(this.prefix), this.skipSpecial);
    if (now.length > this.settled.length && !now.endsWith('\uFFFD')) {
      const delta = now.slice(this.settled.length);
      this.advance();
      this.text += delta;
      return delta;
    }
    return '';
  }

  /** Text still held back at the end (an incomplete character), decoded as is. */
  flush(): string {
    const now = this.tok.decode(this.ids.slice(this.prefix), this.skipSpecial);
    const delta = now.length > this.settled.length ? now.slice(this.settled.length) : '';
    this.prefix = this.ids.length;
    this.read = this.prefix;
    this.settled = '';
    this.text += delta;
    return delta;
  }

  /** Moves the window past the emitted text: `[read, end)` becomes the settled prefix. */
  private advance(): void {
    this.prefix = this.read;
    this.read = this.ids.length;
    this.settled = this.tok.decode(this.ids.slice(this.prefix, this.read), this.skipSpecial);
  }
}
