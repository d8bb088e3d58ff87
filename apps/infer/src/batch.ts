import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { RuntimeError, type Segmenter } from '@seglang/mllm-runtime';
import { SingleBar } from 'cli-progress';
import { InputError, readImage } from './images';
import { record } from './models';

/** One line of a jobs file. */
export interface Job {
  /** Names the job in the results (default: its line number, from 1). */
  id: string;
  /** Image path, relative to the jobs file. */
  image: string;
  prompt: string;
}

/** Reads a JSONL jobs file: `{"image": "dog.jpg", "prompt": "the dog", "id"?: "…"}` per line. */
export function readJobs(path: string): Job[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const base = dirname(resolve(path));
  const jobs: Job[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line);
    } catch (err) {
      throw new InputError(`${where} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof j !== 'object' || j === null || typeof j.image !== 'string' || typeof j.prompt !== 'string')
      throw new InputError(`${where}: a job needs "image" and "prompt" strings`);
    const id = j.id === undefined ? String(i + 1) : String(j.id);
    if (ids.has(id)) throw new InputError(`${where}: job id ${JSON.stringify(id)} appears twice`);
    ids.add(id);
    jobs.push({ id, image: isAbsolute(j.image) ? j.image : resolve(base, j.image), prompt: j.prompt });
  });
  if (jobs.length === 0) throw new InputError(`${path} holds no jobs`);
  return jobs;
}

/**
 * The ids of the jobs a results file holds as done. A last line cut short by an interruption is
 * removed, and so are the lines of failed jobs (`error`), so those jobs run again and the file holds
 * one line a job.
 */
export function doneIds(path: string): Set<string> {
  const done = new Set<string>();
  if (!existsSync(path)) return done;
  const text = readFileSync(path, 'utf8');
  const kept: string[] = [];
  let dropped = false;
  let offset = 0;
  for (const line of text.split('\n')) {
    const end = offset + line.length + 1;
    offset = end;
    if (line.trim() === '') continue;
    let rec: { id?: unknown; error?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      dropped = true;
      break;
    }
    if (end > text.length) {
      dropped = true; // no newline after it: written partly
      break;
    }
    if (rec.error !== undefined) {
      dropped = true;
      continue;
    }
    done.add(String(rec.id));
    kept.push(line);
  }
  if (dropped) writeFileSync(path, kept.map((l) => `${l}\n`).join(''));
  return done;
}

/** Failures of one job's input (its image, its prompt), recorded in the results; anything else stops the batch. */
function isJobError(err: unknown): boolean {
  if (err instanceof InputError) return true;
  return (
    err instanceof RuntimeError &&
    (err.code === 'INVALID_IMAGE' || err.code === 'INVALID_PROMPT' || err.code === 'CONTEXT_OVERFLOW')
  );
}

export interface BatchSummary {
  jobs: number;
  skipped: number;
  done: number;
  failed: number;
}

/**
 * Runs every job not yet done in `out`, appending one JSON line per job as it finishes (`{ id, image,
 * prompt, …record }`, or `{ id, image, prompt, error }` when the job's image cannot be read). A model
 * or server failure stops the batch; run the same command again to resume (failed jobs run again).
 */
export async function runBatch(
  segmenter: Segmenter,
  jobsFile: string,
  out: string,
  opts: { progress: boolean; maxPixels?: number },
): Promise<BatchSummary> {
  const jobs = readJobs(jobsFile);
  const done = doneIds(out);
  const todo = jobs.filter((j) => !done.has(j.id));
  const summary: BatchSummary = { jobs: jobs.length, skipped: jobs.length - todo.length, done: 0, failed: 0 };
  const bar = opts.progress
    ? new SingleBar({
        format: 'segment [{bar}] {value}/{total} jobs · {eta_formatted} left · {failed} failed',
        hideCursor: true,
        stream: process.stderr,
      })
    : undefined;
  bar?.start(todo.length, 0, { failed: 0 });
  const fd = openSync(out, 'a');
  try {
    for (const job of todo) {
      let line: Record<string, unknown>;
      try {
        const image = readImage(job.image, opts.maxPixels);
        const r = await segmenter.segment(image, job.prompt);
        line = { id: job.id, image: job.image, prompt: job.prompt, ...record(r) };
        summary.done++;
      } catch (err) {
        if (!isJobError(err)) throw err;
        line = { id: job.id, image: job.image, prompt: job.prompt, error: (err as Error).message };
        summary.failed++;
      }
      writeSync(fd, `${JSON.stringify(line)}\n`);
      bar?.increment(1, { failed: summary.failed });
    }
  } finally {
    bar?.stop();
    closeSync(fd);
  }
  return summary;
}
