/** Runs the built CLI (dist/cli.js) as a child process on the bundled samples. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskArea, maskIou, polygonsToMask, rle } from '@seglang/contour';
import { readMaskPng } from '@seglang/contour/node';
import { extractLocations, parseLocation } from '@seglang/polygon-grammar';
import { PNG } from 'pngjs';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const SAMPLE = join(__dirname, '..', 'samples', 'masks', 'coco-1290-5.png');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-cli-'));

test('demo: a table of both boundary modes with Qwen3 token counts, overlay PNGs, and the fixture model', () => {
  const dir = tmp();
  const r = run('demo', '-o', dir, '--json');
  expect(r.code).toBe(0);
  const { masks, model } = JSON.parse(r.out);
  expect(masks).toHaveLength(4);
  for (const row of masks) {
    expect(row.edgesIoU).toBeGreaterThanOrEqual(row.centresIoU);
    expect(row.centresTokens).toBeGreaterThan(row.centresVertices);
    expect(PNG.sync.read(readFileSync(row.overlay)).width).toBeGreaterThan(0);
  }
  // The model path: the random-weight fixture, constrained to one polygon of at least 3 points.
  const found = extractLocations(model.text);
  expect(found).toHaveLength(1);
  const loc = found[0].location;
  const points = loc.kind === 'polygon' ? loc.points : [];
  expect(points.length).toBeGreaterThanOrEqual(3);
  expect(model.vertices).toBe(points.length);
  expect(model.area).toBe(maskArea(polygonsToMask([points], 160, 120, { normalized: true })));
  expect(PNG.sync.read(readFileSync(model.overlay)).width).toBe(160);
  const text = run('demo', '-o', dir);
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/pixel centres .* pixel edges/s);
  expect(text.out).toContain('RANDOM weights');
  expect(text.out).toContain(model.text); // streamed as it was generated (greedy: the same answer)
});

test('mask2text: SimpleSeg text that parses strictly and rasterises back close to the mask', () => {
  const r = run('mask2text', SAMPLE);
  expect(r.code).toBe(0);
  const loc = parseLocation(r.out.trim(), { kind: 'polygons' });
  const mask = readMaskPng(SAMPLE);
  const back = polygonsToMask(loc.kind === 'polygons' ? loc.polygons : [], mask.width, mask.height, {
    normalized: true,
  });
  expect(maskIou(mask, back)).toBeGreaterThan(0.97);
  const budget = JSON.parse(run('mask2text', SAMPLE, '--budget', '220', '--json').out);
  expect(budget.tokens).toBeLessThanOrEqual(220);
  expect(budget.epsilon).toBeGreaterThan(0);
  // A COCO RLE JSON works too.
  const dir = tmp();
  writeFileSync(join(dir, 'm.json'), JSON.stringify(rle.encode(mask)));
  expect(run('mask2text', join(dir, 'm.json')).out).toBe(r.out);
});

test('text2mask: a PNG and the RLE of the COCO rasterisation', () => {
  const dir = tmp();
  const text = 'It is at [[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]].';
  const r = run('text2mask', text, '--size', '64x48', '-o', join(dir, 'm.png'), '--rle');
  expect(r.code).toBe(0);
  const expected = polygonsToMask(
    [
      [
        [0.1, 0.1],
        [0.9, 0.1],
        [0.5, 0.9],
      ],
    ],
    64,
    48,
    { normalized: true },
  );
  expect(readMaskPng(join(dir, 'm.png'))).toEqual(expected);
  expect(JSON.parse(r.out)).toEqual(rle.encode(expected));
});

test('overlay: outline pixels are exactly the boundary of the rasterised polygon', () => {
  const dir = tmp();
  const image = new PNG({ width: 40, height: 30 });
  image.data.fill(100);
  writeFileSync(join(dir, 'img.png'), PNG.sync.write(image));
  const text = '[[[0.25, 0.2], [0.75, 0.2], [0.75, 0.8], [0.25, 0.8]]]';
  expect(run('overlay', '--image', join(dir, 'img.png'), '--text', text, '-o', join(dir, 'o.png')).code).toBe(
    0,
  );
  const out = PNG.sync.read(readFileSync(join(dir, 'o.png')));
  const mask = polygonsToMask(
    [
      [
        [0.25, 0.2],
        [0.75, 0.2],
        [0.75, 0.8],
        [0.25, 0.8],
      ],
    ],
    40,
    30,
    { normalized: true },
  );
  let outline = 0;
  for (let y = 0; y < 30; y++)
    for (let x = 0; x < 40; x++) {
      const i = y * 40 + x;
      const px = Array.from(out.data.subarray(4 * i, 4 * i + 3));
      const inside = mask.data[i] === 1;
      const edge =
        inside && (!mask.data[i - 1] || !mask.data[i + 1] || !mask.data[i - 40] || !mask.data[i + 40]);
      if (edge) {
        expect(px).toEqual([255, 0, 64]);
        outline++;
      } else if (!inside) expect(px).toEqual([100, 100, 100]);
      else expect(px).not.toEqual([100, 100, 100]);
    }
  // The polygon [10, 30] × [6, 24] covers columns 10…29 and rows 6…23: its outline has 2·20 + 2·16 pixels.
  expect(maskArea(mask)).toBe(20 * 18);
  expect(outline).toBe(2 * 20 + 2 * 16);
});

describe('errors: one line, exit 1 for bad input, 2 for usage', () => {
  test('missing files, an unreadable image, malformed text', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'not-an-image.png'), 'hello');
    for (const [args, pattern] of [
      [['mask2text', join(dir, 'missing.png')], /cannot read .*missing\.png: ENOENT/],
      [
        [
          'overlay',
          '--image',
          join(dir, 'not-an-image.png'),
          '--text',
          '[[[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]]',
          '-o',
          join(dir, 'o.png'),
        ],
        /not a PNG or JPEG/,
      ],
      [['text2mask', 'no polygon here', '--size', '10x10', '-o', join(dir, 'x.png')], /no polygon or box/],
      [
        ['text2mask', '[[[0.1, 0.1]]]', '--size', 'big', '-o', join(dir, 'x.png')],
        /--size must be WIDTHxHEIGHT/,
      ],
      [['mask2text', join(dir, 'not-an-image.png')], /not-an-image\.png/],
    ] as const) {
      const r = run(...args);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(pattern);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(run('mask2text', join(dir, 'missing.png'), '--verbose').err).toMatch(/\n\s+at /);
  });
  test('usage errors', () => {
    expect(run('frobnicate').code).toBe(2);
    expect(run('text2mask', '[[0.1, 0.1]]').code).toBe(2);
    expect(run('overlay', '--image', SAMPLE, '-o', '/tmp/x.png').code).toBe(2);
    // An empty number is not 0.
    const empty = run('mask2text', SAMPLE, '--epsilon', ' ');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/--epsilon must be a number/);
  });
  test('--help on every command, with an example', () => {
    for (const cmd of [
      ['demo'],
      ['mask2text'],
      ['text2mask'],
      ['overlay'],
      ['segment'],
      ['samtok', 'encode'],
      ['samtok', 'decode'],
    ]) {
      const r = run(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Example/);
    }
  });
});
