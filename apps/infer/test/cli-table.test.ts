/**
 * Every `seglang` subcommand on hostile and broken input, as a table: the arguments (and files),
 * the exit code (0 success, 1 bad input, 2 usage) and a fragment of the one-line message. No input
 * may surface an internal JavaScript message, exit 0 on bad input, print more than one line of
 * error, or leave a partial output file behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rle } from '@seglang/contour';
import { encodeMaskPng } from '@seglang/contour/node';
import { PNG } from 'pngjs';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'seglang-table-'));
const F = (name: string) => join(dir, name);
const run = (args: string[], input?: string | Buffer) => {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: typeof input === 'string' ? Buffer.from(input) : input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr.toString('utf8') };
};

beforeAll(() => {
  const mask = { width: 8, height: 6, data: new Uint8Array(48) };
  for (let y = 1; y < 5; y++) for (let x = 2; x < 7; x++) mask.data[y * 8 + x] = 1;
  writeFileSync(F('mask.png'), encodeMaskPng(mask));
  writeFileSync(F('mask.json'), JSON.stringify(rle.encode(mask)));
  const img = new PNG({ width: 8, height: 6 });
  for (let i = 0; i < 48; i++) img.data.set([(i * 37) % 256, (i * 11) % 256, (i * 5) % 256, 255], 4 * i);
  writeFileSync(F('photo.png'), PNG.sync.write(img));
  const other = new PNG({ width: 5, height: 5 });
  other.data.fill(255);
  writeFileSync(F('image5.png'), PNG.sync.write(other));
  // A decompression bomb: a small PNG whose header declares 20000 × 20000.
  const bomb = Buffer.from(encodeMaskPng({ width: 8, height: 8, data: new Uint8Array(64) }));
  bomb.writeUInt32BE(20000, 16);
  bomb.writeUInt32BE(20000, 20);
  writeFileSync(F('bomb.png'), bomb);
  // A JPEG whose frame header declares 30000 × 30000 (only the markers; no image data needed).
  writeFileSync(
    F('bomb.jpg'),
    Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x75, 0x30, 0x75, 0x30,
      0x01, 0x01, 0x11, 0x00,
    ]),
  );
  writeFileSync(F('null.json'), 'null');
  writeFileSync(F('rle-null.json'), '{"segmentation": null}');
  writeFileSync(F('rle-counts-null.json'), '{"size": [6, 8], "counts": null}');
  writeFileSync(F('rle-huge.json'), JSON.stringify({ size: [30000, 30000], counts: 'PPPPPP8' }));
  writeFileSync(F('rle-bad.json'), '{"size": [6, 8], "counts": "!!"}');
  writeFileSync(F('array.json'), '[1, 2]');
  writeFileSync(F('garbage.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  writeFileSync(F('jobs-bad.jsonl'), '{"image": 5}\n');
  writeFileSync(F('jobs-empty.jsonl'), '\n');
});

type Row = [name: string, args: string[], code: number, message: RegExp, input?: string | Buffer];
const rows: Row[] = [
  ['no arguments: the help, a usage error', [], 2, /Usage: seglang/],
  ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
  ['--version', ['--version'], 0, /^$/],
  // mask2text
  ['mask2text: a missing file', ['mask2text', F('nope.png')], 1, /cannot read .*nope\.png: ENOENT/],
  ['mask2text: a folder', ['mask2text', dir], 1, /cannot read .*: EISDIR/],
  [
    'mask2text: a photo passed as a mask',
    ['mask2text', F('photo.png')],
    1,
    /photo\.png: not a mask: the image has colour .*; give a binary mask PNG or a COCO RLE JSON/,
  ],
  [
    'mask2text: a decompression bomb',
    ['mask2text', F('bomb.png')],
    1,
    /bomb\.png is 20000x20000 = 400000000 pixels, more than --max-pixels 100000000/,
  ],
  [
    'mask2text: a lower --max-pixels',
    ['--max-pixels', '20', 'mask2text', F('mask.png')],
    1,
    /more than --max-pixels 20/,
  ],
  [
    'mask2text: --max-pixels not a number',
    ['--max-pixels', 'many', 'mask2text', F('mask.png')],
    2,
    /--max-pixels must be a positive integer/,
  ],
  [
    'mask2text: a truncated PNG',
    ['mask2text', F('garbage.png')],
    1,
    /garbage\.png: not a PNG file|not a valid PNG/,
  ],
  ['mask2text: JSON null', ['mask2text', F('null.json')], 1, /null\.json holds no COCO RLE/],
  [
    'mask2text: an annotation whose segmentation is null',
    ['mask2text', F('rle-null.json')],
    1,
    /holds no COCO RLE/,
  ],
  [
    'mask2text: an RLE whose counts are null',
    ['mask2text', F('rle-counts-null.json')],
    1,
    /rle-counts-null\.json: .*counts must be a string/,
  ],
  [
    'mask2text: an RLE declaring 30000 × 30000',
    ['mask2text', F('rle-huge.json')],
    1,
    /30000x30000 = 900000000 pixels, more than --max-pixels/,
  ],
  [
    'mask2text: a corrupt RLE string',
    ['mask2text', F('rle-bad.json')],
    1,
    /rle-bad\.json: .*invalid character "!" at offset 0/,
  ],
  ['mask2text: a JSON array', ['mask2text', F('array.json')], 1, /array\.json holds no COCO RLE/],
  [
    'mask2text: --epsilon not a number',
    ['mask2text', F('mask.png'), '--epsilon', 'x'],
    2,
    /--epsilon must be a number/,
  ],
  [
    'mask2text: --budget 1 (cannot fit)',
    ['mask2text', F('mask.png'), '--budget', '1'],
    0,
    /warning: .*over the budget of 1/,
  ],
  [
    'mask2text: a tokenizer folder that is not one',
    ['mask2text', F('mask.png'), '--tokenizer', dir],
    1,
    /cannot load a tokenizer from/,
  ],
  [
    'mask2text: standard input',
    ['mask2text', '-'],
    0,
    /^$/,
    encodeMaskPng({ width: 4, height: 4, data: new Uint8Array(16).fill(1) }) as Buffer,
  ],
  // text2mask
  [
    'text2mask: nothing to write',
    ['text2mask', '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]', '--size', '10x10'],
    2,
    /nothing to write/,
  ],
  [
    'text2mask: a bad --size',
    ['text2mask', '[[0.1, 0.1]]', '--size', '10', '--rle'],
    1,
    /--size must be WIDTHxHEIGHT/,
  ],
  [
    'text2mask: a --size over --max-pixels',
    ['text2mask', '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]', '--size', '100000x100000', '--rle'],
    1,
    /more than --max-pixels/,
  ],
  [
    'text2mask: no polygon in the text',
    ['text2mask', 'no idea', '--size', '10x10', '--rle'],
    1,
    /no polygon or box found/,
  ],
  [
    'text2mask: truncated text (a warning, an empty mask)',
    ['text2mask', '[[0.1, 0.1], [0.9', '--size', '10x10', '--rle'],
    0,
    /warning: the text needed a repair: truncated/,
  ],
  [
    'text2mask: -o - and --rle together',
    ['text2mask', '[[0.1, 0.1]]', '--size', '10x10', '-o', '-', '--rle'],
    2,
    /both write to standard output/,
  ],
  [
    'text2mask: text from standard input',
    ['text2mask', '-', '--size', '10x10', '--rle'],
    0,
    /^$/,
    '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]',
  ],
  [
    'text2mask: -o under a file',
    ['text2mask', '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]', '--size', '10x10', '-o', F('mask.png/m.png')],
    1,
    /cannot write .*m\.png: cannot make its folder .*mask\.png \(EEXIST\)/,
  ],
  [
    'text2mask: -o a folder',
    ['text2mask', '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]', '--size', '10x10', '-o', dir],
    1,
    /cannot write .*: it is a folder/,
  ],
  // overlay
  [
    'overlay: neither --mask nor --text',
    ['overlay', '--image', F('photo.png'), '-o', F('o.png')],
    2,
    /exactly one of --mask and --text/,
  ],
  [
    'overlay: a mask of another size',
    ['overlay', '--image', F('image5.png'), '--mask', F('mask.png'), '-o', F('o.png')],
    1,
    /the mask is 8x6, the image 5x5/,
  ],
  [
    'overlay: an image that is not one',
    ['overlay', '--image', F('mask.json'), '--mask', F('mask.png'), '-o', F('o.png')],
    1,
    /mask\.json is not a PNG or JPEG image/,
  ],
  [
    'overlay: a JPEG bomb',
    ['overlay', '--image', F('bomb.jpg'), '--mask', F('mask.png'), '-o', F('o.png')],
    1,
    /bomb\.jpg is 30000x30000 = 900000000 pixels, more than --max-pixels/,
  ],
  // segment
  ['segment: no image or prompt', ['segment', '--model', dir], 2, /give --image and --prompt, or --batch/],
  [
    'segment: --batch without -o',
    ['segment', '--model', dir, '--batch', F('jobs-bad.jsonl')],
    2,
    /--batch needs -o/,
  ],
  [
    'segment: --preset samtok without --samtok',
    ['segment', '--model', dir, '--preset', 'samtok', '--image', F('photo.png'), '--prompt', 'x'],
    2,
    /--preset samtok needs --samtok/,
  ],
  [
    'segment: an unknown --preset',
    ['segment', '--model', dir, '--preset', 'kimi', '--image', F('photo.png'), '--prompt', 'x'],
    2,
    /Allowed choices are simpleseg, samtok/,
  ],
  [
    'segment: a model folder that is not one',
    ['segment', '--model', dir, '--image', F('photo.png'), '--prompt', 'the dog'],
    1,
    /is missing config\.json/,
  ],
  [
    'segment: a model folder that does not exist',
    ['segment', '--model', F('nope'), '--image', F('photo.png'), '--prompt', 'x'],
    1,
    /model folder .*nope does not exist/,
  ],
  [
    'segment: an unreachable server',
    [
      'segment',
      '--model',
      'http://127.0.0.1:9/v1',
      '--image',
      F('photo.png'),
      '--prompt',
      'x',
      '--timeout',
      '2',
    ],
    1,
    /cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models/,
  ],
  [
    'segment: a bomb image',
    ['segment', '--model', dir, '--image', F('bomb.png'), '--prompt', 'x'],
    1,
    /bomb\.png is 20000x20000/,
  ],
  [
    'segment: a jobs file with a bad job',
    ['segment', '--model', dir, '--batch', F('jobs-bad.jsonl'), '-o', F('r.jsonl')],
    1,
    /jobs-bad\.jsonl:1: a job needs "image" and "prompt" strings|is missing config\.json/,
  ],
  // samtok
  [
    'samtok encode: a missing folder',
    ['samtok', 'encode', '--model', F('nope'), '--image', F('photo.png'), '--mask', F('mask.png')],
    1,
    /SAMTok folder .*nope does not exist/,
  ],
  [
    'samtok encode: a folder without the files',
    ['samtok', 'encode', '--model', dir, '--image', F('photo.png'), '--mask', F('mask.png')],
    1,
    /missing a SAM2 image encoder|is missing samtok_encoder\.onnx/,
  ],
  [
    'samtok decode: nothing to write',
    ['samtok', 'decode', '--model', dir, '--image', F('photo.png'), '--words', 'x'],
    2,
    /nothing to write/,
  ],
  [
    'samtok decode: a photo bomb',
    ['samtok', 'decode', '--model', dir, '--image', F('bomb.png'), '--words', 'x', '--json'],
    1,
    /bomb\.png is 20000x20000/,
  ],
];

/** What a message from inside JavaScript or a dependency looks like, never shown to a user. */
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|undefined|\bat .*\.js:\d+|TypeError|RangeError|ERR_/;

// A rest parameter keeps jest from mistaking the optional fifth column for a `done` callback.
test.each(rows)('%s', (...row: Row) => {
  const [, args, code, message, input] = row;
  const before = new Set(readdirSync(dir));
  const r = run(args, input);
  // The message itself is shown when it does not match.
  expect({ code: r.code, err: message.test(r.err) || r.err }).toEqual({ code, err: true });
  expect(r.err).not.toMatch(INTERNAL);
  if (code === 1) {
    // One line of error, naming the tool.
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^seglang: /);
  }
  // A success answers on standard output.
  if (code === 0) expect(r.out.length).toBeGreaterThan(0);
  const added = readdirSync(dir).filter((f) => !before.has(f));
  // Nothing half-written is left behind, and a failed command writes nothing.
  expect(added.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  if (code !== 0) expect(added).toEqual([]);
});
