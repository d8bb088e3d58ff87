/**
 * `prepare --rl verl|easyr1`: RL datasets from the prepare fixture, each field checked against what
 * the engine's loader and reward manager read:
 * - verl `verl/utils/dataset/rl_dataset.py` (`RLHFDataset._read_files_and_tokenize` loads Parquet or
 *   JSON with `datasets.load_dataset`; `_build_messages` splits each message's `content` on
 *   `<image>`, asserts one `images` entry per placeholder and spreads each dict into
 *   `{"type": "image", **image}`; `__getitem__` reads `extra_info.index`), and
 *   `verl/workers/reward_manager/naive.py` (`reward_model["ground_truth"]`, `data_source`,
 *   `extra_info` passed to `compute_score`);
 * - EasyR1 `verl/utils/dataset.py` (`RLHFDataset` with `prompt_key`, `answer_key`, `image_key`:
 *   `_build_messages` splits the prompt string on `<image>`, `process_image` opens a path string, and
 *   `__getitem__` hands `answer` on as `ground_truth`).
 * Parquet files are read back by a second, independent reader (arrow-rs through parquet-wasm), and by
 * pyarrow and Hugging Face `datasets` where a python with them is at hand.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rle } from '@seglang/contour';
import { decodeRlGroundTruth, maskWordMatchReward, simplesegReward } from '@seglang/rewards';
import { formatMaskWords } from '@seglang/rq-tokenizer';
import { parseTasks, prepare } from '../src/prepare';
import { makeFixture } from './fixture';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-rl-'));
let fx: string;
beforeAll(() => {
  fx = makeFixture();
});
const F = (name: string) => join(fx, name);

/** Rows of a Parquet file as the second reader gives them. */
function readParquet(file: string): { schema: string[]; rows: Record<string, unknown>[] } {
  return JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'read-parquet.mjs'), file], { encoding: 'utf8' }),
  );
}
const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

/** The fixture's annotation masks as COCO RLE, by image size: what a SimpleSeg ground truth must hold. */
const truthOf = {
  // ann 10 on a.jpg (40×30), ann 11 on b.jpg (50×20), ann 18 on c.jpg (30×30).
  'a.jpg': () => rle.fromPolygon([5, 5, 30, 5, 30, 25, 5, 25], 30, 40),
  'b.jpg': () => rle.fromPolygon([2, 2, 40, 2, 20, 18], 20, 50),
  'c.jpg': () => rle.fromPolygon([4, 20, 15, 3, 26, 20, 20, 27, 10, 27], 30, 30),
};

/** What verl's RLHFDataset and reward manager need of a row, checked as they read it. */
function checkVerlRow(row: Record<string, unknown>, split: string, index: number) {
  expect(Object.keys(row).sort()).toEqual([
    'ability',
    'data_source',
    'extra_info',
    'images',
    'prompt',
    'reward_model',
  ]);
  expect(typeof row.data_source).toBe('string');
  const prompt = row.prompt as { role: string; content: string }[];
  const images = row.images as { image: string }[];
  // _build_messages: one images entry per <image>, each a dict it spreads into the message part.
  const placeholders = prompt.reduce((n, m) => n + m.content.split('<image>').length - 1, 0);
  expect(placeholders).toBe(images.length);
  expect(images.length).toBe(1);
  expect(Object.keys(images[0])).toEqual(['image']);
  expect(existsSync(images[0].image)).toBe(true);
  expect(prompt.map((m) => m.role)).toEqual(['user']);
  const rm = row.reward_model as { style: string; ground_truth: string };
  expect(rm.style).toBe('rule');
  expect(typeof rm.ground_truth).toBe('string');
  const extra = row.extra_info as Record<string, unknown>;
  expect(extra).toMatchObject({ split, index });
  expect(typeof extra.id).toBe('string');
  return { question: prompt[0].content.slice('<image>'.length), image: images[0].image, gt: rm.ground_truth };
}

describe('prepare --rl', () => {
  test('verl Parquet: every field as RLHFDataset reads it; the ground truth is the annotation mask', async () => {
    const out = tmp();
    const report = await prepare({
      instances: F('instances.json'),
      refs: F('refs(unc).p'),
      images: F('img'),
      out,
      rl: 'verl',
      seed: 1,
    });
    expect(report.records).toEqual({ train: 2, val: 1, testB: 1 });
    expect(readdirSync(out).sort()).toEqual([
      'prepare-state.json',
      'testB.parquet',
      'train.parquet',
      'val.parquet',
    ]);
    const train = readParquet(join(out, 'train.parquet'));
    expect(train.schema).toEqual([
      'data_source: Utf8',
      'prompt: List<Struct<{role:Utf8, content:Utf8}>>',
      'images: List<Struct<{image:Utf8}>>',
      'ability: Utf8',
      'reward_model: Struct<{style:Utf8, ground_truth:Utf8}>',
      'extra_info: Struct<{split:Utf8, index:Int64, id:Utf8, task:Utf8}>',
    ]);
    const score = simplesegReward();
    for (const [split, n] of Object.entries(report.records)) {
      const { rows } = readParquet(join(out, `${split}.parquet`));
      expect(rows).toHaveLength(n);
      rows.forEach((row, i) => {
        const { question, image, gt } = checkVerlRow(row, split, i);
        expect(question).toMatch(/polygon/);
        const truth = decodeRlGroundTruth(gt);
        const file = image.split('/').pop() as keyof typeof truthOf;
        expect(truth).toEqual({
          kind: 'simpleseg',
          width: truthOf[file]().size[1],
          height: truthOf[file]().size[0],
          rle: truthOf[file](),
        });
      });
    }
    // The SFT run's answers for the same examples, scored against these ground truths: both train rows
    // are annotation 10, the pixel rectangle x 5…29, y 5…24 (25 × 20); its SimpleSeg polygon runs
    // through the border pixels' centres, so it covers 24 × 19 of them: IoU 456 / 500.
    const sft = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs(unc).p'),
      images: F('img'),
      out: sft,
      seed: 1,
    });
    const answers = jsonl(join(sft, 'train.jsonl')).map((r) => r.messages[1].content as string);
    const truths = train.rows.map((r) =>
      decodeRlGroundTruth((r.reward_model as { ground_truth: string }).ground_truth),
    );
    answers.forEach((a, i) => {
      const t = truths[i];
      if (t.kind !== 'simpleseg') throw new Error('expected a simpleseg ground truth');
      expect(score(a, { width: t.width, height: t.height, rle: t.rle }).components?.iou).toBeCloseTo(
        456 / 500,
        12,
      );
    });
  });

  test('EasyR1 JSONL and Parquet: problem with <image>, answer the ground-truth string, images as paths', async () => {
    const out = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs.json'),
      images: F('img'),
      out,
      rl: 'easyr1',
      container: 'jsonl',
      tasks: parseTasks('text2mask=1,bbox2mask=1,point2mask=1'),
      seed: 3,
    });
    const rows = jsonl(join(out, 'train.jsonl'));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['problem', 'answer', 'images', 'id']);
      // _build_messages: the prompt split on <image>, one image per placeholder; process_image opens a path.
      expect(row.problem.split('<image>').length - 1).toBe(row.images.length);
      expect(typeof row.images[0]).toBe('string');
      expect(existsSync(row.images[0])).toBe(true);
      expect(decodeRlGroundTruth(row.answer).kind).toBe('simpleseg');
    }
    const pq = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs.json'),
      images: F('img'),
      out: pq,
      rl: 'easyr1',
      tasks: parseTasks('text2mask=1,bbox2mask=1,point2mask=1'),
      seed: 3,
    });
    const read = readParquet(join(pq, 'train.parquet'));
    expect(read.schema).toEqual(['problem: Utf8', 'answer: Utf8', 'images: List<Utf8>', 'id: Utf8']);
    expect(read.rows).toEqual(rows);
  });

  test('with SAMTok codes the ground truth is the reference answer text, which matches itself', async () => {
    const out = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs.json'),
      images: F('img'),
      out,
      rl: 'verl',
      container: 'json',
      samtokCodes: F('codes.jsonl'),
      seed: 0,
    });
    const rows = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8'));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const truth = decodeRlGroundTruth(row.reward_model.ground_truth);
      if (truth.kind !== 'samtok') throw new Error('expected a samtok ground truth');
      expect(truth.answer).toContain(formatMaskWords([12, 47]));
      expect(maskWordMatchReward(truth.answer, truth.answer).value).toBe(1);
    }
  });

  test('pyarrow and Hugging Face datasets read the Parquet files as the engines load them', async () => {
    // The repository's tools venv (tools/requirements.txt), else the python3 on the path.
    const python = [join(__dirname, '..', '..', '..', 'tools', '.venv', 'bin', 'python'), 'python3'].find(
      (p) => spawnSync(p, ['-c', 'import pyarrow, datasets'], { encoding: 'utf8' }).status === 0,
    );
    if (!python) {
      console.warn(
        'skipped: no python with pyarrow and datasets (pip install -r tools/requirements.txt in tools/.venv)',
      );
      return;
    }
    const verl = tmp();
    const easyr1 = tmp();
    const common = { instances: F('instances.json'), refs: F('refs(unc).p'), images: F('img'), seed: 1 };
    await prepare({ ...common, out: verl, rl: 'verl' });
    await prepare({ ...common, out: easyr1, rl: 'easyr1' });
    // load_dataset("parquet", data_files=...)["train"], as both loaders call it; then the fields
    // each reads, with their types.
    const script = `
import json, sys, datasets, pyarrow.parquet as pq
verl, easyr1 = sys.argv[1], sys.argv[2]
out = {}
for name, path in (("verl", verl), ("easyr1", easyr1)):
    table = pq.read_table(path)
    ds = datasets.load_dataset("parquet", data_files=path)["train"]
    assert ds.num_rows == table.num_rows
    out[name] = {"rows": [ds[i] for i in range(ds.num_rows)], "arrow": table.to_pylist()}
print(json.dumps(out))
`;
    const read = JSON.parse(
      execFileSync(python, ['-c', script, join(verl, 'train.parquet'), join(easyr1, 'train.parquet')], {
        encoding: 'utf8',
      }),
    );
    const ours = readParquet(join(verl, 'train.parquet')).rows;
    expect(read.verl.rows).toEqual(ours);
    expect(read.verl.arrow).toEqual(ours);
    read.verl.rows.forEach((row: Record<string, unknown>, i: number) => checkVerlRow(row, 'train', i));
    expect(read.easyr1.rows).toEqual(readParquet(join(easyr1, 'train.parquet')).rows);
  });

  test('refusals: a task no reward scores, --format with --rl, Parquet for SFT data', async () => {
    const base = { instances: F('instances.json'), out: tmp() };
    await expect(prepare({ ...base, rl: 'verl', tasks: parseTasks('text2bbox=1') })).rejects.toThrow(
      /--rl: text2bbox answers with a bbox, which no reward scores; RL tasks are text2mask, point2mask, bbox2mask/,
    );
    await expect(prepare({ ...base, container: 'parquet' })).rejects.toThrow(
      /--container must be json, jsonl \(parquet is for --rl datasets\)/,
    );
    const both = spawnSync(
      process.execPath,
      [CLI, 'prepare', '--instances', F('instances.json'), '-o', tmp(), '--rl', 'verl', '--format', 'swift'],
      { encoding: 'utf8' },
    );
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/option '--rl <engine>' cannot be used with option '--format <f>'/);
  });
});
