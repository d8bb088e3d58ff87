import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type CocoRle, ContourError, type Mask, maskToPolygons, type Point, rle } from '@seglang/contour';
import {
  buildQueries,
  epsilonForBudget,
  exampleSeed,
  QUERY_TASKS,
  type QueryTask,
  RL_ENGINES,
  type RlEngine,
  rlRecord,
  SFT_DEFAULT_CONTAINER,
  SFT_FORMATS,
  type SftContainer,
  type SftFormat,
  seededRandom,
  sftFraming,
  sftRecord,
  sftText,
  TASK_INPUTS,
  type TokenCounter,
  weakLabels,
} from '@seglang/polygon-grammar';
import { encodeRlGroundTruth } from '@seglang/rewards';
import { formatMaskWords, RqError } from '@seglang/rq-tokenizer';
import { type CocoAnnotation, type CocoImage, readRefs, streamCoco } from './coco';
import { InputError } from './errors';
import { writeRlParquet } from './parquet';

export { RL_ENGINES, type RlEngine, SFT_FORMATS, type SftContainer, type SftFormat };

/** How a split's records are laid out: an SFT container, or Parquet (RL datasets only). */
export type PrepareContainer = SftContainer | 'parquet';

/** The tasks an RL dataset can hold: those whose answer is a mask, which the rewards score. */
export const RL_TASKS: readonly QueryTask[] = QUERY_TASKS.filter((t) => TASK_INPUTS[t][1] === 'mask');

/** Why an annotation (or a referring record) produced no training example. */
export type SkipReason =
  | 'crowd'
  | 'no-segmentation'
  | 'invalid-segmentation'
  | 'empty-polygon'
  | 'image-not-in-instances'
  | 'image-file-missing'
  | 'no-text'
  | 'no-samtok-codes'
  | 'ref-annotation-missing'
  | 'unsafe-file-name';

export interface TaskWeight {
  task: QueryTask;
  weight: number;
}

export interface PrepareOptions {
  /** COCO `instances.json`, streamed. */
  instances: string;
  /** REFER refs pickle (`refs(unc).p`) or the same records as JSON/JSONL; without it the text is the category name. */
  refs?: string;
  /** Output folder: one `<split>.json` or `<split>.jsonl` per split, plus `prepare-state.json` for resuming. */
  out: string;
  /** Image folder: paths in the output are `<images>/<file_name>`; files that do not exist are skipped. */
  images?: string;
  /** Check that each image file exists under `images` (default true when `images` is given). */
  checkImages?: boolean;
  format?: SftFormat;
  /**
   * Write an RL dataset for this engine instead of SFT data: rows with the prompt and a ground truth
   * for the reward (`rlRecord`; SimpleSeg ground truths are the annotation's mask as a COCO RLE, SAMTok
   * ones the reference answer text). Only the mask-answer tasks ({@link RL_TASKS}).
   */
  rl?: RlEngine;
  /** verl's `data_source` column (default `seglang`). */
  dataSource?: string;
  /**
   * One JSON array (`json`), one record a line (`jsonl`) or, for RL datasets, Parquet (`parquet`, their
   * default); default for SFT data: what the format's trainer reads.
   */
  container?: PrepareContainer;
  /** Task mix of the unified query interface (default text2mask only). */
  tasks?: TaskWeight[];
  /** Simplification ε in normalised units (default: the `simpleseg` preset, 0.001 × perimeter). */
  epsilon?: number;
  /** Choose ε per mask so that the polygon text fits this many tokens of `tokenizer`. */
  budget?: number;
  tokenizer?: TokenCounter;
  /** Precomputed SAMTok codes per annotation (JSONL `{"ann_id", "codes"}` or JSON `{ "<ann_id>": codes }`): answers become mask words. */
  samtokCodes?: string;
  /** Codes per level of the SAMTok codebook (default 256). */
  codebookSize?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Examples per (annotation, expression): default 2 for `simpleseg` (its script visits every image twice), 1 otherwise. */
  visits?: number;
  /** Only these splits (REFER splits, e.g. `train`); default all. */
  splits?: string[];
  /** The split name without referring expressions (default `train`). */
  split?: string;
  /**
   * Splits that also get `<split>.annotations.jsonl`: per record, in the split file's order, the eval
   * annotation (`id`, `image`, `prompt` (the referring text), `task`, `width`, `height`, `masks` as COCO
   * RLE, and the SFT `answer`), which `seglang-train eval` joins with a trainer's predictions, and which
   * `seglang segment --batch` reads as jobs. Default: every split but `train`;
   * `'all'`, `'none'`, or a list. SFT data only.
   */
  index?: 'all' | 'none' | string[];
  /** Start again instead of resuming a run with the same options. */
  overwrite?: boolean;
  /** Called as the annotations stream in. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Called after each annotation is processed (its index in the file). */
  onAnnotation?: (index: number) => void;
  /** Stops between annotations; the next run with the same options resumes from the last checkpoint. */
  signal?: AbortSignal;
}

export interface PrepareReport {
  /** Examples written per split (including those of an earlier, resumed run). */
  records: Record<string, number>;
  /** Annotations and referring records skipped, per reason, with up to 5 example ids. */
  skipped: Partial<Record<SkipReason, { count: number; examples: number[] }>>;
  /** Annotations read from the instances file. */
  annotations: number;
  /** Annotation index the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  files: Record<string, string>;
  /** The annotation index of each split that has one (`index`). */
  indexes: Record<string, string>;
}

interface State {
  version: 3;
  options: string;
  complete: boolean;
  annotationsDone: number;
  /** Bytes written to each part file (records and index lines, per split and visit), by part key. */
  bytes: Record<string, number>;
  report: PrepareReport;
}

const CHECKPOINT_EVERY = 500;
/** A name from input data that may become a file name: no separators, no leading dot, no NUL. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parses `text2mask=0.6,point2mask=0.2,bbox2mask=0.2`. */
export function parseTasks(spec: string): TaskWeight[] {
  const out: TaskWeight[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [task, w = '1'] = part.split('=');
    const weight = Number(w);
    if (!QUERY_TASKS.includes(task as QueryTask))
      throw new InputError(
        `--tasks: unknown task ${JSON.stringify(task)}; tasks are ${QUERY_TASKS.join(', ')}`,
      );
    if (!Number.isFinite(weight) || weight <= 0)
      throw new InputError(
        `--tasks: the weight of ${task} must be a positive number, got ${JSON.stringify(w)}`,
      );
    out.push({ task: task as QueryTask, weight });
  }
  if (out.length === 0) throw new InputError('--tasks: no task given');
  return out;
}

function annotationMask(a: CocoAnnotation, im: CocoImage): Mask | SkipReason {
  const seg = a.segmentation;
  if (seg === undefined || seg === null) return 'no-segmentation';
  try {
    if (Array.isArray(seg)) {
      const parts = (seg as unknown[]).filter((p) => Array.isArray(p) && p.length >= 6) as number[][];
      if (parts.length === 0) return 'empty-polygon';
      return rle.decode(rle.merge(parts.map((xy) => rle.fromPolygon(xy, im.height, im.width))));
    }
    if (typeof seg === 'object' && 'counts' in (seg as object)) return rle.decode(seg as never);
  } catch (e) {
    if (e instanceof ContourError) return 'invalid-segmentation';
    throw e;
  }
  return 'invalid-segmentation';
}

function readCodes(file: string): Map<number, number[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const codes = new Map<number, number[]>();
  const put = (id: unknown, c: unknown, where: string) => {
    if (!Array.isArray(c) || c.length === 0 || c.some((v) => !Number.isInteger(v) || v < 0))
      throw new InputError(
        `${where}: codes must be a list of non-negative integers, got ${JSON.stringify(c)}`,
      );
    codes.set(Number(id), c as number[]);
  };
  if (text.startsWith('{') && !text.includes('\n')) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    if ('ann_id' in obj) put(obj.ann_id, obj.codes, file);
    else for (const [k, v] of Object.entries(obj)) put(k, v, `${file}: ann ${k}`);
    return codes;
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { ann_id?: unknown; codes?: unknown };
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${file}:${i + 1} is not valid JSON: ${(e as Error).message}`);
    }
    put(rec.ann_id, rec.codes, `${file}:${i + 1}`);
  });
  return codes;
}

/**
 * COCO instances (+ referring expressions) → SFT data, one file per split (JSON or JSONL, see
 * {@link SftContainer}). The instances file is
 * streamed twice (images and categories, then annotations), so memory holds the image index, the
 * referring records and one annotation at a time, never the annotations array. Every random choice
 * (task, template, expression) is seeded per example from `seed` and the annotation id, so the
 * output is the same for the same inputs and options, and an interrupted run resumes where it stopped.
 */
export async function prepare(o: PrepareOptions): Promise<PrepareReport> {
  const rl = o.rl;
  if (rl !== undefined && !RL_ENGINES.includes(rl))
    throw new InputError(`--rl must be one of ${RL_ENGINES.join(', ')}, got ${JSON.stringify(rl)}`);
  if (rl !== undefined && o.format !== undefined)
    throw new InputError('give --format (SFT data) or --rl, not both');
  const format = o.format ?? 'llamafactory';
  if (!SFT_FORMATS.includes(format))
    throw new InputError(`--format must be one of ${SFT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const tasks = o.tasks ?? [{ task: 'text2mask', weight: 1 }];
  if (rl !== undefined)
    for (const { task } of tasks)
      if (!RL_TASKS.includes(task))
        throw new InputError(
          `--rl: ${task} answers with a ${TASK_INPUTS[task][1]}, which no reward scores; RL tasks are ${RL_TASKS.join(', ')}`,
        );
  const dataSource = o.dataSource ?? 'seglang';
  if (typeof dataSource !== 'string' || dataSource === '')
    throw new InputError('--data-source must be a non-empty string');
  const visits = o.visits ?? (format === 'simpleseg' && rl === undefined ? 2 : 1);
  if (!Number.isInteger(visits) || visits < 1)
    throw new InputError(`--visits must be a positive integer, got ${visits}`);
  if (o.budget !== undefined && (!Number.isInteger(o.budget) || o.budget < 1))
    throw new InputError(`--budget must be a positive integer, got ${o.budget}`);
  if (o.budget !== undefined && !o.tokenizer) throw new InputError('--budget needs a tokenizer');
  if (o.epsilon !== undefined && o.budget !== undefined)
    throw new InputError('give --epsilon or --budget, not both');
  const container: PrepareContainer = o.container ?? (rl ? 'parquet' : SFT_DEFAULT_CONTAINER[format]);
  const containers: PrepareContainer[] = rl ? ['parquet', 'json', 'jsonl'] : ['json', 'jsonl'];
  if (!containers.includes(container))
    throw new InputError(
      `--container must be ${containers.join(', ')}${rl ? '' : ' (parquet is for --rl datasets)'}, got ${JSON.stringify(container)}`,
    );
  const needsWeakLabels = tasks.some((t) => TASK_INPUTS[t.task].some((k) => k === 'point' || k === 'bbox'));
  const seed = o.seed ?? 0;
  const codebookSize = o.codebookSize ?? 256;
  const checkImages = o.checkImages ?? o.images !== undefined;
  for (const file of [o.instances, o.refs, o.samtokCodes])
    if (file !== undefined && !existsSync(file)) throw new InputError(`cannot read ${file}: ENOENT`);

  // Options that change the output; a run is resumed only under the same ones.
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        // Inputs by size and modification time: an edited input is not resumed from an old checkpoint.
        instances: stamp(o.instances),
        refs: o.refs ? stamp(o.refs) : null,
        codes: o.samtokCodes ? stamp(o.samtokCodes) : null,
        images: o.images ?? null,
        checkImages,
        format: rl ? `rl:${rl}` : format,
        dataSource: rl ? dataSource : null,
        container,
        tasks,
        epsilon: o.epsilon ?? null,
        budget: o.budget ?? null,
        codebookSize,
        seed,
        visits,
        splits: o.splits ?? null,
        split: o.split ?? 'train',
        index: rl ? null : (o.index ?? null),
      }),
    )
    .digest('hex');

  mkdirSync(o.out, { recursive: true });
  const statePath = join(o.out, 'prepare-state.json');
  let state: State | undefined;
  if (existsSync(statePath) && !o.overwrite) {
    try {
      state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
    } catch {
      throw new InputError(`${statePath} is corrupt; pass --overwrite to start again`);
    }
    if (state.version !== 3 || state.options !== fingerprint)
      throw new InputError(
        `${o.out} holds a run with other inputs or options; pass --overwrite to replace it, or use another --out`,
      );
    if (state.complete) return state.report;
  }

  const refs = o.refs ? readRefs(o.refs) : undefined;
  // Split names become file names in the output folder: each must be a plain, safe name, and no
  // two may differ only in case (one file would overwrite the other on a case-insensitive disk).
  const splitNames = new Map<string, string>();
  const checkSplit = (split: string, where: string) => {
    if (!SAFE_NAME.test(split))
      throw new InputError(
        `${where}: the split name ${JSON.stringify(split.slice(0, 80))} cannot be a file name (letters, digits, '.', '_', '-'; at most 64; not starting with '.')`,
      );
    const folded = split.toLowerCase();
    const other = splitNames.get(folded);
    if (other !== undefined && other !== split)
      throw new InputError(
        `${where}: the splits ${JSON.stringify(other)} and ${JSON.stringify(split)} differ only in case`,
      );
    splitNames.set(folded, split);
  };
  checkSplit(o.split ?? 'train', '--split');
  refs?.forEach((r, i) => checkSplit(r.split, `${o.refs}: record ${i}`));
  const byAnn = new Map<number, { ref_id: number; split: string; sentences: string[] }[]>();
  for (const r of refs ?? []) {
    if (o.splits && !o.splits.includes(r.split)) continue;
    let list = byAnn.get(r.ann_id);
    if (!list) byAnn.set(r.ann_id, (list = []));
    list.push({ ref_id: r.ref_id, split: r.split, sentences: r.sentences.map((s) => s.sent) });
  }
  const codes = o.samtokCodes ? readCodes(o.samtokCodes) : undefined;
  const images = new Map<number, CocoImage>();
  const categories = new Map<number, string>();

  const report: PrepareReport = state?.report ?? {
    records: {},
    skipped: {},
    annotations: 0,
    resumedFrom: 0,
    files: {},
    indexes: {},
  };
  report.resumedFrom = state?.annotationsDone ?? 0;
  const skip = (reason: SkipReason, id: number) => {
    const s = (report.skipped[reason] ??= { count: 0, examples: [] });
    s.count++;
    if (s.examples.length < 5) s.examples.push(id);
  };

  // Records go to one part file per split and visit, as compact lines; on resume each is cut back
  // to its size at the last checkpoint. When the input is done they are assembled into the split's
  // file in visit order (every example's first visit, then the second …, as the SimpleSeg script's
  // loop writes them) and in the container's layout.
  const fds = new Map<string, number>();
  const bytes: Record<string, number> = { ...(state?.bytes ?? {}) };
  // A part's key: split, visit and what it holds ('data', or 'index' lines of the annotation index).
  const partPath = (key: string) => {
    const [split, visit, kind] = key.split('\t');
    return join(o.out, `.${split}.visit${visit}${kind === 'index' ? '.index' : ''}.part`);
  };
  const partOf = (split: string, visit: number, kind: 'data' | 'index' = 'data') => {
    const key = `${split}\t${visit}\t${kind}`;
    let fd = fds.get(key);
    if (fd === undefined) {
      const path = partPath(key);
      fd = openSync(path, state && existsSync(path) ? 'r+' : 'w');
      ftruncateSync(fd, bytes[key] ?? 0);
      bytes[key] ??= 0;
      fds.set(key, fd);
    }
    return { fd, key };
  };
  for (const key of Object.keys(bytes)) {
    const [split, visit, kind] = key.split('\t');
    partOf(split, Number(visit), kind as 'data' | 'index');
  }
  const indexed = (split: string) =>
    !rl &&
    (o.index === 'all' ||
      (Array.isArray(o.index) ? o.index.includes(split) : o.index !== 'none' && split !== 'train'));

  const checkpoint = (done: number, complete: boolean) => {
    const next: State = { version: 3, options: fingerprint, complete, annotationsDone: done, bytes, report };
    writeFileSync(`${statePath}.tmp`, JSON.stringify(next));
    renameSync(`${statePath}.tmp`, statePath);
  };

  const imageExists = new Map<number, boolean>();
  const seenAnn = new Set<number>();
  let done = report.resumedFrom;
  try {
    const handle = (index: number, a: CocoAnnotation) => {
      const refsOf = refs ? byAnn.get(a.id) : undefined;
      if (refsOf) seenAnn.add(a.id);
      if (index < report.resumedFrom) return; // written by the run being resumed
      if (o.signal?.aborted) throw new InputError('prepare was interrupted; run it again to resume');
      if (!refs || refsOf) processAnnotation(a, refsOf);
      done = index + 1;
      report.annotations = done;
      if (done % CHECKPOINT_EVERY === 0) checkpoint(done, false);
      o.onAnnotation?.(index);
    };
    // One pass when the images (and, without referring expressions, the categories) come before the
    // annotations, as in COCO's own files; otherwise index them first and stream the annotations again.
    let mode = 'undecided' as 'undecided' | 'process' | 'index';
    let seen = 0;
    await streamCoco(
      o.instances,
      {
        image: (im) => images.set(im.id, im),
        category: (id, name) => categories.set(id, name),
        annotation: (index, a) => {
          seen++;
          if (mode === 'undecided')
            mode = images.size > 0 && (refs || categories.size > 0) ? 'process' : 'index';
          if (mode === 'process') handle(index, a);
        },
      },
      o.onProgress,
    );
    if (seen === 0)
      throw new InputError(
        `${o.instances} holds no annotations: a COCO instances file is an object with "images" and "annotations" arrays`,
      );
    if (mode === 'index') await streamCoco(o.instances, { annotation: handle }, o.onProgress);
    // Referring records whose annotation is not in the instances file.
    if (refs)
      for (const [annId, list] of byAnn)
        if (!seenAnn.has(annId)) for (const r of list) skip('ref-annotation-missing', r.ref_id);
    // Everything is in the parts: a run killed while assembling starts again from here.
    checkpoint(done, false);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  const splits = [...new Set(Object.keys(bytes).map((k) => k.split('\t')[0]))];
  for (const split of splits) {
    const partsOf = (kind: string) =>
      Object.keys(bytes)
        .filter((k) => k.split('\t')[0] === split && k.split('\t')[2] === kind)
        .sort((a, b) => Number(a.split('\t')[1]) - Number(b.split('\t')[1]))
        .map(partPath);
    const file = join(o.out, `${split}.${container}`);
    if (rl) assembleRl(partsOf('data'), file, rl, container);
    else assemble(partsOf('data'), file, format, container as SftContainer);
    report.files[split] = file;
    if (indexed(split)) {
      const index = join(o.out, `${split}.annotations.jsonl`);
      assemble(partsOf('index'), index, 'llamafactory', 'jsonl');
      report.indexes[split] = index;
    }
  }
  checkpoint(done, true);
  for (const key of Object.keys(bytes)) rmSync(partPath(key), { force: true });
  return report;

  function processAnnotation(
    a: CocoAnnotation,
    refsOf: { ref_id: number; split: string; sentences: string[] }[] | undefined,
  ) {
    if (a.iscrowd) return skip('crowd', a.id);
    const im = images.get(a.image_id);
    if (!im) return skip('image-not-in-instances', a.id);
    // An image's file name must stay inside the image folder ('../../x', an absolute path or a
    // NUL would make the record point elsewhere, and the existence check read elsewhere).
    if (!safeRelativePath(im.file_name)) return skip('unsafe-file-name', a.id);
    const imagePath = o.images ? join(o.images, im.file_name) : im.file_name;
    if (checkImages) {
      let ok = imageExists.get(im.id);
      if (ok === undefined) imageExists.set(im.id, (ok = existsSync(imagePath)));
      if (!ok) return skip('image-file-missing', a.id);
    }
    const mask = annotationMask(a, im);
    if (typeof mask === 'string') return skip(mask, a.id);
    const epsilon =
      o.budget !== undefined ? epsilonForBudget(mask, o.tokenizer as TokenCounter, o.budget) : o.epsilon;
    const polygons: Point[][] = maskToPolygons(mask, {
      preset: 'simpleseg',
      epsilon: epsilon === undefined ? undefined : { normalized: epsilon },
    });
    if (!polygons.some((p) => p.length >= 3)) return skip('empty-polygon', a.id);
    let maskText: string | undefined;
    if (codes) {
      const c = codes.get(a.id);
      if (!c) return skip('no-samtok-codes', a.id);
      try {
        maskText = formatMaskWords(c, { codebookSize, levels: c.length });
      } catch (e) {
        if (e instanceof RqError) throw new InputError(`SAMTok codes of annotation ${a.id}: ${e.message}`);
        throw e;
      }
    }
    // The box and point of the point/box tasks, once per annotation rather than per example, and
    // only when a task asks for them (the pole of inaccessibility is not free).
    const { bbox, point } = needsWeakLabels ? weakLabels(polygons) : { bbox: undefined, point: undefined };
    // The reward's ground truth: the annotation's own mask (not its simplified polygons), once.
    let maskRle: CocoRle | undefined;
    const maskTruth =
      rl && !maskText
        ? encodeRlGroundTruth({
            kind: 'simpleseg',
            width: im.width,
            height: im.height,
            rle: (maskRle ??= rle.encode(mask)),
          })
        : undefined;
    const groups = refsOf ?? [
      { ref_id: a.id, split: o.split ?? 'train', sentences: [categories.get(a.category_id ?? -1) ?? ''] },
    ];
    for (const g of groups) {
      const sentences = g.sentences.filter((s) => s.trim() !== '');
      if (sentences.length === 0) {
        skip('no-text', refsOf ? g.ref_id : a.id);
        continue;
      }
      sentences.forEach((text, si) => {
        for (let v = 0; v < visits; v++) {
          const seedOf = exampleSeed(seed, a.id, g.ref_id, si, v);
          const random = seededRandom(seedOf);
          const task = pickTask(tasks, random());
          const [q] = buildQueries(
            { text, polygons, ...(bbox ? { bbox, point } : {}), ...(maskText ? { maskText } : {}) },
            { tasks: [task], seed: seedOf },
          );
          const id = `${g.ref_id}_${si}_${v}`;
          const index = report.records[g.split] ?? 0;
          const line = rl
            ? JSON.stringify(
                rlRecord(rl, {
                  id,
                  image: imagePath,
                  question: q.question,
                  groundTruth: maskTruth ?? encodeRlGroundTruth({ kind: 'samtok', answer: q.answer }),
                  dataSource,
                  split: g.split,
                  index,
                  task,
                }),
              )
            : sftText(
                format,
                sftRecord(format, { id, image: imagePath, question: q.question, answer: q.answer }),
              );
          const { fd, key } = partOf(g.split, v);
          bytes[key] += writeSync(fd, `${line}\n`, bytes[key]);
          if (indexed(g.split)) {
            // The eval annotation of this record, in the same order (visit by visit).
            const entry = JSON.stringify({
              id,
              split: g.split,
              // Relative to the index's own folder, as a jobs file's images are read.
              image: relative(resolve(o.out), resolve(imagePath)),
              prompt: text,
              task,
              width: im.width,
              height: im.height,
              masks: [(maskRle ??= rle.encode(mask))],
              answer: q.answer,
            });
            const part = partOf(g.split, v, 'index');
            bytes[part.key] += writeSync(part.fd, `${entry}\n`, bytes[part.key]);
          }
          report.records[g.split] = index + 1;
        }
      });
    }
  }
}

/**
 * Writes a split's file from its part files (compact lines, in visit order): concatenated for
 * JSONL, or each record laid out as an element of one JSON array. Written beside the target and
 * renamed, so a split's file is either whole or absent.
 */
function assemble(parts: string[], file: string, format: SftFormat, container: SftContainer): void {
  const tmp = `${file}.tmp`;
  const out = openSync(tmp, 'w');
  try {
    const framing = sftFraming(format, container);
    let first = true;
    for (const part of parts)
      forEachLine(part, (line) => {
        const text = container === 'jsonl' ? line : sftText(format, JSON.parse(line), 'json');
        writeSync(out, first ? `${framing.open}${text}` : `${framing.separator}${text}`);
        first = false;
      });
    writeSync(out, first ? framing.empty : framing.close);
  } finally {
    closeSync(out);
  }
  renameSync(tmp, file);
}

/**
 * Writes an RL split's file from its part files: Parquet (written beside the target and renamed),
 * or the rows as JSON lines or one JSON array, laid out as LLaMA-Factory's compact records.
 */
function assembleRl(parts: string[], file: string, engine: RlEngine, container: PrepareContainer): void {
  if (container !== 'parquet') {
    assemble(parts, file, 'llamafactory', container);
    return;
  }
  const tmp = `${file}.tmp`;
  writeRlParquet(tmp, engine, (emit) => {
    for (const part of parts) forEachLine(part, (line) => emit(JSON.parse(line)));
  });
  renameSync(tmp, file);
}

/** Calls `fn` with each line of a file (without its newline), reading 1 MiB at a time. */
function forEachLine(file: string, fn: (line: string) => void): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const dec = new TextDecoder();
    let rest = '';
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const text = rest + dec.decode(buf.subarray(0, n), { stream: true });
      const lines = text.split('\n');
      rest = lines.pop() as string;
      for (const line of lines) fn(line);
    }
    rest += dec.decode();
    if (rest !== '') fn(rest);
  } finally {
    closeSync(fd);
  }
}

/** A relative path that stays where it is joined: no '..' segment, not absolute, no NUL or backslash. */
function safeRelativePath(p: string): boolean {
  if (p === '' || p.length > 1024 || p.includes('\0') || p.includes('\\') || isAbsolute(p)) return false;
  return p.split('/').every((seg) => seg !== '..' && seg !== '');
}

function stamp(file: string): [number, number] {
  const st = statSync(file);
  return [st.size, Math.floor(st.mtimeMs)];
}

function pickTask(tasks: TaskWeight[], r: number): QueryTask {
  const total = tasks.reduce((s, t) => s + t.weight, 0);
  let acc = 0;
  for (const t of tasks) {
    acc += t.weight / total;
    if (r < acc) return t.task;
  }
  return tasks[tasks.length - 1].task;
}
