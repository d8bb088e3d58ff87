/**
 * `prepare`: COCO instances + REFER referring expressions → SFT JSONL. Fixtures are written here:
 * the instances JSON and the REFER pickle by python3 (as REFER's own refs(unc).p is a pickle).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskToPolygons, rle } from '@seglang/contour';
import { pythonJson, SIMPLESEG_ANSWERS, SIMPLESEG_QUESTIONS } from '@seglang/polygon-grammar';
import { readRefs } from '../src/coco';
import { loadTokenizer } from '../src/inputs';
import { parseTasks, prepare } from '../src/prepare';
import { makeFixture } from './fixture';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-prepare-'));

let fx: string;
beforeAll(() => {
  fx = makeFixture();
});
const F = (name: string) => join(fx, name);
const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

describe('prepare', () => {
  test('LLaMA-Factory ShareGPT lines for seed 1, exactly; REFER splits kept; the pickle and its JSON give the same', async () => {
    const out = tmp();
    const report = await prepare({
      instances: F('instances.json'),
      refs: F('refs(unc).p'),
      images: F('img'),
      out,
      seed: 1,
    });
    expect(Object.keys(report.files).sort()).toEqual(['testB', 'train', 'val']);
    const img = (n: string) => JSON.stringify(join(F('img'), n));
    expect(lines(join(out, 'train.jsonl'))).toEqual([
      `{"messages":[{"role":"user","content":"<image>Locate the polygon of the big dog."},{"role":"assistant","content":"[[[0.125, 0.167], [0.125, 0.8], [0.725, 0.8], [0.725, 0.167]]]."}],"images":[${img('a.jpg')}]}`,
      `{"messages":[{"role":"user","content":"<image>What is the polygon of dog on the left in the image?"},{"role":"assistant","content":"It is at [[[0.125, 0.167], [0.125, 0.8], [0.725, 0.8], [0.725, 0.167]]]."}],"images":[${img('a.jpg')}]}`,
    ]);
    expect(lines(join(out, 'val.jsonl'))).toEqual([
      `{"messages":[{"role":"user","content":"<image>Help me locate the polygon of café cat."},{"role":"assistant","content":"[[[0.06, 0.1], [0.18, 0.4], [0.2, 0.4], [0.36, 0.8], [0.38, 0.8], [0.4, 0.85], [0.48, 0.65], [0.5, 0.65], [0.58, 0.45], [0.6, 0.45], [0.68, 0.25], [0.7, 0.25], [0.76, 0.1]]]."}],"images":[${img('b.jpg')}]}`,
    ]);
    expect(lines(join(out, 'testB.jsonl'))).toHaveLength(1);
    expect(report.records).toEqual({ train: 2, val: 1, testB: 1 });
    expect(report.skipped).toEqual({
      'image-file-missing': { count: 1, examples: [13] },
      'empty-polygon': { count: 1, examples: [14] },
      'no-text': { count: 1, examples: [6] },
      'ref-annotation-missing': { count: 1, examples: [3] },
    });
    // The same records as JSON: the same bytes.
    const out2 = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs.json'),
      images: F('img'),
      out: out2,
      seed: 1,
    });
    for (const s of ['train', 'val', 'testB'])
      expect(readFileSync(join(out2, `${s}.jsonl`), 'utf8')).toBe(
        readFileSync(join(out, `${s}.jsonl`), 'utf8'),
      );
  });

  test('--format simpleseg: the data script’s file byte for byte (json.dump, indent=4), every example visited twice', async () => {
    const out = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs(unc).p'),
      images: F('img'),
      out,
      seed: 5,
      format: 'simpleseg',
    });
    // One JSON array, as the script's json.dump(Content, f, indent=4) writes it.
    const text = readFileSync(join(out, 'train.json'), 'utf8');
    const records = JSON.parse(text) as { conversations: { from: string; value: string }[] }[];
    expect(records).toHaveLength(4); // 2 expressions × 2 visits
    // Recover the template choices from each record, then let Python write the file from the contour.
    const contour = maskToPolygons(rle.decode(rle.fromPolygon([5, 5, 30, 5, 30, 25, 5, 25], 30, 40)), {
      normalize: false,
    });
    const jobs = records.map((r) => {
      const [user, answer] = r.conversations.map((c) => c.value);
      const question = user.replace(/^<img>[^<]*<\/img>/, '');
      const sentence = ['the big dog', 'dog on the left'].find((s) =>
        SIMPLESEG_QUESTIONS.some((t) => t.replace('{q}', s) === question),
      ) as string;
      const q = SIMPLESEG_QUESTIONS.findIndex((t) => t.replace('{q}', sentence) === question);
      const a = SIMPLESEG_ANSWERS.findIndex((t) =>
        new RegExp(`^${t.replace('.', '\\.').replace('{a}', '\\[.*\\]')}$`).test(answer),
      );
      expect(q).toBeGreaterThanOrEqual(0);
      expect(a).toBeGreaterThanOrEqual(0);
      return { q, a, sentence, image: join(F('img'), 'a.jpg') };
    });
    // The data script's loop: every example once, then every example again.
    expect(jobs.map((j) => j.sentence)).toEqual([
      'the big dog',
      'dog on the left',
      'the big dog',
      'dog on the left',
    ]);
    const python = `
import json, sys
import numpy as np
QUESTIONS = json.loads(sys.argv[1]); ANSWERS = json.loads(sys.argv[2]); contours = json.loads(sys.argv[3]); jobs = json.loads(sys.argv[4])
w, h = 40, 30
polys = [np.round(np.array(c, dtype=np.float64) / [w, h], 3).tolist() for c in contours]
content = []
for j in jobs:
    question = QUESTIONS[j["q"]].format(q_placeholder=j["sentence"])
    answer = ANSWERS[j["a"]].format(a_placeholder=polys)
    content.append({"conversations": [{"from": "user", "value": "<img>" + j["image"] + "</img>" + question}, {"from": "assistant", "value": answer}]})
json.dump(content, sys.stdout, indent=4)
`;
    // The script's own template lists (placeholders {q_placeholder}, {a_placeholder}), with the bare
    // answer listed twice.
    const questions = SIMPLESEG_QUESTIONS.map((t) => t.replace('{q}', '{q_placeholder}'));
    const answers = SIMPLESEG_ANSWERS.map((t) => t.replace('{a}', '{a_placeholder}'));
    expect(answers.filter((t) => t === '{a_placeholder}.')).toHaveLength(2);
    const want = execFileSync(
      'python3',
      [
        '-c',
        python,
        JSON.stringify(questions),
        JSON.stringify(answers),
        JSON.stringify(contour),
        JSON.stringify(jobs),
      ],
      { encoding: 'utf8' },
    );
    expect(text).toBe(want);
    // Python's own reader takes the file as it is.
    const loaded = execFileSync(
      'python3',
      ['-c', 'import json, sys; print(len(json.load(open(sys.argv[1]))))', join(out, 'train.json')],
      { encoding: 'utf8' },
    );
    expect(loaded.trim()).toBe('4');
    // Non-ASCII escaped as Python's json.dump does.
    expect(readFileSync(join(out, 'val.json'), 'utf8')).toContain('caf\\u00e9 cat');
    expect(pythonJson({ a: ['é', 1, 0.5, null] })).toBe('{"a": ["\\u00e9", 1, 0.5, null]}');
    // JSONL on request: the same records, one per line, as json.dumps writes them.
    const lined = tmp();
    await prepare({
      instances: F('instances.json'),
      refs: F('refs(unc).p'),
      images: F('img'),
      out: lined,
      seed: 5,
      format: 'simpleseg',
      container: 'jsonl',
    });
    expect(lines(join(lined, 'train.jsonl')).map((l) => JSON.parse(l))).toEqual(records);
    expect(lines(join(lined, 'train.jsonl'))[0]).toBe(pythonJson(records[0]));
  });

  test('without referring expressions: category names, every skip reason reported, Qwen-VL format', async () => {
    const out = tmp();
    const report = await prepare({
      instances: F('instances.json'),
      images: F('img'),
      out,
      format: 'qwen-vl',
    });
    expect(report.records).toEqual({ train: 3 });
    expect(report.skipped).toEqual({
      crowd: { count: 1, examples: [12] },
      'image-file-missing': { count: 1, examples: [13] },
      'empty-polygon': { count: 1, examples: [14] },
      'image-not-in-instances': { count: 1, examples: [15] },
      'no-segmentation': { count: 1, examples: [16] },
      'invalid-segmentation': { count: 1, examples: [17] },
    });
    // One JSON array, which Qwen-VL's finetune.py reads with json.load.
    const file = join(out, 'train.json');
    const recs = JSON.parse(readFileSync(file, 'utf8'));
    expect(recs.map((r: { id: string }) => r.id)).toEqual(['10_0_0', '11_0_0', '18_0_0']);
    const ids = execFileSync(
      'python3',
      ['-c', 'import json, sys; print(",".join(r["id"] for r in json.load(open(sys.argv[1]))))', file],
      { encoding: 'utf8' },
    );
    expect(ids.trim()).toBe('10_0_0,11_0_0,18_0_0');
    expect(recs[0].conversations[0].value).toMatch(/^Picture 1: <img>.*a\.jpg<\/img>\n.*\bdog\b/);
    expect(recs[2].conversations[0].value).toMatch(/\bkite\b/);
    // Without --images the paths are the file names and nothing is checked on disk.
    const bare = await prepare({ instances: F('instances.json'), out: tmp() });
    expect(bare.records).toEqual({ train: 4 });
    expect(bare.skipped['image-file-missing']).toBeUndefined();
  });

  test('SAMTok codes become mask words; the task mix follows its weights; boxes come from the polygons', async () => {
    const out = tmp();
    const report = await prepare({
      instances: F('instances.json'),
      images: F('img'),
      out,
      samtokCodes: F('codes.jsonl'),
      tasks: parseTasks('text2mask=0.5,bbox2mask=0.25,mask2text=0.25'),
      visits: 200,
    });
    expect(report.skipped['no-samtok-codes']).toEqual({ count: 1, examples: [18] });
    const all = lines(join(out, 'train.jsonl')).map((l) => JSON.parse(l));
    expect(all).toHaveLength(400);
    const words = '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>';
    const dog = all
      .filter((r) => r.images[0].endsWith('a.jpg'))
      .map((r: { messages: { content: string }[] }) => r.messages);
    expect(dog).toHaveLength(200);
    const kinds = { text2mask: 0, bbox2mask: 0, mask2text: 0 };
    for (const [user, assistant] of dog) {
      expect(user.content + assistant.content).not.toContain('[[');
      if (user.content.includes(words)) kinds.mask2text++;
      else if (/\[0\.\d+, 0\.\d+, 0\.\d+, 0\.\d+\]/.test(user.content)) {
        kinds.bbox2mask++;
        expect(user.content).toContain('[0.125, 0.167, 0.725, 0.8]');
        expect(assistant.content).toContain(words);
      } else {
        kinds.text2mask++;
        expect(assistant.content).toContain(words);
      }
    }
    // 200 draws: each share within 4.5 standard deviations of its weight.
    for (const [k, p] of [
      ['text2mask', 0.5],
      ['bbox2mask', 0.25],
      ['mask2text', 0.25],
    ] as const)
      expect(Math.abs(kinds[k] - 200 * p)).toBeLessThan(4.5 * Math.sqrt(200 * p * (1 - p)));
    expect(() => parseTasks('text2mask=0.5,mask2mask=1')).toThrow(/unknown task "mask2mask"/);
    expect(() => parseTasks('text2mask=-1')).toThrow(/positive number/);
  });

  test('--budget: ε chosen per mask so every polygon text fits the token budget of the tokenizer', async () => {
    const tokenizer = loadTokenizer();
    const out = tmp();
    await prepare({ instances: F('instances.json'), out, budget: 75, tokenizer });
    const free = tmp();
    await prepare({ instances: F('instances.json'), out: free });
    const texts = (dir: string) =>
      lines(join(dir, 'train.jsonl')).map(
        (l) => /\[\[\[.*\]\]\]/.exec(JSON.parse(l).messages[1].content)?.[0] as string,
      );
    const tokens = (t: string) => tokenizer.encode(t).ids.length;
    expect(
      texts(out)
        .map(tokens)
        .every((n) => n <= 75),
    ).toBe(true);
    expect(
      texts(free)
        .map(tokens)
        .some((n) => n > 75),
    ).toBe(true); // the budget did something
  });

  test('deterministic for a seed; another seed chooses other templates', async () => {
    const run = async (seed: number) => {
      const out = tmp();
      await prepare({ instances: F('instances.json'), out, seed, visits: 20 });
      return readFileSync(join(out, 'train.jsonl'), 'utf8');
    };
    const a = await run(3);
    expect(await run(3)).toBe(a);
    expect(await run(4)).not.toBe(a);
  });

  test('an interrupted run resumes from its checkpoint and ends byte-identical to an uninterrupted one', async () => {
    // 1,300 annotations: checkpoints at 500 and 1,000; the run stops at 1,100.
    const dir = tmp();
    const images = [{ id: 1, file_name: 'x.jpg', width: 64, height: 48 }];
    const annotations = Array.from({ length: 1300 }, (_, i) => {
      const x = 5 + (i % 20);
      const y = 4 + (i % 17);
      return {
        id: 1000 + i,
        image_id: 1,
        category_id: 1 + (i % 2),
        iscrowd: i % 97 === 0 ? 1 : 0,
        segmentation: [[x, y, x + 30, y, x + 15, y + 20]],
      };
    });
    writeFileSync(
      join(dir, 'big.json'),
      JSON.stringify({
        images,
        annotations,
        categories: [
          { id: 1, name: 'dog' },
          { id: 2, name: 'cat' },
        ],
      }),
    );
    const opts = { instances: join(dir, 'big.json'), seed: 9, tasks: parseTasks('text2mask=1,point2mask=1') };
    const clean = join(dir, 'clean');
    const full = await prepare({ ...opts, out: clean });

    const out = join(dir, 'resumed');
    const ac = new AbortController();
    await expect(
      prepare({ ...opts, out, signal: ac.signal, onAnnotation: (i) => i === 1099 && ac.abort() }),
    ).rejects.toThrow(/interrupted; run it again to resume/);
    // Lines past the last checkpoint were written (to the split's part file, assembled at the end);
    // resuming cuts them and goes on from annotation 1,000.
    expect(existsSync(join(out, 'train.jsonl'))).toBe(false);
    expect(lines(join(out, '.train.visit0.part')).length).toBeGreaterThan(1000);
    const resumed = await prepare({ ...opts, out });
    expect(resumed.resumedFrom).toBe(1000);
    expect(readFileSync(join(out, 'train.jsonl'), 'utf8')).toBe(
      readFileSync(join(clean, 'train.jsonl'), 'utf8'),
    );
    expect(resumed.records).toEqual(full.records);
    expect(resumed.skipped).toEqual(full.skipped);
    // A finished run is not redone; other options need --overwrite.
    expect((await prepare({ ...opts, out })).records).toEqual(full.records);
    await expect(prepare({ ...opts, out, seed: 10 })).rejects.toThrow(
      /other inputs or options; pass --overwrite/,
    );
    const over = await prepare({ ...opts, out, seed: 10, overwrite: true });
    expect(over.resumedFrom).toBe(0);
    expect(readFileSync(join(out, 'train.jsonl'), 'utf8')).not.toBe(
      readFileSync(join(clean, 'train.jsonl'), 'utf8'),
    );
  });

  test('hostile COCO and REFER files: refused early with the file and place, never a crash', async () => {
    const dir = tmp();
    // 100,000 levels of nesting: refused at the 65th, not parsed for seconds.
    writeFileSync(join(dir, 'deep.json'), `{"images": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    await expect(prepare({ instances: join(dir, 'deep.json'), out: join(dir, 'o1') })).rejects.toThrow(
      /deep\.json: JSON nested deeper than 64 levels at byte 74; not a COCO file/,
    );
    // An image that carries an image_id key is an image: the array says what an item is.
    writeFileSync(
      join(dir, 'keys.json'),
      JSON.stringify({
        images: [{ id: 1, image_id: 1, file_name: 'a.jpg', width: 40, height: 30 }],
        annotations: [
          {
            id: 5,
            image_id: 1,
            category_id: 1,
            iscrowd: 0,
            name: 'x',
            segmentation: [[5, 5, 30, 5, 30, 25]],
          },
        ],
        categories: [{ id: 1, name: 'dog' }],
      }),
    );
    expect((await prepare({ instances: join(dir, 'keys.json'), out: join(dir, 'o2') })).records).toEqual({
      train: 1,
    });
    // Items of the wrong shape name their array and index.
    writeFileSync(
      join(dir, 'shape.json'),
      JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 4, height: 4 }], annotations: [null] }),
    );
    await expect(prepare({ instances: join(dir, 'shape.json'), out: join(dir, 'o3') })).rejects.toThrow(
      /shape\.json: annotations\[0\] is not an object/,
    );
    writeFileSync(
      join(dir, 'img.json'),
      JSON.stringify({ images: [{ id: 'one', file_name: 'a.jpg', width: 4, height: 4 }], annotations: [] }),
    );
    await expect(prepare({ instances: join(dir, 'img.json'), out: join(dir, 'o4') })).rejects.toThrow(
      /img\.json: images\[0\] needs an integer id/,
    );
    // A failure while processing an annotation is reported as itself, not as a JSON error.
    await expect(
      prepare({ instances: F('instances.json'), out: join(dir, 'o5'), budget: 0, tokenizer: () => 1 }),
    ).rejects.toThrow(/--budget must be a positive integer, got 0/);
    // Referring records: an empty list, and records that are not objects.
    writeFileSync(join(dir, 'empty.json'), '[]');
    await expect(
      prepare({ instances: F('instances.json'), refs: join(dir, 'empty.json'), out: join(dir, 'o6') }),
    ).rejects.toThrow(/empty\.json holds no referring records/);
    // Mutated pickles and JSON: an InputError naming the file, or records; never another error.
    const pickle = readFileSync(F('refs(unc).p'));
    const json = readFileSync(F('refs.json'));
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let k = 0; k < 300; k++) {
      const base = k % 2 ? pickle : json;
      const bytes = Buffer.from(base);
      for (let e = 0; e < 1 + Math.floor(rand() * 4); e++)
        bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const file = join(dir, k % 2 ? `m${k}.p` : `m${k}.json`);
      writeFileSync(file, k % 3 === 0 ? bytes.subarray(0, Math.floor(rand() * bytes.length)) : bytes);
      try {
        readRefs(file);
      } catch (e) {
        expect({ k, name: (e as Error).name, named: (e as Error).message.includes(file) }).toEqual({
          k,
          name: 'InputError',
          named: true,
        });
      }
    }
    writeFileSync(join(dir, 'nulls.json'), '[null]');
    await expect(
      prepare({ instances: F('instances.json'), refs: join(dir, 'nulls.json'), out: join(dir, 'o7') }),
    ).rejects.toThrow(/nulls\.json: record 0 is not an object/);
  });

  test('nothing from the data becomes a path outside --out: hostile split names and image file names', async () => {
    const root = tmp();
    const out = join(root, 'deep', 'out');
    const before = () => JSON.stringify(readdirSync(root, { recursive: true }).sort());
    const images = [
      { id: 1, file_name: 'a.jpg', width: 40, height: 30 },
      { id: 2, file_name: '../../etc/passwd', width: 40, height: 30 },
      { id: 3, file_name: '/abs/x.jpg', width: 40, height: 30 },
      { id: 4, file_name: 'a\u0000b.jpg', width: 40, height: 30 },
    ];
    const seg = [[5, 5, 30, 5, 30, 25, 5, 25]];
    writeFileSync(
      join(root, 'instances.json'),
      JSON.stringify({
        images,
        annotations: images.map((im) => ({
          id: 10 + im.id,
          image_id: im.id,
          category_id: 1,
          iscrowd: 0,
          segmentation: seg,
        })),
        categories: [{ id: 1, name: 'dog' }],
      }),
    );
    const start = before();
    for (const split of [
      '..',
      '../../escaped-by-split',
      '/tmp/abs',
      'a\u0000b',
      'x'.repeat(300),
      '.hidden',
      'a/b',
      'a\\b',
    ]) {
      writeFileSync(
        join(root, 'refs.json'),
        JSON.stringify([{ ref_id: 1, ann_id: 11, image_id: 1, split, sentences: [{ sent: 'a dog' }] }]),
      );
      await expect(
        prepare({ instances: join(root, 'instances.json'), refs: join(root, 'refs.json'), out }),
      ).rejects.toThrow(/the split name .* cannot be a file name/);
    }
    writeFileSync(
      join(root, 'refs.json'),
      JSON.stringify([
        { ref_id: 1, ann_id: 11, image_id: 1, split: 'train', sentences: [{ sent: 'a dog' }] },
        { ref_id: 2, ann_id: 11, image_id: 1, split: 'Train', sentences: [{ sent: 'the dog' }] },
      ]),
    );
    await expect(
      prepare({ instances: join(root, 'instances.json'), refs: join(root, 'refs.json'), out }),
    ).rejects.toThrow(/the splits "train" and "Train" differ only in case/);
    await expect(prepare({ instances: join(root, 'instances.json'), out, split: '../up' })).rejects.toThrow(
      /--split/,
    );
    // Image file names that leave the image folder are skipped, with their reason.
    const report = await prepare({ instances: join(root, 'instances.json'), out, checkImages: false });
    expect(report.records).toEqual({ train: 1 });
    expect(report.skipped['unsafe-file-name']).toEqual({ count: 3, examples: [12, 13, 14] });
    // Everything written is inside --out.
    const after = JSON.parse(before()) as string[];
    const added = after.filter((f) => !(JSON.parse(start) as string[]).includes(f));
    expect(added.every((f) => f.startsWith(join('deep', 'out')) || f === 'deep' || f === 'refs.json')).toBe(
      true,
    );
    expect(added.filter((f) => f.startsWith(`${join('deep', 'out')}/`)).sort()).toEqual([
      join('deep', 'out', 'prepare-state.json'),
      join('deep', 'out', 'train.jsonl'),
    ]);
  });

  test('bad input: a clear error naming the file', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'bad.json'),
      '{"images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}], "annotations": [{"id": 1, "image_id": 1,',
    );
    await expect(prepare({ instances: join(dir, 'bad.json'), out: join(dir, 'o') })).rejects.toThrow(
      /bad\.json is not valid JSON/,
    );
    writeFileSync(join(dir, 'bad2.json'), '{"images": [}');
    await expect(prepare({ instances: join(dir, 'bad2.json'), out: join(dir, 'o2') })).rejects.toThrow(
      /bad2\.json is not valid JSON/,
    );
    await expect(prepare({ instances: join(dir, 'nope.json'), out: join(dir, 'o3') })).rejects.toThrow(
      /cannot read .*nope\.json: ENOENT/,
    );
    await expect(
      prepare({ instances: F('instances.json'), refs: join(dir, 'nope.p'), out: join(dir, 'o6') }),
    ).rejects.toThrow(/cannot read .*nope\.p: ENOENT/);
    writeFileSync(join(dir, 'refs.p'), Buffer.from([0x80, 0x02, 0x5d, 0x71]));
    await expect(
      prepare({ instances: F('instances.json'), refs: join(dir, 'refs.p'), out: join(dir, 'o4') }),
    ).rejects.toThrow(/refs\.p is not a readable pickle/);
    writeFileSync(join(dir, 'refs.json'), '[{"ann_id": 1}]');
    await expect(
      prepare({ instances: F('instances.json'), refs: join(dir, 'refs.json'), out: join(dir, 'o5') }),
    ).rejects.toThrow(/record 0 needs ann_id, image_id, split and sentences/);
  });
});

describe('seglang-train prepare (the built CLI)', () => {
  test('writes the splits and prints the report; bad options exit 1 or 2', () => {
    const out = tmp();
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'prepare',
        '--instances',
        F('instances.json'),
        '--refs',
        F('refs(unc).p'),
        '--images',
        F('img'),
        '-o',
        out,
        '--json',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.records).toEqual({ train: 2, val: 1, testB: 1 });
    expect(existsSync(join(out, 'val.jsonl'))).toBe(true);
    const text = spawnSync(
      process.execPath,
      [CLI, 'prepare', '--instances', F('instances.json'), '-o', tmp()],
      { encoding: 'utf8' },
    );
    expect(text.stdout).toMatch(
      /9 annotations read\n {2}train: 4 examples.*\nskipped:\n {2}crowd: 1 \(e\.g\. 12\)/s,
    );
    const bad = spawnSync(
      process.execPath,
      [CLI, 'prepare', '--instances', F('instances.json'), '-o', tmp(), '--tasks', 'x=1'],
      { encoding: 'utf8' },
    );
    // A bad option value is a usage error (exit 2), named by commander.
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      `error: option '--tasks <mix>' argument 'x=1' is invalid. --tasks: unknown task "x"; tasks are text2point, text2bbox, text2mask, point2mask, bbox2mask, point2text, bbox2text, mask2text\n`,
    );
    expect(spawnSync(process.execPath, [CLI, 'prepare', '-o', tmp()], { encoding: 'utf8' }).status).toBe(2);
  });
});

describe('memory', () => {
  test('a 200 MB COCO file streams through in bounded heap', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'out'));
    // Generated by a child process so this one's heap stays out of the measurement.
    const script = `
const { createWriteStream, writeFileSync } = require('node:fs');
const dir = process.argv[1];
(async () => {
  const out = createWriteStream(dir + '/instances.json');
  const w = (s) => new Promise((r) => (out.write(s) ? r() : out.once('drain', r)));
  await w('{"info": {"description": "generated"}, "images": [');
  for (let i = 1; i <= 2000; i++) await w((i > 1 ? ', ' : '') + JSON.stringify({ id: i, file_name: i + '.jpg', width: 64, height: 48 }));
  await w('], "annotations": [');
  let bytes = 0, id = 0;
  const refs = [];
  while (bytes < 200e6) {
    id++;
    const pts = [];
    for (let k = 0; k < 600; k++) { const t = (2 * Math.PI * k) / 600, r = 14 + 6 * Math.sin(5 * t + id); pts.push((32 + r * Math.cos(t)).toFixed(2), (24 + r * Math.sin(t)).toFixed(2)); }
    const s = (id > 1 ? ', ' : '') + '{"id": ' + id + ', "image_id": ' + (1 + (id % 2000)) + ', "category_id": 1, "iscrowd": 0, "segmentation": [[' + pts.join(', ') + ']]}';
    bytes += s.length;
    await w(s);
    if (id % 100 === 0) refs.push({ ref_id: id, ann_id: id, image_id: 1 + (id % 2000), split: id % 300 === 0 ? 'val' : 'train', sentences: [{ sent: 'object ' + id }] });
  }
  await w('], "categories": [{"id": 1, "name": "dog"}]}');
  out.end();
  writeFileSync(dir + '/refs.json', JSON.stringify(refs));
})();`;
    execFileSync(process.execPath, ['-e', script, dir]);
    const size = statSync(join(dir, 'instances.json')).size;
    expect(size).toBeGreaterThan(200e6);
    const measure = `
import(process.argv[1]).then(async ({ prepare }) => {
  let peak = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().heapUsed); };
  const timer = setInterval(sample, 5);
  const base = process.memoryUsage().heapUsed;
  const report = await prepare({ instances: process.argv[2] + '/instances.json', refs: process.argv[2] + '/refs.json', out: process.argv[2] + '/out', onAnnotation: sample });
  clearInterval(timer);
  console.log(JSON.stringify({ base, peak, records: report.records, annotations: report.annotations }));
});`;
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=256', '-e', measure, join(__dirname, '..', 'dist', 'prepare.js'), dir],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    const m = JSON.parse(r.stdout);
    const mb = (b: number) => Math.round(b / 2 ** 20);
    console.log(
      `prepare over a ${mb(size)} MB COCO file (${m.annotations} annotations): peak heap ${mb(m.peak)} MB (baseline ${mb(m.base)} MB)`,
    );
    expect(m.annotations).toBeGreaterThan(20000);
    expect(m.records.train + m.records.val).toBe(Math.floor(m.annotations / 100));
    // The file is 200 MB of text; parsed whole it would take well over 500 MB of heap.
    expect(m.peak).toBeLessThan(96 * 2 ** 20);
  });
});
