/**
 * Every `seglang-train` subcommand on hostile and broken input, as a table: the arguments (and
 * files), the exit code (0 success, 1 bad input, 2 usage) and a fragment of the one-line message. No
 * input may surface an internal JavaScript message, exit 0 on bad input, print more than one line of
 * error, or leave a partial output file behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMaskPng } from '@seglang/contour/node';
import { writeSafetensors } from '@seglang/rq-tokenizer';
import { PNG } from 'pngjs';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'seglang-train-table-'));
// prepare makes its --out folder before it reads anything; those go here, outside `dir`.
const outs = mkdtempSync(join(tmpdir(), 'seglang-train-table-out-'));
const F = (name: string) => join(dir, name);
const O = (name: string) => join(outs, name);
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** A version 1.0 `.npy` file: the header dict padded to 64 bytes, then the raw data. */
function npy(descr: string, shape: number[], data: Uint8Array): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}
const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

beforeAll(() => {
  const mask = { width: 8, height: 6, data: new Uint8Array(48) };
  for (let y = 1; y < 5; y++) for (let x = 2; x < 7; x++) mask.data[y * 8 + x] = 1;
  mkdirSync(F('masks'));
  writeFileSync(F('masks/a.png'), encodeMaskPng(mask));
  const img = new PNG({ width: 8, height: 6 });
  for (let i = 0; i < 48; i++) img.data.set([(i * 37) % 256, (i * 11) % 256, (i * 5) % 256, 255], 4 * i);
  writeFileSync(F('photo.png'), PNG.sync.write(img));
  const bomb = Buffer.from(encodeMaskPng({ width: 8, height: 8, data: new Uint8Array(64) }));
  bomb.writeUInt32BE(20000, 16);
  bomb.writeUInt32BE(20000, 20);
  writeFileSync(F('bomb.png'), bomb);
  writeFileSync(F('null.json'), 'null');
  writeFileSync(F('deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  writeFileSync(F('no-annotations.json'), '{"images": 5}');
  writeFileSync(F('truncated.json'), '{"images": [{"id": 1, "file_name"');
  writeFileSync(F('image-bad.json'), '{"images": [{"id": 1, "width": -3}], "annotations": []}');
  const ann = (o: object) => JSON.stringify({ id: 1, split: 'val', width: 10, height: 10, ...o });
  writeFileSync(F('ann.jsonl'), `${ann({ masks: [[0, 0, 5, 0, 5, 5, 0, 5]] })}\n`);
  writeFileSync(F('ann-size.jsonl'), `${ann({ width: -4 })}\n`);
  writeFileSync(F('ann-huge.jsonl'), `${ann({ width: 1_000_000, height: 1_000_000, masks: [] })}\n`);
  writeFileSync(F('ann-nested.jsonl'), `${ann({ masks: [[[0, 0, 5, 0, 5, 5]]] })}\n`);
  writeFileSync(F('ann-far.jsonl'), `${ann({ masks: [[0, 0, 1e15, 0, 5, 1e15]] })}\n`);
  writeFileSync(F('ann-rle.jsonl'), `${ann({ masks: [{ size: [10, 10], counts: '!!' }] })}\n`);
  writeFileSync(F('ann-rle-size.jsonl'), `${ann({ masks: [{ size: [5, 5], counts: '0i0' }] })}\n`);
  writeFileSync(F('ann-dup.jsonl'), `${ann({ masks: [] })}\n${ann({ masks: [] })}\n`);
  writeFileSync(F('preds.jsonl'), '{"id": 1, "answer": "[[0.0, 0.0], [0.5, 0.0], [0.5, 0.5]]"}\n');
  writeFileSync(F('preds-json.jsonl'), 'not json\n');
  writeFileSync(F('preds-field.jsonl'), '{"id": 1, "answer": 5}\n');
  writeFileSync(F('preds-dup.jsonl'), '{"id": 1, "answer": "a"}\n{"id": 1, "answer": "b"}\n');
  const n = 40;
  writeFileSync(
    F('emb.npy'),
    npy('<f4', [n, 4], floats(Array.from({ length: 4 * n }, (_, i) => Math.sin(i)))),
  );
  writeFileSync(F('emb3.npy'), npy('<f4', [2, 3, 4], floats(new Array(24).fill(0))));
  writeFileSync(F('emb-int.npy'), npy('<i8', [5, 4], new Uint8Array(160)));
  writeFileSync(F('emb-nan.npy'), npy('<f4', [n, 4], floats(new Array(4 * n).fill(Number.NaN))));
  writeFileSync(F('emb-huge.npy'), npy('<f4', [100_000_000_000, 8], new Uint8Array(64)));
  writeFileSync(F('emb-garbage.npy'), 'garbage');
  writeFileSync(F('emb.txt'), '1 2 3');
  const st = Buffer.from(writeSafetensors({ a: { shape: [n, 4], data: new Float32Array(4 * n) } }));
  writeFileSync(F('emb-cut.safetensors'), st.subarray(0, st.length - 9));
  writeFileSync(
    F('emb-two.safetensors'),
    writeSafetensors(
      new Map([
        ['a', { shape: [n, 4], data: new Float32Array(4 * n) }],
        ['b', { shape: [n, 4], data: new Float32Array(4 * n) }],
      ]),
    ),
  );
});

type Row = [name: string, args: string[], code: number, message: RegExp];
const rows: Row[] = [
  ['no arguments: the help, a usage error', [], 2, /Usage: seglang-train/],
  ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
  ['--version', ['--version'], 0, /^$/],
  // prepare
  ['prepare: no --instances', ['prepare', '-o', O('a')], 2, /required option '--instances <file>'/],
  [
    'prepare: a missing file',
    ['prepare', '--instances', F('nope.json'), '-o', O('b')],
    1,
    /cannot read .*nope\.json: ENOENT/,
  ],
  [
    'prepare: JSON null',
    ['prepare', '--instances', F('null.json'), '-o', O('c')],
    1,
    /null\.json: not a COCO instances file \(its top level must be an object/,
  ],
  [
    'prepare: 100,000 levels of nesting',
    ['prepare', '--instances', F('deep.json'), '-o', O('d')],
    1,
    /deep\.json: not a COCO instances file/,
  ],
  [
    'prepare: no annotations',
    ['prepare', '--instances', F('no-annotations.json'), '-o', O('e')],
    1,
    /no-annotations\.json holds no annotations/,
  ],
  [
    'prepare: a truncated file',
    ['prepare', '--instances', F('truncated.json'), '-o', O('f')],
    1,
    /truncated\.json is not valid JSON: the file ends inside a value/,
  ],
  [
    'prepare: an image without a size',
    ['prepare', '--instances', F('image-bad.json'), '-o', O('g')],
    1,
    /image-bad\.json: images\[0\] needs an integer id and positive integer width and height/,
  ],
  [
    'prepare: a bad --tasks weight',
    ['prepare', '--instances', F('ann.jsonl'), '-o', O('h'), '--tasks', 'text2mask=x'],
    2,
    /the weight of text2mask must be a positive number/,
  ],
  [
    'prepare: an unknown --format',
    ['prepare', '--instances', F('ann.jsonl'), '-o', O('i'), '--format', 'alpaca'],
    2,
    /Allowed choices are llamafactory, swift, qwen-vl, simpleseg/,
  ],
  [
    'prepare: --budget 0',
    ['prepare', '--instances', F('ann.jsonl'), '-o', O('j'), '--budget', '0'],
    2,
    /--budget must be a positive integer/,
  ],
  [
    'prepare: --seed not a number',
    ['prepare', '--instances', F('ann.jsonl'), '-o', O('k'), '--seed', 'x'],
    2,
    /--seed must be a non-negative integer/,
  ],
  // eval
  ['eval: a missing file', ['eval', F('nope.jsonl'), F('ann.jsonl')], 1, /cannot read .*nope\.jsonl: ENOENT/],
  [
    'eval: a line that is not JSON',
    ['eval', F('preds-json.jsonl'), F('ann.jsonl')],
    1,
    /preds-json\.jsonl:1: not valid JSON/,
  ],
  [
    'eval: an answer that is not a string',
    ['eval', F('preds-field.jsonl'), F('ann.jsonl')],
    1,
    /preds-field\.jsonl: record 1 needs "id" and a string "answer"/,
  ],
  [
    'eval: an id answered twice',
    ['eval', F('preds-dup.jsonl'), F('ann.jsonl')],
    1,
    /preds-dup\.jsonl: record 2: id 1 is already answered by record 1/,
  ],
  [
    'eval: a negative width',
    ['eval', F('preds.jsonl'), F('ann-size.jsonl')],
    1,
    /ann-size\.jsonl: record 1 \(id 1\): width and height must be positive integers/,
  ],
  [
    'eval: a sample of 10^12 pixels',
    ['eval', F('preds.jsonl'), F('ann-huge.jsonl')],
    1,
    /1000000x1000000 = 1000000000000 pixels, more than --max-pixels 100000000/,
  ],
  [
    'eval: a mask nested one level too deep',
    ['eval', F('preds.jsonl'), F('ann-nested.jsonl')],
    1,
    /masks\[0\] must be a COCO RLE or a flat \[x1, y1, x2, y2, …\] polygon/,
  ],
  [
    'eval: a ground-truth point 10^15 pixels off',
    ['eval', F('preds.jsonl'), F('ann-far.jsonl')],
    1,
    /ann-far\.jsonl: record 1 \(id 1\): xy\[2\] must be a finite number within ±1e8/,
  ],
  [
    'eval: a corrupt RLE',
    ['eval', F('preds.jsonl'), F('ann-rle.jsonl')],
    1,
    /ann-rle\.jsonl: record 1 \(id 1\): .*invalid character "!" at offset 0/,
  ],
  [
    'eval: an RLE of another size',
    ['eval', F('preds.jsonl'), F('ann-rle-size.jsonl')],
    1,
    /masks\[0\] is 5x5, the sample 10x10/,
  ],
  [
    'eval: an id used twice',
    ['eval', F('preds.jsonl'), F('ann-dup.jsonl')],
    1,
    /record 2: id 1 is already used by record 1/,
  ],
  [
    'eval: an unknown --decoder',
    ['eval', F('preds.jsonl'), F('ann.jsonl'), '--decoder', 'loose'],
    2,
    /Allowed choices are reference, strict, tolerant/,
  ],
  [
    'eval: --max-pixels 0',
    ['eval', F('preds.jsonl'), F('ann.jsonl'), '--max-pixels', '0'],
    2,
    /--max-pixels must be a positive integer/,
  ],
  [
    'eval: --out under a file',
    ['eval', F('preds.jsonl'), F('ann.jsonl'), '--out', F('emb.npy/r')],
    1,
    /cannot write .*r\.md: cannot make its folder .*emb\.npy \(EEXIST\)/,
  ],
  ['eval: a good run', ['eval', F('preds.jsonl'), F('ann.jsonl')], 0, /^$/],
  // codebook
  ['codebook: no -o', ['codebook', F('emb.npy')], 2, /required option '-o, --out <file>'/],
  [
    'codebook: a missing file',
    ['codebook', F('nope.npy'), '-o', F('cb.st')],
    1,
    /cannot read .*nope\.npy: ENOENT/,
  ],
  [
    'codebook: not a .npy file',
    ['codebook', F('emb-garbage.npy'), '-o', F('cb.st')],
    1,
    /emb-garbage\.npy: not a \.npy file/,
  ],
  [
    'codebook: a text file',
    ['codebook', F('emb.txt'), '-o', F('cb.st')],
    1,
    /emb\.txt: expected a \.npy or \.safetensors file/,
  ],
  [
    'codebook: a 3-D array',
    ['codebook', F('emb3.npy'), '-o', F('cb.st')],
    1,
    /expected a 2-D \[n, dim\] array, got shape \[2,3,4\]/,
  ],
  ['codebook: integers', ['codebook', F('emb-int.npy'), '-o', F('cb.st')], 1, /dtype <i8 is not supported/],
  [
    'codebook: NaN embeddings',
    ['codebook', F('emb-nan.npy'), '-o', F('cb.st'), '--size', '8'],
    1,
    /NaN at vector 0, dim 0/,
  ],
  [
    'codebook: a header declaring 3.2 TB',
    ['codebook', F('emb-huge.npy'), '-o', F('cb.st')],
    1,
    /needs 3200000000000 bytes, the file has 64/,
  ],
  [
    'codebook: a cut safetensors file',
    ['codebook', F('emb-cut.safetensors'), '-o', F('cb.st')],
    1,
    /emb-cut\.safetensors: /,
  ],
  [
    'codebook: two tensors and no --tensor',
    ['codebook', F('emb-two.safetensors'), '-o', F('cb.st')],
    1,
    /holds 2 tensors \(a, b\); choose one with --tensor/,
  ],
  [
    'codebook: --tensor with a .npy',
    ['codebook', F('emb.npy'), '-o', F('cb.st'), '--tensor', 'x'],
    1,
    /--tensor names a tensor of a \.safetensors file/,
  ],
  [
    'codebook: too few embeddings',
    ['codebook', F('emb.npy'), '-o', F('cb.st')],
    1,
    /40 embeddings cannot train 256 codes per level/,
  ],
  [
    'codebook: --levels 0',
    ['codebook', F('emb.npy'), '-o', F('cb.st'), '--levels', '0'],
    2,
    /--levels must be a positive integer up to 64/,
  ],
  [
    'codebook: --levels 100000',
    ['codebook', F('emb.npy'), '-o', F('cb.st'), '--levels', '100000'],
    2,
    /up to 64/,
  ],
  [
    'codebook: --size 0',
    ['codebook', F('emb.npy'), '-o', F('cb.st'), '--size', '0'],
    2,
    /--size must be a positive integer/,
  ],
  [
    'codebook: -o a folder',
    ['codebook', F('emb.npy'), '-o', F('masks'), '--size', '8'],
    1,
    /cannot write .*masks: it is a folder/,
  ],
  [
    'codebook: -o under a file',
    ['codebook', F('emb.npy'), '-o', F('emb.npy/cb.st'), '--size', '8'],
    1,
    /cannot write .*cb\.st: cannot make its folder .*emb\.npy \(EEXIST\)/,
  ],
  // sweep-epsilon
  ['sweep-epsilon: a missing path', ['sweep-epsilon', F('nope')], 1, /nope: no such file or folder/],
  [
    'sweep-epsilon: a photo',
    ['sweep-epsilon', F('photo.png')],
    1,
    /photo\.png: not a mask: the image has colour/,
  ],
  [
    'sweep-epsilon: a decompression bomb',
    ['sweep-epsilon', F('bomb.png')],
    1,
    /bomb\.png is 20000x20000 = 400000000 pixels, more than --max-pixels 100000000/,
  ],
  ['sweep-epsilon: JSON null', ['sweep-epsilon', F('null.json')], 1, /null\.json: not a COCO instances file/],
  [
    'sweep-epsilon: --limit 0',
    ['sweep-epsilon', F('masks'), '--limit', '0'],
    2,
    /--limit must be a positive integer/,
  ],
  [
    'sweep-epsilon: an empty --epsilons',
    ['sweep-epsilon', F('masks'), '--epsilons', ''],
    2,
    /--epsilons must be a comma-separated list/,
  ],
  [
    'sweep-epsilon: --epsilons 0.1,,0.2',
    ['sweep-epsilon', F('masks'), '--epsilons', '0.1,,0.2'],
    2,
    /--epsilons must be/,
  ],
  [
    'sweep-epsilon: --csv a folder',
    ['sweep-epsilon', F('masks'), '--csv', F('masks')],
    1,
    /cannot write .*masks: it is a folder/,
  ],
  // reward-server (each refused before it listens)
  [
    'reward-server: --port x',
    ['reward-server', '--port', 'x'],
    2,
    /--port must be an integer from 0 to 65535/,
  ],
  [
    'reward-server: --port 99999',
    ['reward-server', '--port', '99999'],
    2,
    /--port must be an integer from 0 to 65535/,
  ],
  [
    'reward-server: --workers 0',
    ['reward-server', '--workers', '0'],
    2,
    /--workers must be a positive integer/,
  ],
  ['reward-server: --tau 2', ['reward-server', '--tau', '2'], 2, /--tau must be a number from 0 to 1/],
  [
    'reward-server: --body-limit 0',
    ['reward-server', '--body-limit', '0'],
    2,
    /--body-limit must be a positive integer/,
  ],
];

/** What a message from inside JavaScript or a dependency looks like, never shown to a user. */
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|undefined|\bat .*\.js:\d+|TypeError|RangeError|ERR_|lstat|open '/;

// A rest parameter keeps jest from passing a `done` callback.
test.each(rows)('%s', (...row: Row) => {
  const [, args, code, message] = row;
  const before = new Set(readdirSync(dir, { recursive: true }) as string[]);
  const r = run(args);
  // The message itself is shown when it does not match.
  expect({ code: r.code, err: message.test(r.err) || r.err }).toEqual({ code, err: true });
  expect(r.err).not.toMatch(INTERNAL);
  if (code === 1) {
    // One line of error, naming the tool.
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^seglang-train: /);
  }
  if (code === 0) expect(r.out.length).toBeGreaterThan(0);
  const added = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => !before.has(f));
  // Nothing half-written is left behind, and a failed command writes nothing.
  expect(added.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  if (code !== 0) expect(added).toEqual([]);
});
