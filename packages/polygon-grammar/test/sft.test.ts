/**
 * SFT records and files: `pythonJson` against Python's own `json.dumps` / `json.dump(indent=4)`
 * on generated values (non-ASCII, DEL, controls, astral characters, nesting, empty lists), and the
 * file layouts each trainer reads (JSON.parse always; Python's json.load in a child process when
 * python3 is on the machine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exampleSeed,
  pythonJson,
  RL_ENGINES,
  rlRecord,
  SFT_FORMATS,
  type SftExample,
  sftFile,
  sftRecord,
} from '../src';
import { rng } from './helpers';

const hasPython = spawnSync('python3', ['-c', 'import json']).status === 0;
const py = hasPython ? test : test.skip;

/** Strings with what JSON writers disagree on. */
function text(r: () => number): string {
  const pool = ['a', ' ', '"', '\\', '/', '\n', '\t', '\u0001', '\u007f', 'é', '中', '😀', '<img>', '{q}'];
  return Array.from({ length: Math.floor(r() * 8) }, () => pool[Math.floor(r() * pool.length)]).join('');
}

function value(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 2 || k < 0.4) return k < 0.1 ? Math.floor(r() * 1000) - 500 : k < 0.15 ? null : text(r);
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}${text(r)}`, value(r, depth + 1)]),
  );
}

py('pythonJson equals json.dumps, and with indent json.dump(…, indent=4), on 300 values', () => {
  const r = rng(7);
  const values = Array.from({ length: 300 }, () => value(r, 0));
  const dir = mkdtempSync(join(tmpdir(), 'seglang-sft-'));
  writeFileSync(join(dir, 'values.json'), JSON.stringify(values));
  const want = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        'import json, sys; v = json.load(open(sys.argv[1])); print(json.dumps([[json.dumps(x), json.dumps(x, indent=4)] for x in v]))',
        join(dir, 'values.json'),
      ],
      { encoding: 'utf8' },
    ),
  ) as [string, string][];
  values.forEach((v, i) => {
    expect(pythonJson(v)).toBe(want[i][0]);
    expect(pythonJson(v, { indent: 4 })).toBe(want[i][1]);
  });
});

const examples: SftExample[] = [
  {
    id: '7_0_0',
    image: 'img/a.jpg',
    question: 'Locate the polygon of the café cat.',
    answer: '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]].',
  },
  { id: '7_1_0', image: 'img/a.jpg', question: 'Point to "it".', answer: '[0.25, 0.5].' },
];

test('records in each convention', () => {
  expect(sftRecord('llamafactory', examples[0])).toEqual({
    messages: [
      { role: 'user', content: '<image>Locate the polygon of the café cat.' },
      { role: 'assistant', content: '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]].' },
    ],
    images: ['img/a.jpg'],
  });
  expect(sftRecord('qwen-vl', examples[0])).toEqual({
    id: '7_0_0',
    conversations: [
      { from: 'user', value: 'Picture 1: <img>img/a.jpg</img>\nLocate the polygon of the café cat.' },
      { from: 'assistant', value: '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]].' },
    ],
  });
  expect(sftRecord('simpleseg', examples[0])).toEqual({
    conversations: [
      { from: 'user', value: '<img>img/a.jpg</img>Locate the polygon of the café cat.' },
      { from: 'assistant', value: '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]].' },
    ],
  });
});

test('files parse as their container says, empty or not, in every format', () => {
  for (const format of SFT_FORMATS) {
    for (const container of ['json', 'jsonl'] as const) {
      const file = sftFile(format, examples, container);
      const records = examples.map((e) => sftRecord(format, e));
      if (container === 'json') expect(JSON.parse(file)).toEqual(records);
      else
        expect(
          file
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l)),
        ).toEqual(records);
      const empty = sftFile(format, [], container);
      expect(container === 'json' ? JSON.parse(empty) : empty).toEqual(container === 'json' ? [] : '');
    }
  }
  // The defaults: what each trainer reads.
  expect(sftFile('llamafactory', examples)).toBe(sftFile('llamafactory', examples, 'jsonl'));
  expect(sftFile('qwen-vl', examples)).toBe(sftFile('qwen-vl', examples, 'json'));
  expect(sftFile('simpleseg', examples)).toBe(sftFile('simpleseg', examples, 'json'));
});

py(
  'the simpleseg file is json.dump(records, f, indent=4) byte for byte; json.load reads every JSON file',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'seglang-sft-'));
    const records = examples.map((e) => sftRecord('simpleseg', e));
    writeFileSync(join(dir, 'records.json'), JSON.stringify(records));
    const want = execFileSync(
      'python3',
      [
        '-c',
        'import json, sys; json.dump(json.load(open(sys.argv[1])), sys.stdout, indent=4)',
        join(dir, 'records.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(sftFile('simpleseg', examples)).toBe(want);
    for (const format of SFT_FORMATS) {
      writeFileSync(join(dir, `${format}.json`), sftFile(format, examples, 'json'));
      const n = execFileSync(
        'python3',
        ['-c', 'import json, sys; print(len(json.load(open(sys.argv[1]))))', join(dir, `${format}.json`)],
        {
          encoding: 'utf8',
        },
      );
      expect(n.trim()).toBe('2');
    }
  },
);

test('example seeds are stable and order-free', () => {
  // Fixed values: a change here changes every prepared data set.
  expect(exampleSeed(0, 10, 0, 0, 0)).toBe(406449361);
  expect(exampleSeed(5, 2 ** 40 + 3, 7, 1, 1)).toBe(2256584516);
  expect(exampleSeed(0, 10, 0, 0, 0)).not.toBe(exampleSeed(0, 10, 0, 0, 1));
  expect(exampleSeed(1, 2 ** 40 + 3)).not.toBe(exampleSeed(1, 3));
  expect(() => exampleSeed(1.5)).toThrow(/safe integers/);
});

test('RL rows: verl and EasyR1 fields, exactly; bad examples are GrammarErrors naming the field', () => {
  const example = {
    id: '3_0_0',
    image: '/data/coco/a.jpg',
    question: 'Locate the polygon of the big dog.',
    groundTruth: '{"kind":"samtok","answer":"No target."}',
    dataSource: 'refcoco',
    split: 'val',
    index: 7,
    task: 'text2mask',
  };
  expect(rlRecord('verl', example)).toEqual({
    data_source: 'refcoco',
    prompt: [{ role: 'user', content: '<image>Locate the polygon of the big dog.' }],
    images: [{ image: '/data/coco/a.jpg' }],
    ability: 'segmentation',
    reward_model: { style: 'rule', ground_truth: '{"kind":"samtok","answer":"No target."}' },
    extra_info: { split: 'val', index: 7, id: '3_0_0', task: 'text2mask' },
  });
  expect(rlRecord('easyr1', example)).toEqual({
    problem: '<image>Locate the polygon of the big dog.',
    answer: '{"kind":"samtok","answer":"No target."}',
    images: ['/data/coco/a.jpg'],
    id: '3_0_0',
  });
  expect(RL_ENGINES).toEqual(['verl', 'easyr1']);
  expect(() => rlRecord('trl' as never, example)).toThrow(/engine must be one of verl, easyr1, got "trl"/);
  expect(() => rlRecord('verl', { ...example, groundTruth: { kind: 'samtok' } as never })).toThrow(
    /example\.groundTruth must be a string, got object/,
  );
  expect(() => rlRecord('verl', { ...example, index: -1 })).toThrow(
    /example\.index must be a non-negative integer/,
  );
});
