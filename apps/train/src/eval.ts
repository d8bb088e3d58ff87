import { type CocoRle, ContourError, countsToString, rle } from '@seglang/contour';
import { DEFAULT_MAX_PIXELS } from '@seglang/contour/node';
import { answerRuns, DECODE_MODES, type DecodeMode, decodeAnswer } from '@seglang/polygon-grammar';
import { ReferringSegmentationMeter, recAccuracy } from '@seglang/rewards';
import { InputError } from './errors';

/**
 * One annotated sample. `masks` are the target regions (COCO RLE, or COCO polygons as flat
 * `[x1, y1, x2, y2, …]` pixel arrays), unioned; empty means "no target" (GRES). `box` is the REC
 * ground-truth box `[x1, y1, x2, y2]` (default: the targets' tight box).
 */
export interface EvalAnnotation {
  id: string | number;
  split?: string;
  width: number;
  height: number;
  masks: (CocoRle | number[])[];
  box?: [number, number, number, number];
}

/**
 * A model answer: SimpleSeg text with normalised polygons (every polygon in it is unioned), or, with
 * `mask`, the mask already made from it (a COCO RLE at the sample's size), scored as it is.
 */
export interface EvalPrediction {
  id: string | number;
  answer: string;
  mask?: CocoRle;
}

export interface SplitTable {
  split: string;
  /**
   * How the answers' polygons were found (`@seglang/polygon-grammar`'s decodeAnswer mode), or
   * `'given masks'` when every prediction came with its mask (`seglang segment` results) and no text
   * was decoded.
   */
  decoder: DecodeMode | 'given masks';
  samples: number;
  cIoU: number;
  gIoU: number;
  'Pr@0.5': number;
  'Pr@0.6': number;
  'Pr@0.7': number;
  'Pr@0.8': number;
  'Pr@0.9': number;
  /** REC: share of target samples whose predicted box has IoU > 0.5 with the ground-truth box. */
  'Acc@0.5': number;
  /** GRES: no-target samples predicted empty / no-target samples (null when the split has none). */
  'N-acc': number | null;
  /** GRES: target samples predicted non-empty / target samples. */
  'T-acc': number | null;
  /** Answers without a mask: no polygon, or one the reference decoder raises on (scored as empty predictions: correct on no-target samples). */
  emptyAnswers: number;
  /** Of those, answers the reference decoder raises on (json.loads, or a one- or two-point polygon). */
  decoderFailures: number;
  /** Annotations without a prediction (scored as empty predictions). */
  missing: number;
}

/** Parses JSON (an array) or JSONL, naming the line of a malformed record. */
export function parseRecords(text: string, file: string): unknown[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      return JSON.parse(t) as unknown[];
    } catch (e) {
      throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const out: unknown[] = [];
  t.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw new InputError(`${file}:${i + 1}: not valid JSON: ${(e as Error).message}`);
    }
  });
  return out;
}

function checkAnnotation(a: unknown, i: number, file: string, maxPixels: number): EvalAnnotation {
  const r = a as EvalAnnotation;
  const where = `${file}: record ${i + 1}`;
  if (!r || typeof r !== 'object' || (typeof r.id !== 'string' && typeof r.id !== 'number'))
    throw new InputError(`${where}: needs an "id"`);
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || r.width < 1 || r.height < 1)
    throw new InputError(`${where} (id ${r.id}): width and height must be positive integers`);
  if (r.width * r.height > maxPixels)
    throw new InputError(
      `${where} (id ${r.id}): ${r.width}x${r.height} = ${r.width * r.height} pixels, more than --max-pixels ${maxPixels}`,
    );
  if (!Array.isArray(r.masks))
    throw new InputError(`${where} (id ${r.id}): "masks" must be an array (empty: no target)`);
  r.masks.forEach((m, k) => {
    const flat = Array.isArray(m) && m.every((v) => typeof v === 'number');
    const coco = !Array.isArray(m) && m !== null && typeof m === 'object';
    if (!flat && !coco)
      throw new InputError(
        `${where} (id ${r.id}): masks[${k}] must be a COCO RLE or a flat [x1, y1, x2, y2, …] polygon`,
      );
  });
  return r;
}

function targetRle(a: EvalAnnotation, where: string): CocoRle | null {
  if (a.masks.length === 0) return null;
  try {
    const parts = a.masks.map((m) => (Array.isArray(m) ? rle.fromPolygon(m, a.height, a.width) : m));
    parts.forEach((p, k) => {
      rle.area(p); // validates it, naming what is wrong
      if (p.size[0] !== a.height || p.size[1] !== a.width)
        throw new InputError(
          `${where}: masks[${k}] is ${p.size[1]}x${p.size[0]}, the sample ${a.width}x${a.height}`,
        );
    });
    return parts.length === 1 ? parts[0] : rle.merge(parts);
  } catch (e) {
    if (e instanceof ContourError) throw new InputError(`${where}: ${e.message}`);
    throw e;
  }
}

export interface EvaluateOptions {
  /** How answers are read (default `'reference'`: as the public SimpleSeg decoder reads them). */
  decoder?: DecodeMode;
  /** The predictions' file name, for messages (default `'predictions'`). */
  predictionsFile?: string;
  /** Samples larger than this are refused (default {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
}

/**
 * RES / REC / GRES tables per split (and `all`) from model answers and annotations, with
 * @seglang/rewards' metrics: cIoU, gIoU, Pr@k, Acc@0.5 (REC: the box of the predicted mask by
 * min–max, as SimpleSeg derives it), N-acc and T-acc (GRES; an empty answer on a no-target sample is
 * correct and scores IoU 1). The answers' polygons are found by `decoder` (default `'reference'`),
 * rasterised at the sample's size and united.
 */
export function evaluate(
  annotationsIn: unknown[],
  predictionsIn: unknown[],
  file = 'annotations',
  opts: EvaluateOptions = {},
): SplitTable[] {
  const decoder = opts.decoder ?? 'reference';
  if (!DECODE_MODES.includes(decoder))
    throw new InputError(
      `--decoder must be one of ${DECODE_MODES.join(', ')}, got ${JSON.stringify(decoder)}`,
    );
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const annotations = annotationsIn.map((a, i) => checkAnnotation(a, i, file, maxPixels));
  const where = new Map<string, string>();
  annotations.forEach((a, i) => {
    const key = String(a.id);
    const first = where.get(key);
    if (first) throw new InputError(`${file}: record ${i + 1}: id ${a.id} is already used by ${first}`);
    where.set(key, `record ${i + 1}`);
  });
  const predFile = opts.predictionsFile ?? 'predictions';
  const answers = new Map<string, EvalPrediction>();
  const answeredAt = new Map<string, number>();
  predictionsIn.forEach((p, i) => {
    const r = p as EvalPrediction;
    if (!r || (typeof r.id !== 'string' && typeof r.id !== 'number') || typeof r.answer !== 'string')
      throw new InputError(`${predFile}: record ${i + 1} needs "id" and a string "answer"`);
    const key = String(r.id);
    const first = answeredAt.get(key);
    if (first !== undefined)
      throw new InputError(`${predFile}: record ${i + 1}: id ${r.id} is already answered by record ${first}`);
    answeredAt.set(key, i + 1);
    answers.set(key, r);
  });
  const splits = new Map<string, EvalAnnotation[]>();
  for (const a of annotations) {
    const s = a.split ?? 'all';
    if (!splits.has(s)) splits.set(s, []);
    splits.get(s)!.push(a);
  }
  const targets = new Map(
    annotations.map((a) => [a, targetRle(a, `${file}: ${where.get(String(a.id))} (id ${a.id})`)]),
  );
  // Masks given with the answers, checked once against their samples.
  for (const a of annotations) {
    const mask = answers.get(String(a.id))?.mask;
    if (mask === undefined) continue;
    try {
      rle.area(mask);
    } catch (e) {
      if (e instanceof ContourError) throw new InputError(`${predFile}: id ${a.id}: its mask: ${e.message}`);
      throw e;
    }
    if (mask.size[0] !== a.height || mask.size[1] !== a.width)
      throw new InputError(
        `${predFile}: id ${a.id}: its mask is ${mask.size[1]}x${mask.size[0]}, the sample ${a.width}x${a.height}`,
      );
  }
  const tables = [...splits].map(([split, list]) => table(split, list, answers, decoder, targets));
  if (splits.size > 1) tables.push(table('all', annotations, answers, decoder, targets));
  return tables;
}

/** `[x, y, w, h]` → `[x1, y1, x2, y2]`, in pixel edges. */
const corners = ([x, y, w, h]: number[]): [number, number, number, number] => [x, y, x + w, y + h];

function table(
  split: string,
  list: EvalAnnotation[],
  answers: Map<string, EvalPrediction>,
  decoder: DecodeMode,
  gts: Map<EvalAnnotation, CocoRle | null>,
): SplitTable {
  const meter = new ReferringSegmentationMeter();
  const boxes: (number[] | null)[] = [];
  const gtBoxes: number[][] = [];
  let emptyAnswers = 0;
  let decoderFailures = 0;
  let missing = 0;
  let noTarget = 0;
  let given = 0;
  let decodedAnswers = 0;
  for (const a of list) {
    const answer = answers.get(String(a.id));
    let pred: CocoRle | null = null;
    if (answer === undefined) missing++;
    else if (answer.mask) {
      given++;
      pred = answer.mask;
      if (rle.area(pred) === 0) emptyAnswers++;
    } else {
      decodedAnswers++;
      const decoded = decodeAnswer(answer.answer, { mode: decoder });
      const { runs } = answerRuns(decoded, a.width, a.height);
      if (decoded.failure) decoderFailures++;
      if (runs) pred = { size: [a.height, a.width], counts: countsToString(runs.counts) };
      else emptyAnswers++;
    }
    const gt = gts.get(a) ?? null;
    meter.add(pred, gt);
    if (!gt) {
      noTarget++;
      continue;
    }
    gtBoxes.push(a.box ?? corners(rle.toBbox(gt)));
    // The predicted mask's box by min–max; an empty mask has none (a miss).
    const box = pred && rle.area(pred) > 0 ? corners(rle.toBbox(pred)) : null;
    boxes.push(box);
  }
  const r = meter.result();
  const pr = r as unknown as Record<string, number>;
  const targets = list.length - noTarget;
  return {
    split,
    decoder: given > 0 && decodedAnswers === 0 ? 'given masks' : decoder,
    samples: r.samples,
    cIoU: r.cIoU,
    gIoU: r.gIoU,
    'Pr@0.5': pr['Pr@0.5'],
    'Pr@0.6': pr['Pr@0.6'],
    'Pr@0.7': pr['Pr@0.7'],
    'Pr@0.8': pr['Pr@0.8'],
    'Pr@0.9': pr['Pr@0.9'],
    'Acc@0.5': targets ? recAccuracy(boxes, gtBoxes) : 0,
    'N-acc': noTarget ? r.nAcc : null,
    'T-acc': noTarget ? r.tAcc : null,
    emptyAnswers,
    decoderFailures,
    missing,
  };
}

const COLUMNS: (keyof SplitTable)[] = [
  'split',
  'decoder',
  'samples',
  'cIoU',
  'gIoU',
  'Pr@0.5',
  'Pr@0.6',
  'Pr@0.7',
  'Pr@0.8',
  'Pr@0.9',
  'Acc@0.5',
  'N-acc',
  'T-acc',
  'emptyAnswers',
  'decoderFailures',
  'missing',
];

const COUNTS = new Set<keyof SplitTable>([
  'split',
  'decoder',
  'samples',
  'emptyAnswers',
  'decoderFailures',
  'missing',
]);

/** Metrics as percentages with two decimals (as papers print them); '—' where a metric does not apply. */
export function toMarkdown(tables: SplitTable[]): string {
  const md = (c: keyof SplitTable, v: unknown) =>
    v === null ? '—' : COUNTS.has(c) ? String(v) : ((v as number) * 100).toFixed(2);
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((c) => (c === 'split' || c === 'decoder' ? '---' : '---:')).join('|')}|`,
    ...tables.map((t) => `| ${COLUMNS.map((c) => md(c, t[c])).join(' | ')} |`),
  ].join('\n');
}

/** CSV with fractions in [0, 1] at full precision (empty where a metric does not apply). */
export function toCsv(tables: SplitTable[]): string {
  return [
    COLUMNS.join(','),
    ...tables.map((t) => COLUMNS.map((c) => (t[c] === null ? '' : String(t[c]))).join(',')),
  ].join('\n');
}
