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

/** JSON nested deeper than this is refused before it is parsed (COCO files nest 5 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * Tracks the nesting depth of a JSON byte stream (outside strings), so that a file nested absurdly
 * deep is refused at once instead of costing the parser seconds (100,000 levels took 15 s).
 */
class DepthGuard {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  constructor(private readonly file: string) {}
  /** @throws InputError past {@link MAX_JSON_DEPTH}, or when the top level is not an object, naming the byte. */
  check(chunk: Uint8Array, offset: number): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (!this.started) {
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
        if (c !== 0x7b)
          throw new InputError(
            `${this.file}: not a COCO instances file (its top level must be an object with "images" and "annotations", byte ${offset + i} is not "{")`,
          );
        this.started = true;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++this.depth > MAX_JSON_DEPTH)
          throw new InputError(
            `${this.file}: JSON nested deeper than ${MAX_JSON_DEPTH} levels at byte ${offset + i}; not a COCO file`,
          );
      } else if (c === 0x5d || c === 0x7d) this.depth--;
    }
  }
}

/** The size of a file to read, or an InputError naming it (a missing file is not a crash). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** An error raised by a handler while the file streams: passed on as it is, never as a JSON error. */
class HandlerFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Streams a JSON file through `@streamparser/json`, calling `onValue` for every value at `paths`
 * (JSONPath-like, e.g. `$.annotations.*`) as soon as it is complete, with the name of the array
 * it is in; nothing else is kept. Errors of the file are InputErrors naming the byte; errors
 * thrown by `onValue` are passed on unchanged.
 */
async function streamJson(
  file: string,
  paths: string[],
  onValue: (value: unknown, key: number | string | undefined, section: string | undefined) => void,
  onBytes?: (read: number, total: number) => void,
): Promise<void> {
  const total = sizeOf(file);
  const p = new JSONParser({ paths, keepStack: false });
  p.onValue = ({ value, key, stack }) => {
    try {
      onValue(value, key, stack[stack.length - 1]?.key as string | undefined);
    } catch (err) {
      throw new HandlerFailure(err);
    }
  };
  const guard = new DepthGuard(file);
  let read = 0;
  const fail = (err: unknown): never => {
    if (err instanceof HandlerFailure) throw err.error;
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} is not valid JSON: ${(err as Error).message} (near byte ${read})`);
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      guard.check(chunk as Buffer, read);
      try {
        p.write(chunk as Buffer);
      } catch (err) {
        fail(err);
      }
      read += (chunk as Buffer).length;
      onBytes?.(read, total);
    }
  } catch (err) {
    // A read error (the file vanished, a directory) names the file; anything else passes on.
    if (err instanceof InputError || !(err instanceof Error) || !('code' in err)) throw err;
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
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
    (v, key, section) => {
      // What an item is comes from the array it is in, not from its keys (an image may carry an
      // image_id, an annotation a name).
      const value = v as Record<string, unknown>;
      const where = `${file}: ${section}[${String(key)}]`;
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw new InputError(`${where} is not an object`);
      if (section === 'annotations') {
        if (!Number.isSafeInteger(value.id)) throw new InputError(`${where} has no integer id`);
        if (!Number.isSafeInteger(value.image_id)) throw new InputError(`${where} has no integer image_id`);
        handlers.annotation?.(key as number, value as unknown as CocoAnnotation);
      } else if (section === 'images') {
        const im = value as unknown as CocoImage;
        if (
          !Number.isSafeInteger(im.id) ||
          !Number.isSafeInteger(im.width) ||
          !Number.isSafeInteger(im.height) ||
          im.width < 1 ||
          im.height < 1
        )
          throw new InputError(`${where} needs an integer id and positive integer width and height`);
        if (typeof im.file_name !== 'string') throw new InputError(`${where} has no file_name string`);
        handlers.image?.({ id: im.id, file_name: im.file_name, width: im.width, height: im.height });
      } else if (section === 'categories') {
        if (!Number.isSafeInteger(value.id) || typeof value.name !== 'string')
          throw new InputError(`${where} needs an integer id and a name`);
        handlers.category?.(value.id as number, value.name);
      }
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
  if (records.length === 0) throw new InputError(`${file} holds no referring records`);
  return records.map((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new InputError(`${file}: record ${i} is not an object`);
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
