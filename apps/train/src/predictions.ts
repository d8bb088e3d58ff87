import type { CocoRle } from '@seglang/contour';
import { type QueryTask, TASK_INPUTS } from '@seglang/polygon-grammar';
import { decodeRlGroundTruth, RewardError } from '@seglang/rewards';
import { InputError } from './errors';
import type { EvalAnnotation, EvalPrediction } from './eval';
import { parseRecords } from './eval';

/**
 * Where model answers come from:
 * - `seglang`: `{"id", "answer"}` lines;
 * - `segment`: `seglang segment --batch` results (`id`, `text`, and the mask it made as `rle`, scored as
 *   it is: for SAMTok answers, the decoded mask words; a job with an `error` has no answer);
 * - `llamafactory`: LLaMA-Factory's `generated_predictions.jsonl` (`prompt`, `predict`, `label`), one
 *   line per example of the eval dataset in its order, joined by position with the annotation index
 *   `prepare` writes beside the split (each `label` must be that record's `answer`);
 * - `verl`: a validation dump (`trainer.validation_data_dir`, `ray_trainer._dump_generations`: `input`,
 *   `output`, `gts`, `score`, `step`), whose `gts` are the ground truths `prepare --rl` wrote;
 * - `easyr1`: EasyR1's `generations.log` (`FileGenerationLogger`: `[prompt]`, `[output]`,
 *   `[ground_truth]`, `[score]` blocks), likewise.
 */
export type PredictionFormat = 'seglang' | 'segment' | 'llamafactory' | 'verl' | 'easyr1';
export const PREDICTION_FORMATS: readonly PredictionFormat[] = [
  'seglang',
  'segment',
  'llamafactory',
  'verl',
  'easyr1',
];

export interface EvalInput {
  format: PredictionFormat;
  annotations: EvalAnnotation[];
  predictions: EvalPrediction[];
  /** Annotations of tasks whose answer is not a mask (text2bbox, mask2text …): not scored. */
  notScored: number;
  /** Jobs without an answer (`segment` results with an `error`). */
  failedJobs: number;
}

const isMaskTask = (task: unknown) =>
  task === undefined || (typeof task === 'string' && TASK_INPUTS[task as QueryTask]?.[1] === 'mask');

/** The format of a predictions file, from its first record (or the EasyR1 log's first line). */
export function detectFormat(text: string, file: string): PredictionFormat {
  const t = text.trimStart();
  if (t.startsWith('[prompt] ')) return 'easyr1';
  const end = t.indexOf('\n');
  const head = t.startsWith('[') || end < 0 ? t : t.slice(0, end);
  const first = parseRecords(head, file)[0] as Record<string, unknown> | undefined;
  if (first && typeof first === 'object') {
    if ('predict' in first && 'label' in first) return 'llamafactory';
    if ('output' in first && 'gts' in first) return 'verl';
    if (('text' in first || 'error' in first) && 'prompt' in first && 'image' in first) return 'segment';
    if ('answer' in first && 'id' in first) return 'seglang';
  }
  throw new InputError(
    `${file}: cannot tell where these predictions come from (${PREDICTION_FORMATS.join(', ')}); give --predictions-format`,
  );
}

/** EasyR1's generations.log as records: a block a sample, fields spanning lines until the next tag. */
function easyr1Blocks(text: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  let field: string | undefined;
  for (const line of text.split('\n')) {
    const tag = /^\[(prompt|output|ground_truth|score)\] /.exec(line);
    if (tag) {
      if (tag[1] === 'prompt') blocks.push({});
      field = tag[1];
      if (blocks.length === 0)
        throw new InputError('an EasyR1 generations.log must start with a [prompt] line');
      blocks[blocks.length - 1][field] = line.slice(tag[0].length);
    } else if (field && blocks.length > 0) blocks[blocks.length - 1][field] += `\n${line}`;
  }
  return blocks.map((b) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, k === 'output' ? v : v.trimEnd()])),
  );
}

/** Ground-truth samples from the `gts` a dump carries (what `prepare --rl` wrote). */
function fromGroundTruths(
  rows: { output: unknown; gt: unknown; step?: unknown }[],
  file: string,
  format: PredictionFormat,
): Pick<EvalInput, 'annotations' | 'predictions'> {
  const annotations: EvalAnnotation[] = [];
  const predictions: EvalPrediction[] = [];
  rows.forEach((r, i) => {
    const where = `${file}: ${format === 'easyr1' ? 'sample' : 'line'} ${i + 1}`;
    if (typeof r.output !== 'string') throw new InputError(`${where}: the output must be a string`);
    let gt: ReturnType<typeof decodeRlGroundTruth>;
    try {
      gt = decodeRlGroundTruth(r.gt as string);
    } catch (e) {
      if (e instanceof RewardError)
        throw new InputError(`${where}: ${e.message} (a ground truth prepare --rl writes)`);
      throw e;
    }
    if (gt.kind !== 'simpleseg')
      throw new InputError(
        `${where}: a samtok ground truth: eval scores SimpleSeg answers (mask words need the SAMTok decoder to become masks: seglang samtok decode)`,
      );
    const id = `${i + 1}`;
    annotations.push({
      id,
      split: typeof r.step === 'number' ? `step ${r.step}` : 'all',
      width: gt.width,
      height: gt.height,
      masks: [gt.rle],
    });
    predictions.push({ id, answer: r.output });
  });
  return { annotations, predictions };
}

/**
 * Model answers and the annotations to score them against, from any {@link PredictionFormat}.
 * `annotations` are the records of an annotations file (or `prepare`'s index); the `verl` and `easyr1`
 * dumps carry their own ground truths and take none.
 * @throws InputError naming the file and line of what does not fit.
 */
export function readEvalInput(
  predictionsText: string,
  predictionsFile: string,
  annotations: unknown[] | undefined,
  annotationsFile: string,
  format: PredictionFormat | 'auto' = 'auto',
): EvalInput {
  const f = format === 'auto' ? detectFormat(predictionsText, predictionsFile) : format;
  if (!PREDICTION_FORMATS.includes(f))
    throw new InputError(
      `--predictions-format must be one of ${PREDICTION_FORMATS.join(', ')}, got ${JSON.stringify(f)}`,
    );
  if (f === 'verl' || f === 'easyr1') {
    if (annotations !== undefined)
      throw new InputError(
        `${predictionsFile}: a ${f} dump carries its ground truths; give no annotations file`,
      );
    const rows =
      f === 'easyr1'
        ? easyr1Blocks(predictionsText).map((b) => ({ output: b.output, gt: b.ground_truth }))
        : (parseRecords(predictionsText, predictionsFile) as Record<string, unknown>[]).map((r) => ({
            output: r?.output,
            gt: r?.gts,
            step: r?.step,
          }));
    return { format: f, ...fromGroundTruths(rows, predictionsFile, f), notScored: 0, failedJobs: 0 };
  }
  if (annotations === undefined)
    throw new InputError(
      `${predictionsFile}: ${f} predictions need an annotations file (or prepare's <split>.annotations.jsonl)`,
    );
  const records = parseRecords(predictionsText, predictionsFile) as Record<string, unknown>[];
  let failedJobs = 0;
  let predictions: EvalPrediction[];
  if (f === 'llamafactory') {
    if (records.length !== annotations.length)
      throw new InputError(
        `${predictionsFile} has ${records.length} predictions and ${annotationsFile} ${annotations.length} records: LLaMA-Factory writes one line per example of the eval dataset, in its order; give the index prepare wrote for that split`,
      );
    predictions = records.map((r, i) => {
      const a = annotations[i] as Partial<EvalAnnotation> & { answer?: unknown };
      if (!r || typeof r.predict !== 'string')
        throw new InputError(`${predictionsFile}:${i + 1}: needs a string "predict"`);
      if (typeof a?.answer === 'string' && typeof r.label === 'string' && r.label.trim() !== a.answer.trim())
        throw new InputError(
          `${predictionsFile}:${i + 1}: its label is not the answer of ${annotationsFile} record ${i + 1} (id ${String(a.id)}): the predictions are not in that file's order`,
        );
      return { id: a?.id as string, answer: r.predict };
    });
  } else if (f === 'segment') {
    predictions = [];
    records.forEach((r, i) => {
      if (!r || (typeof r.id !== 'string' && typeof r.id !== 'number'))
        throw new InputError(`${predictionsFile}:${i + 1}: a result needs an "id"`);
      if (r.error !== undefined) {
        failedJobs++;
        return;
      }
      if (typeof r.text !== 'string')
        throw new InputError(`${predictionsFile}:${i + 1}: a result needs a string "text"`);
      // The mask segment made (for SAMTok answers, the decoded mask words) is scored as it is.
      const mask = r.rle !== null && typeof r.rle === 'object' ? (r.rle as CocoRle) : undefined;
      predictions.push({ id: r.id, answer: r.text, ...(mask ? { mask } : {}) });
    });
  } else predictions = records as unknown as EvalPrediction[];
  // Only the mask-answer tasks are scored; their predictions go with them.
  const scored = (annotations as { task?: unknown; id?: unknown }[]).filter((a) => isMaskTask(a?.task));
  const kept = new Set(scored.map((a) => String(a?.id)));
  const notScored = annotations.length - scored.length;
  if (notScored > 0) predictions = predictions.filter((p) => kept.has(String(p?.id)));
  return { format: f, annotations: scored as EvalAnnotation[], predictions, notScored, failedJobs };
}
