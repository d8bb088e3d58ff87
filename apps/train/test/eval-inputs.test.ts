/**
 * `eval` on what the engines write, from a `prepare` run of the fixture: LLaMA-Factory's
 * generated_predictions.jsonl (`prompt`, `predict`, `label`; LLaMA-Factory `src/llamafactory/train/sft/
 * trainer.py`, `save_predictions`) joined by position with the split's annotation index; verl's
 * validation dump (`ray_trainer._dump_generations`: `input`, `output`, `gts`, `score`, `step`); EasyR1's
 * `generations.log` (`FileGenerationLogger`); and `seglang segment --batch` results. Expected IoUs are
 * counted pixel by pixel here from the rasterised answer and the decoded annotation mask.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rle } from '@seglang/contour';
import { answerMask } from '@seglang/polygon-grammar';
import { prepare } from '../src/prepare';
import { makeFixture } from './fixture';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-eval-in-'));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
const writeJsonl = (file: string, rows: unknown[]) =>
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

/** IoU of an answer against a mask, counted pixel by pixel. */
function iou(answer: string, gt: { size: [number, number]; counts: string }): number {
  const [h, w] = gt.size;
  const p = answerMask(answer, w, h).data;
  const g = rle.decode(gt).data;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < p.length; i++) {
    inter += p[i] & g[i];
    union += p[i] | g[i];
  }
  return inter / union;
}

let fx: string;
let sft: string;
beforeAll(async () => {
  fx = makeFixture();
  sft = tmp();
  await prepare({
    instances: join(fx, 'instances.json'),
    refs: join(fx, 'refs.json'),
    images: join(fx, 'img'),
    out: sft,
    seed: 1,
  });
});

describe('eval reads what the engines write', () => {
  test("prepare's index: one line per record, in order, with the record's answer", () => {
    for (const split of ['val', 'testB']) {
      const records = jsonl(join(sft, `${split}.jsonl`));
      const index = jsonl(join(sft, `${split}.annotations.jsonl`));
      expect(index.map((a) => a.answer)).toEqual(records.map((r) => r.messages[1].content));
      // The index's images are relative to its folder (it is a jobs file); they name the same files.
      expect(index.map((a) => resolve(sft, a.image))).toEqual(records.map((r) => resolve(r.images[0])));
      for (const a of index)
        expect(Object.keys(a)).toEqual([
          'id',
          'split',
          'image',
          'prompt',
          'task',
          'width',
          'height',
          'masks',
          'answer',
        ]);
    }
    // No index for train unless asked.
    expect(() => readFileSync(join(sft, 'train.annotations.jsonl'))).toThrow(/ENOENT/);
  });

  test("LLaMA-Factory's generated_predictions.jsonl, joined by position; out of order or short is an error", () => {
    const records = jsonl(join(sft, 'testB.jsonl'));
    const index = jsonl(join(sft, 'testB.annotations.jsonl'));
    const dir = tmp();
    // A model answering the training answer, as LLaMA-Factory writes predictions.
    const preds = records.map((r) => ({
      prompt: r.messages[0].content,
      predict: r.messages[1].content,
      label: r.messages[1].content,
    }));
    writeJsonl(join(dir, 'generated_predictions.jsonl'), preds);
    const r = run(
      'eval',
      join(dir, 'generated_predictions.jsonl'),
      join(sft, 'testB.annotations.jsonl'),
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [table] = JSON.parse(r.stdout);
    expect(table).toMatchObject({ split: 'testB', samples: 1, missing: 0, emptyAnswers: 0 });
    expect(table.gIoU).toBeCloseTo(iou(index[0].answer, index[0].masks[0]), 12);
    // Two lines for one record; a label that is not the record's answer.
    writeJsonl(join(dir, 'two.jsonl'), [...preds, ...preds]);
    expect(run('eval', join(dir, 'two.jsonl'), join(sft, 'testB.annotations.jsonl')).stderr).toMatch(
      /two\.jsonl has 2 predictions and .*testB\.annotations\.jsonl 1 records: LLaMA-Factory writes one line per example/,
    );
    writeJsonl(join(dir, 'other.jsonl'), [{ ...preds[0], label: 'something else' }]);
    const other = run('eval', join(dir, 'other.jsonl'), join(sft, 'testB.annotations.jsonl'));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(
      /other\.jsonl:1: its label is not the answer of .* record 1 \(id 7_0_0\): the predictions are not in that file's order/,
    );
  });

  test('a verl validation dump and an EasyR1 generations.log carry their ground truths', async () => {
    const rl = tmp();
    await prepare({
      instances: join(fx, 'instances.json'),
      refs: join(fx, 'refs.json'),
      images: join(fx, 'img'),
      out: rl,
      seed: 1,
      rl: 'verl',
      container: 'jsonl',
    });
    const rows = jsonl(join(rl, 'train.jsonl'));
    const answers = jsonl(join(sft, 'train.jsonl')).map((r) => r.messages[1].content as string);
    const dir = tmp();
    writeJsonl(
      join(dir, '100.jsonl'),
      rows.map((row, i) => ({
        input: row.prompt[0].content,
        output: answers[i],
        gts: row.reward_model.ground_truth,
        score: 2,
        step: 100,
      })),
    );
    const verl = run('eval', join(dir, '100.jsonl'), '--json');
    expect(verl.stderr).toBe('');
    const [table] = JSON.parse(verl.stdout);
    const gt = JSON.parse(rows[0].reward_model.ground_truth).rle;
    expect(table).toMatchObject({ split: 'step 100', samples: 2, missing: 0 });
    expect(table.gIoU).toBeCloseTo((iou(answers[0], gt) + iou(answers[1], gt)) / 2, 12);
    // EasyR1's file logger: one block a sample; an output may span lines.
    const log = rows
      .map(
        (row, i) =>
          `[prompt] user\n${row.prompt[0].content}\n[output] Sure.\n${answers[i]}\n[ground_truth] ${row.reward_model.ground_truth}\n[score] 2.0\n\n`,
      )
      .join('');
    writeFileSync(join(dir, 'generations.log'), log);
    const easy = run('eval', join(dir, 'generations.log'), '--json');
    expect(easy.stderr).toBe('');
    expect(JSON.parse(easy.stdout)[0]).toMatchObject({ split: 'all', samples: 2, gIoU: table.gIoU });
    // A dump with an annotations file, or a SAMTok ground truth: told, not scored wrongly.
    expect(run('eval', join(dir, '100.jsonl'), join(sft, 'val.annotations.jsonl')).stderr).toMatch(
      /a verl dump carries its ground truths; give no annotations file/,
    );
    writeJsonl(join(dir, 'samtok.jsonl'), [
      { input: 'x', output: 'y', gts: '{"kind":"samtok","answer":"No target."}', score: 0, step: 1 },
    ]);
    expect(run('eval', join(dir, 'samtok.jsonl')).stderr).toMatch(
      /samtok\.jsonl: line 1: a samtok ground truth: eval scores SimpleSeg answers/,
    );
  });

  test('seglang segment --batch results: its masks scored as they are, failed jobs missing, other tasks not scored', async () => {
    const mixed = tmp();
    await prepare({
      instances: join(fx, 'instances.json'),
      refs: join(fx, 'refs.json'),
      images: join(fx, 'img'),
      out: mixed,
      seed: 2,
      visits: 4,
      index: 'all',
      tasks: [
        { task: 'text2mask', weight: 1 },
        { task: 'text2bbox', weight: 1 },
      ],
    });
    const index = jsonl(join(mixed, 'train.annotations.jsonl'));
    expect(new Set(index.map((a) => a.task))).toEqual(new Set(['text2mask', 'text2bbox']));
    const masks = index.filter((a) => a.task === 'text2mask');
    expect(masks.length).toBeGreaterThanOrEqual(2);
    // The first mask job failed; the second came back with SAMTok words and the mask they decode to
    // (here the target itself); the rest answered with the training answer.
    const failed = masks[0].id;
    const words = masks[1].id;
    const dir = tmp();
    writeJsonl(
      join(dir, 'results.jsonl'),
      index.map((a) =>
        a.id === failed
          ? { id: a.id, image: a.image, prompt: a.prompt, error: 'cannot read it' }
          : a.id === words
            ? {
                id: a.id,
                image: a.image,
                prompt: a.prompt,
                text: '<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>',
                rle: a.masks[0],
              }
            : { id: a.id, image: a.image, prompt: a.prompt, text: a.answer },
      ),
    );
    const r = run('eval', join(dir, 'results.jsonl'), join(mixed, 'train.annotations.jsonl'), '--json');
    const [table] = JSON.parse(r.stdout);
    expect(table).toMatchObject({ samples: masks.length, missing: 1 });
    const ious = masks.map((a) => (a.id === failed ? 0 : a.id === words ? 1 : iou(a.answer, a.masks[0])));
    expect(table.gIoU).toBeCloseTo(ious.reduce((x, y) => x + y, 0) / ious.length, 12);
    const notes = r.stderr.trimEnd().split('\n');
    expect(notes).toContain(
      `seglang-train: note: ${index.length - masks.length} records of tasks whose answer is not a mask are not scored`,
    );
    expect(notes).toContain('seglang-train: note: 1 jobs failed (lines with an error) and count as missing');
    // A mask of another size is an error naming the id.
    writeJsonl(join(dir, 'bad.jsonl'), [
      { id: words, image: 'x', prompt: 'p', text: 't', rle: { size: [2, 2], counts: '04' } },
    ]);
    expect(run('eval', join(dir, 'bad.jsonl'), join(mixed, 'train.annotations.jsonl')).stderr).toMatch(
      new RegExp(`bad\\.jsonl: id ${words}: its mask is 2x2, the sample`),
    );
  });

  test('a file of no known kind is told so', () => {
    const dir = tmp();
    writeJsonl(join(dir, 'x.jsonl'), [{ foo: 1 }]);
    const r = run('eval', join(dir, 'x.jsonl'), join(sft, 'val.annotations.jsonl'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /cannot tell where these predictions come from \(seglang, segment, llamafactory, verl, easyr1\); give --predictions-format/,
    );
  });
});
