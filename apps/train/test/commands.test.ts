/** codebook, sweep-epsilon and eval: the functions, and the built CLI as a child process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Mask, polygonsToMask, rle } from '@seglang/contour';
import { writeMaskPng } from '@seglang/contour/node';
import { formatPolygons, type Point } from '@seglang/polygon-grammar';
import { ResidualQuantizer, writeSafetensors } from '@seglang/rq-tokenizer';
import { PNG } from 'pngjs';
import { evaluate, toCsv, toMarkdown } from '../src/eval';
import { sweepEpsilon } from '../src/sweep';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-train-'));

const W = 10;
const H = 10;
const pixels = (inside: (x: number, y: number) => boolean): Mask => {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = inside(x, y) ? 1 : 0;
  return { width: W, height: H, data };
};
const rect = (x0: number, y0: number, x1: number, y1: number): Point[] => [
  [x0 / W, y0 / H],
  [x1 / W, y0 / H],
  [x1 / W, y1 / H],
  [x0 / W, y1 / H],
];

describe('eval', () => {
  // Ground truths as pixel masks; answers as normalised polygons. Expected values are computed here by
  // counting pixels, independently of @seglang/rewards' meter.
  const gtA = pixels((x, y) => x < 5 && y < 4);
  const gtB = pixels((x, y) => x >= 4 && y >= 4 && y < 8);
  const answers: Record<string, Point[][] | null> = {
    a: [rect(0, 0, 5, 4)],
    b: [rect(2, 4, 6, 8)],
    c: null, // "No target." on a no-target sample: correct
    d: [rect(0, 0, 2, 2)], // a mask on a no-target sample: wrong
    e: null, // no answer polygon on a target sample
  };
  const annotations = [
    { id: 'a', split: 'val', width: W, height: H, masks: [rle.encode(gtA)] },
    { id: 'b', split: 'val', width: W, height: H, masks: [rle.encode(gtB)] },
    { id: 'c', split: 'val', width: W, height: H, masks: [] },
    { id: 'd', split: 'testA', width: W, height: H, masks: [] },
    { id: 'e', split: 'testA', width: W, height: H, masks: [rle.encode(gtA)] },
  ];
  const predictions = Object.entries(answers)
    .filter(([id]) => id !== 'e')
    .map(([id, p]) => ({ id, answer: p ? `The object is at ${formatPolygons(p)}.` : 'No target.' }));
  predictions.push({ id: 'e', answer: 'I cannot tell.' });

  const count = (m: Mask) => m.data.reduce((a, b) => a + b, 0);
  const inter = (a: Mask, b: Mask) => a.data.reduce((n, v, i) => n + (v && b.data[i] ? 1 : 0), 0);
  const pred = (id: string) => polygonsToMask(answers[id] ?? [], W, H, { normalized: true });

  test('reproduces the tables computed by hand, GRES empty-target cases included', () => {
    const pa = pred('a');
    const pb = pred('b');
    const pd = pred('d');
    // val: a, b with targets; c no-target predicted empty (IoU 1, counts for N-acc, adds nothing to U).
    const iA = inter(pa, gtA);
    const uA = count(pa) + count(gtA) - iA;
    const iB = inter(pb, gtB);
    const uB = count(pb) + count(gtB) - iB;
    const tables = evaluate(annotations, predictions);
    const val = tables.find((t) => t.split === 'val')!;
    expect(val.samples).toBe(3);
    expect(val.cIoU).toBeCloseTo((iA + iB) / (uA + uB), 12);
    expect(val.gIoU).toBeCloseTo((iA / uA + iB / uB + 1) / 3, 12);
    expect(val['Pr@0.5']).toBeCloseTo((Number(iA / uA >= 0.5) + Number(iB / uB >= 0.5) + 1) / 3, 12);
    expect(val['N-acc']).toBe(1);
    expect(val['T-acc']).toBe(1);
    // REC: box of a = GT box (IoU 1 > 0.5); box of b [2,4,6,8] vs GT [4,4,10,8]: 8/24 ≤ 0.5.
    expect(val['Acc@0.5']).toBe(0.5);
    expect(val.emptyAnswers).toBe(1);
    // testA: d predicts a mask on a no-target sample (IoU 0, its area joins U); e answers nothing on a target.
    const testA = tables.find((t) => t.split === 'testA')!;
    expect(testA.cIoU).toBeCloseTo(0 / (count(pd) + count(gtA)), 12);
    expect(testA.gIoU).toBe(0);
    expect(testA['N-acc']).toBe(0);
    expect(testA['T-acc']).toBe(0);
    expect(testA['Acc@0.5']).toBe(0);
    // all: over the five samples.
    const all = tables.find((t) => t.split === 'all')!;
    expect(all.samples).toBe(5);
    expect(all.cIoU).toBeCloseTo((iA + iB) / (uA + uB + count(pd) + count(gtA)), 12);
    expect(all['N-acc']).toBe(0.5);
    expect(all['T-acc']).toBeCloseTo(2 / 3, 12);
    expect(toMarkdown(tables).split('\n')[2]).toMatch(/^\| val \| reference \| 3 \| /);
    expect(toCsv(tables).split('\n')[0]).toBe(
      'split,decoder,samples,cIoU,gIoU,Pr@0.5,Pr@0.6,Pr@0.7,Pr@0.8,Pr@0.9,Acc@0.5,N-acc,T-acc,emptyAnswers,decoderFailures,missing',
    );
  });

  test('answers are read as the SimpleSeg decoder reads them; REC boxes come from the predicted mask', () => {
    const ann = [{ id: 'a', width: W, height: H, masks: [rle.encode(gtA)] }];
    // No spaces: the reference decoder reads it (IoU 1), the strict grammar does not.
    const tight = [{ id: 'a', answer: '[[[0.0,0.0],[0.5,0.0],[0.5,0.4],[0.0,0.4]]]' }];
    expect(evaluate(ann, tight)[0]).toMatchObject({
      decoder: 'reference',
      cIoU: 1,
      'Acc@0.5': 1,
      emptyAnswers: 0,
    });
    expect(evaluate(ann, tight, 'annotations', { decoder: 'strict' })[0]).toMatchObject({
      decoder: 'strict',
      cIoU: 0,
      emptyAnswers: 1,
    });
    // A zero-area polygon whose vertices span the target's box: its mask is empty, so no REC hit
    // (the polygon's vertex box would have been a hit).
    const flat = [{ id: 'a', answer: '[[[0.0, 0.0], [0.25, 0.2], [0.5, 0.4]]]' }];
    expect(evaluate(ann, flat)[0]).toMatchObject({ 'Acc@0.5': 0, cIoU: 0 });
    // Where the reference decoder raises (a two-point polygon), no mask, and it is counted.
    const two = [{ id: 'a', answer: '[[[0.0, 0.0], [0.5, 0.4]]]' }];
    expect(evaluate(ann, two)[0]).toMatchObject({ emptyAnswers: 1, decoderFailures: 1 });
    expect(() => evaluate(ann, tight, 'annotations', { decoder: 'loose' as never })).toThrow(/--decoder/);
  });

  test('a split without no-target samples has no N-acc / T-acc; missing predictions count as empty', () => {
    const [t] = evaluate([annotations[0], { ...annotations[1], id: 'zz' }], predictions);
    expect(t['N-acc']).toBeNull();
    expect(t.missing).toBe(1);
    expect(toMarkdown([t])).toContain('| — | — |');
  });

  test('the CLI writes Markdown, CSV and JSON; bad input exits 1 with the file and line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ann.json'), JSON.stringify(annotations));
    writeFileSync(join(dir, 'pred.jsonl'), predictions.map((p) => JSON.stringify(p)).join('\n'));
    const r = run('eval', join(dir, 'pred.jsonl'), join(dir, 'ann.json'), '--out', join(dir, 'out', 'res'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('| split | decoder | samples | cIoU |');
    expect(JSON.parse(readFileSync(join(dir, 'out', 'res.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(evaluate(annotations, predictions))),
    );
    expect(readFileSync(join(dir, 'out', 'res.md'), 'utf8')).toContain('| testA |');
    expect(readFileSync(join(dir, 'out', 'res.csv'), 'utf8').split('\n')).toHaveLength(5);
    writeFileSync(join(dir, 'bad.jsonl'), '{"id": "a", "answer": "x"}\n{oops');
    const bad = run('eval', join(dir, 'bad.jsonl'), join(dir, 'ann.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.jsonl:2: not valid JSON/);
    expect(run('eval', join(dir, 'pred.jsonl'), join(dir, 'missing.json')).status).toBe(1);
    expect(run('eval').status).toBe(2);
  });
});

describe('codebook', () => {
  test('trains on .npy embeddings from well-separated clusters: every code used, a small residual', () => {
    const dir = tmp();
    // 4 clusters × 64 points in 8 dims, written as a float32 .npy.
    const n = 256;
    const d = 8;
    const data = new Float32Array(n * d);
    let s = 1;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) data[i * d + j] = (j === i % 4 ? 10 : 0) + 0.1 * rnd();
    const header = `${`{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`.padEnd(117, ' ')}\n`;
    const npy = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('NUMPY'),
      Buffer.from([1, 0, header.length, 0]),
      Buffer.from(header),
      Buffer.from(data.buffer),
    ]);
    writeFileSync(join(dir, 'emb.npy'), npy);
    const r = run(
      'codebook',
      join(dir, 'emb.npy'),
      '-o',
      join(dir, 'cb.safetensors'),
      '--levels',
      '2',
      '--size',
      '4',
      '--report',
      join(dir, 'report.json'),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('trained 2 levels × 4 codes on 256 embeddings of 8 dims (kmeans)');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.perLevel[0].utilisation).toBe(1);
    expect(report.mse[0]).toBeLessThan(0.01);
    const q = ResidualQuantizer.fromSafetensors(readFileSync(join(dir, 'cb.safetensors')));
    expect([q.levels, q.codebookSize, q.dim]).toEqual([2, 4, 8]);
    // Safetensors input with several tensors needs --tensor.
    const st = writeSafetensors({
      a: { shape: [n, d], data },
      b: { shape: [2, 2], data: new Float32Array(4) },
    });
    writeFileSync(join(dir, 'emb.safetensors'), st);
    const many = run(
      'codebook',
      join(dir, 'emb.safetensors'),
      '-o',
      join(dir, 'x.safetensors'),
      '--size',
      '4',
    );
    expect(many.status).toBe(1);
    expect(many.stderr).toMatch(/holds 2 tensors \(a, b\); choose one with --tensor/);
    expect(
      run(
        'codebook',
        join(dir, 'emb.safetensors'),
        '-o',
        join(dir, 'x.safetensors'),
        '--size',
        '4',
        '--tensor',
        'a',
      ).status,
    ).toBe(0);
    const few = run('codebook', join(dir, 'emb.npy'), '-o', join(dir, 'y.safetensors'), '--size', '1000');
    expect(few.status).toBe(1);
    expect(few.stderr).toMatch(/256 embeddings cannot train 1000 codes/);
  });
});

describe('sweep-epsilon', () => {
  const disc = (w: number, h: number, cx: number, cy: number, r: number): Mask => {
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) data[y * w + x] = (x - cx) ** 2 + (y - cy) ** 2 < r * r ? 1 : 0;
    return { width: w, height: h, data };
  };
  const masks = [disc(120, 90, 50, 40, 30), disc(64, 64, 32, 30, 20)];
  const chars = (t: string) => [...t].length; // a stand-in tokenizer: one token per character

  test('more simplification: fewer tokens and lower IoU; ε = 0 round-trips the pixel-centre contour', () => {
    const progress: number[] = [];
    const rows = sweepEpsilon(masks, chars, [0, 0.002, 0.01, 0.05], {
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => k / 8)); // 2 masks × 4 ε
    const tokens = rows.map((r) => r.meanTokens);
    const ious = rows.map((r) => r.meanIou);
    expect(tokens).toEqual([...tokens].sort((a, b) => b - a));
    expect(tokens[0]).toBeGreaterThan(tokens[3] * 2);
    expect(ious[0]).toBeGreaterThan(ious[3]);
    expect(ious[0]).toBeGreaterThan(0.9);
    expect(rows[0].masks).toBe(2);
  });

  test('the CLI writes the CSV and a PNG plot from a folder of masks (Qwen3 tokens)', () => {
    const dir = tmp();
    masks.forEach((m, i) => writeMaskPng(join(dir, `m${i}.png`), m));
    const r = run(
      'sweep-epsilon',
      dir,
      '--epsilons',
      '0,0.005,0.02',
      '--csv',
      join(dir, 'o.csv'),
      '--plot',
      join(dir, 'o.png'),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const csv = readFileSync(join(dir, 'o.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('epsilon,masks,mean_tokens,mean_vertices,mean_iou,min_iou');
    expect(csv).toHaveLength(4);
    const png = PNG.sync.read(readFileSync(join(dir, 'o.png')));
    expect([png.width, png.height]).toEqual([720, 440]);
    // The token curve (blue) and the IoU curve (red) are drawn.
    let blue = 0;
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r8, g8, b8] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (b8 > 150 && r8 < 80 && g8 > 90 && g8 < 150) blue++;
      if (r8 > 180 && g8 < 80 && b8 < 80) red++;
    }
    expect(blue).toBeGreaterThan(200);
    expect(red).toBeGreaterThan(200);
    const bad = run('sweep-epsilon', join(dir, 'nope'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/nope: no such file or folder/);
    // An empty list or entry is not ε = 0 (Number('') is 0).
    for (const list of ['', '0.01,', ' , 0.01'])
      expect(run('sweep-epsilon', dir, '--epsilons', list).stderr).toMatch(
        /--epsilons must be a comma-separated list of non-negative numbers/,
      );
  });
});

test('numeric flags are checked by the CLI, naming the flag', () => {
  const tau = run('reward-server', '--tau', 'abc', '--port', '0');
  expect(tau.status).not.toBe(0);
  expect(tau.stderr).toMatch(/--tau must be a number/);
  const eps = run('prepare', '--instances', 'x.json', '--refs', 'r.json', '-o', 'out', '--epsilon', '');
  expect(eps.status).not.toBe(0);
  expect(eps.stderr).toMatch(/--epsilon must be a number/);
});
