import { createReadStream, readFileSync, statSync } from 'node:fs';
import { JSONParser } from '@streamparser/json';
import { Parser as PickleParser } from 'pickleparser';
import { InputError } from './errors';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id?: number;
  iscrowd?: number;
  segmentation?: unknown;
}

/** A REFER record (`refs(unc).p`), or the same as JSON. */
export interface ReferRecord {
  ref_id: number;
  ann_id: number;
  image_id: number;
  split: string;
  sentences: { sent: string }[];
}

/**
 * Streams a JSON file through `@streamparser/json`, calling `onValue` for every value at `paths`
 * (JSONPath-like, e.g. `$.annotations.*`) as soon as it is complete; nothing else is kept.
 */
async function streamJson(
  file: string,
  paths: string[],
  onValue: (value: unknown, key: number | string | undefined) => void,
  onBytes?: (read: number, total: number) => void,
): Promise<void> {
  const total = statSync(file).size;
  const p = new JSONParser({ paths, keepStack: false });
  p.onValue = ({ value, key }) => onValue(value, key);
  let read = 0;
  const fail = (err: unknown): never => {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} is not valid JSON: ${(err as Error).message} (near byte ${read})`);
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      try {
        p.write(chunk as Buffer);
      } catch (err) {
        fail(err);
      }
      read += (chunk as Buffer).length;
      onBytes?.(read, total);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (!p.isEnded) fail(new Error('the file ends inside a value'));
}

export interface CocoHandlers {
  image?: (image: CocoImage) => void;
  category?: (id: number, name: string) => void;
  /** Each annotation with its index in the `annotations` array. */
  annotation?: (index: number, annotation: CocoAnnotation) => void;
}

/**
 * Streams a COCO instances file: each image, category and annotation is handed over as soon as it
 * is parsed and then dropped, so the annotations array is never held. Only the sections with a
 * handler are materialised.
 */
export function streamCoco(
  file: string,
  handlers: CocoHandlers,
  onBytes?: (read: number, total: number) => void,
): Promise<void> {
  const paths = [
    handlers.image && '$.images.*',
    handlers.category && '$.categories.*',
    handlers.annotation && '$.annotations.*',
  ].filter((x): x is string => !!x);
  return streamJson(
    file,
    paths,
    (v, key) => {
      const value = v as Record<string, unknown>;
      if (!value || typeof value !== 'object')
        throw new InputError(`${file}: item ${String(key)} is not an object`);
      if ('image_id' in value) {
        if (typeof value.id !== 'number')
          throw new InputError(`${file}: annotation ${String(key)} has no numeric id`);
        handlers.annotation?.(key as number, value as unknown as CocoAnnotation);
      } else if ('file_name' in value) {
        const im = value as unknown as CocoImage;
        if (!Number.isFinite(im.id) || !(im.width > 0) || !(im.height > 0))
          throw new InputError(`${file}: image ${JSON.stringify(im.id)} has no valid id, width and height`);
        handlers.image?.({ id: im.id, file_name: String(im.file_name), width: im.width, height: im.height });
      } else if (typeof value.name === 'string') handlers.category?.(value.id as number, value.name);
    },
    onBytes,
  );
}

/**
 * Referring expressions: the REFER `refs(unc).p` / `refs(umd).p` pickle (read with pickleparser, no
 * Python needed) or the same records as JSON (an array, or JSONL).
 */
export function readRefs(file: string): ReferRecord[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let records: unknown;
  if (bytes[0] === 0x80 || file.endsWith('.p') || file.endsWith('.pkl') || file.endsWith('.pickle')) {
    try {
      records = new PickleParser({ unpicklingTypeOfDictionary: 'object' }).parse(bytes);
    } catch (e) {
      throw new InputError(`${file} is not a readable pickle: ${(e as Error).message}`);
    }
  } else {
    const text = bytes.toString('utf8').trim();
    try {
      records = text.startsWith('[')
        ? JSON.parse(text)
        : text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l));
    } catch (e) {
      throw new InputError(`${file} is not valid JSON or JSONL: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(records)) throw new InputError(`${file} must hold a list of referring records`);
  return records.map((r, i) => {
    const rec = r as Record<string, unknown>;
    const str = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v);
    const sentences = Array.isArray(rec.sentences)
      ? (rec.sentences as Record<string, unknown>[]).map((s) => ({ sent: str(s?.sent) as string }))
      : undefined;
    const split = str(rec.split);
    if (
      !rec ||
      typeof rec.ann_id !== 'number' ||
      typeof rec.image_id !== 'number' ||
      typeof split !== 'string' ||
      !sentences ||
      sentences.some((s) => typeof s.sent !== 'string')
    )
      throw new InputError(
        `${file}: record ${i} needs ann_id, image_id, split and sentences[].sent (got keys ${Object.keys(rec ?? {}).join(', ')})`,
      );
    return {
      ref_id: typeof rec.ref_id === 'number' ? rec.ref_id : i,
      ann_id: rec.ann_id,
      image_id: rec.image_id,
      split,
      sentences,
    };
  });
}
