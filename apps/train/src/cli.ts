#!/usr/bin/env node
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_MAX_PIXELS } from '@seglang/contour/node';
import { MAX_LEVELS } from '@seglang/rq-tokenizer';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatReport, readEmbeddings, trainCodebook } from './codebook.js';
import { InputError } from './errors.js';
import { evaluate, parseRecords, toCsv, toMarkdown } from './eval.js';
import { loadTokenizer, readBytes, readMasks } from './inputs.js';
import { addMaskWords, TOKENIZER_FILES } from './mask-words.js';
import { PREDICTION_FORMATS, readEvalInput } from './predictions.js';
import { parseTasks, prepare, RL_ENGINES, SFT_FORMATS } from './prepare.js';
import { buildRewardServer } from './server.js';
import { DEFAULT_EPSILONS, sweepCsv, sweepEpsilon, sweepSvg } from './sweep.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

const positive =
  (name: string, max = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(
        `${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`,
      );
    return n;
  };

/** Each entry a number: Number('') is 0, so an empty list or entry would silently mean ε = 0. */
const epsilonList = (v: string) => {
  const list = v.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (list.some((e) => !Number.isFinite(e) || e < 0))
    throw new InvalidArgumentError('--epsilons must be a comma-separated list of non-negative numbers');
  return list;
};

const tasks = (v: string) => {
  try {
    return parseTasks(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('--port must be an integer from 0 to 65535');
  return n;
};

const unit = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
  return n;
};

const number = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

/** Whether a path names an existing folder (false for anything unreadable: the write reports it). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Writes a file whole or not at all (a temporary file beside it, renamed when complete), making its folder. */
const write = (file: string, data: string | Uint8Array) => {
  if (isFolder(file)) throw new InputError(`cannot write ${file}: it is a folder`);
  const tmp = join(dirname(file), `.${Date.now().toString(36)}-${process.pid}.tmp`);
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new InputError(
      `cannot write ${file}: cannot make its folder ${dirname(file)} (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError(
      `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
};

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/**
 * A progress bar on stderr for long work (only on a terminal, so pipes and logs stay clean).
 * Returns the callback to report progress and a function to close the bar.
 */
function progressBar(
  label: string,
  unit: string,
): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} ${unit} · {eta_formatted} left`,
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

const cli = new Command('seglang-train')
  .description('Everything around the training engines that is specific to pixel perception.')
  .version(VERSION, '-V, --version')
  .option('--verbose', 'print stack traces on errors')
  .exitOverride();

cli
  .command('reward-server')
  .description('serve SimpleSeg and SAMTok rewards over HTTP: POST /reward, GET /health')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port (0: any free one)', port, 8000)
  .option('--body-limit <bytes>', 'largest request body', positive('--body-limit'), 32 * 1024 * 1024)
  .option(
    '--max-pending <n>',
    'requests being scored or queued beyond this get 503 with Retry-After',
    positive('--max-pending'),
    64,
  )
  .option('--workers <n>', 'scoring threads (default: one a core)', positive('--workers'))
  .option(
    '--request-timeout <ms>',
    'a request (headers and body) must arrive within this, else 408',
    positive('--request-timeout'),
    30_000,
  )
  .option('--tau <t>', 'IoU threshold of the SimpleSeg reward', unit('--tau'), 0.5)
  .addHelpText(
    'after',
    '\nExample:\n  seglang-train reward-server --port 8000\n  curl -s localhost:8000/health',
  )
  .action(async (opts) => {
    const app = buildRewardServer({
      bodyLimit: opts.bodyLimit,
      maxPending: opts.maxPending,
      workers: opts.workers,
      requestTimeoutMs: opts.requestTimeout,
      simpleseg: { threshold: opts.tau },
    });
    const address = await app.listen({ host: opts.host, port: opts.port });
    console.log(`seglang reward server on ${address}`);
    // Graceful shutdown: stop accepting, let in-flight requests finish.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.close().then(() => process.exit(0));
      });
    }
  });

cli
  .command('add-mask-words <tokenizer-dir>')
  .description(
    "a tokenizer folder with SAMTok's mask words added as its reference adds them (non-special), for SFT and RL",
  )
  .requiredOption(
    '-o, --out <dir>',
    'the new tokenizer folder (tokenizer and processor files; weights are not copied)',
  )
  .option('--levels <n>', 'quantiser levels', positive('--levels', MAX_LEVELS), 2)
  .option('--codebook-size <n>', 'codes per level', positive('--codebook-size'), 256)
  .option(
    '--pad-to-multiple <n>',
    "pad the vocabulary with <|pad_extra_i|> tokens to a multiple of n, as SAMTok's script does (128)",
    positive('--pad-to-multiple'),
  )
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nExample:\n  seglang-train add-mask-words models/Qwen3-VL-4B-Instruct -o models/Qwen3-VL-4B-MT --pad-to-multiple 128',
  )
  .action((dir: string, opts) => {
    if (resolve(dir) === resolve(opts.out))
      throw new CommanderError(2, 'seglang.usage', 'error: -o must be another folder than the input');
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => TOKENIZER_FILES.test(n));
    } catch (e) {
      throw new InputError(
        `cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    const files = new Map(names.map((n) => [n, readBytes(join(dir, n))]));
    const { files: out, report } = addMaskWords(files, {
      levels: opts.levels,
      codebookSize: opts.codebookSize,
      padToMultiple: opts.padToMultiple,
    });
    for (const [name, data] of out) write(join(opts.out, name), data);
    write(join(opts.out, 'mask_words.txt'), `${report.words.join('\n')}\n`);
    if (report.madeNonSpecial.length > 0)
      process.stderr.write(
        `seglang-train: warning: ${report.madeNonSpecial.length} mask words were special tokens in ${dir}; they are non-special here (same ids). As special tokens, verl and EasyR1 (skip_special_tokens=True) strip them before the reward and every SAMTok reward is 0\n`,
      );
    if (opts.json) {
      console.log(JSON.stringify({ ...report, words: report.words.length }));
      return;
    }
    const lines = [
      `added ${report.added} mask words (ids ${report.firstId}–${report.lastId}) as non-special tokens${report.padded ? `, and ${report.padded} padding tokens` : ''}; the vocabulary now has ${report.vocabSize} ids: resize the model's embeddings to it`,
      `wrote ${[...out.keys(), 'mask_words.txt'].map((n) => join(opts.out, n)).join(', ')}`,
      'LLaMA-Factory: put these files beside the weights (a copy of the model folder) and set resize_vocab: true',
      'ms-swift: the same; its --new_special_tokens would add the words as special tokens',
    ];
    console.log(lines.join('\n'));
  });

cli
  .command('codebook <embeddings>')
  .description(
    'embeddings (.npy or .safetensors, [n, dim]) → a trained residual codebook (safetensors) + a utilisation report',
  )
  .requiredOption('-o, --out <file>', 'codebook.safetensors to write')
  .option('--levels <n>', 'quantiser levels', positive('--levels', MAX_LEVELS), 2)
  .option('--size <n>', 'codes per level', positive('--size'), 256)
  .addOption(
    new Option('--method <m>', 'k-means level by level, or SAMTok-style EMA')
      .choices(['kmeans', 'ema'])
      .default('kmeans'),
  )
  .option('--iterations <n>', 'Lloyd iterations (kmeans) or update steps (ema)', positive('--iterations'))
  .option('--seed <n>', 'random seed', int('--seed'), 0)
  .option('--tensor <name>', 'the tensor to read from a safetensors file with several')
  .option('--report <file>', 'also write the report as JSON')
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nExample:\n  seglang-train codebook mask_embeddings.npy -o codebook.safetensors --levels 2 --size 256',
  )
  .action((file, opts) => {
    const e = readEmbeddings(readBytes(file), file, opts.tensor);
    const bar = progressBar('codebook', opts.method === 'ema' ? 'steps' : 'iterations');
    let trained: ReturnType<typeof trainCodebook>;
    try {
      trained = trainCodebook(e, {
        levels: opts.levels,
        codebookSize: opts.size,
        method: opts.method,
        iterations: opts.iterations,
        seed: opts.seed,
        onProgress: bar.update,
      });
    } finally {
      bar.stop();
    }
    const { quantizer, report } = trained;
    write(opts.out, quantizer.toSafetensors());
    if (opts.report) write(opts.report, JSON.stringify(report, null, 2));
    console.log(opts.json ? JSON.stringify(report) : `${formatReport(report)}\nwrote ${opts.out}`);
  });

cli
  .command('sweep-epsilon <masks...>')
  .description(
    'simplification ε → mean tokens per mask and oracle round-trip IoU (SimpleSeg Fig. 4), as CSV and a PNG plot',
  )
  .addOption(
    new Option('--epsilons <list>', 'comma-separated ε values (fractions of the contour perimeter)')
      .argParser(epsilonList)
      .default(DEFAULT_EPSILONS, DEFAULT_EPSILONS.join(',')),
  )
  .option('--tokenizer <dir>', 'folder with tokenizer.json and tokenizer_config.json (default: Qwen3)')
  .addOption(
    new Option('--boundary <b>', 'contour through pixel centres or edges')
      .choices(['pixel-centres', 'pixel-edges'])
      .default('pixel-centres'),
  )
  .option('--limit <n>', 'at most n masks', positive('--limit'))
  .option('--csv <file>', 'CSV to write', 'sweep-epsilon.csv')
  .option('--plot <file>', 'PNG plot to write', 'sweep-epsilon.png')
  .option(
    '--max-pixels <n>',
    'refuse mask PNGs larger than this, before decoding them',
    positive('--max-pixels'),
    DEFAULT_MAX_PIXELS,
  )
  .option('--json', 'print the rows as JSON')
  .addHelpText(
    'after',
    '\nExamples:\n  seglang-train sweep-epsilon masks/ --csv sweep.csv --plot sweep.png\n  seglang-train sweep-epsilon instances_val2017.json --limit 500',
  )
  .action(async (paths: string[], opts) => {
    const epsilons: number[] = opts.epsilons;
    const masks = readMasks(paths, opts.limit, opts.maxPixels);
    const bar = progressBar('sweep-epsilon', 'masks × ε');
    let rows: ReturnType<typeof sweepEpsilon>;
    try {
      rows = sweepEpsilon(masks, loadTokenizer(opts.tokenizer), epsilons, {
        boundary: opts.boundary,
        onProgress: bar.update,
      });
    } finally {
      bar.stop();
    }
    write(opts.csv, `${sweepCsv(rows)}\n`);
    write(
      opts.plot,
      // sharp (libvips) is loaded only here, the one command that renders a picture.
      await (await import('sharp'))
        .default(Buffer.from(sweepSvg(rows)))
        .png()
        .toBuffer(),
    );
    if (opts.json) console.log(JSON.stringify(rows));
    else console.log(`${sweepCsv(rows)}\n\n${masks.length} masks; wrote ${opts.csv} and ${opts.plot}`);
  });

cli
  .command('eval <predictions> [annotations]')
  .description(
    'model answers → RES/REC/GRES tables per split: ours (id, answer), seglang segment --batch results, LLaMA-Factory generated_predictions.jsonl, verl and EasyR1 validation dumps',
  )
  .addOption(
    new Option('--predictions-format <f>', 'where the predictions come from (default: told from the file)')
      .choices(['auto', ...PREDICTION_FORMATS])
      .default('auto'),
  )
  .option('--out <prefix>', 'write <prefix>.md, <prefix>.csv and <prefix>.json')
  .addOption(
    new Option(
      '--decoder <mode>',
      'how answers are read: reference (the SimpleSeg README decoder: any spacing, every polygon), strict or tolerant',
    )
      .choices(['reference', 'strict', 'tolerant'])
      .default('reference'),
  )
  .option(
    '--max-pixels <n>',
    'refuse samples larger than this (each is rasterised whole)',
    positive('--max-pixels'),
    DEFAULT_MAX_PIXELS,
  )
  .option('--json', 'print the tables as JSON')
  .addHelpText(
    'after',
    '\nAnnotations: JSON/JSONL records {id, split, width, height, masks, box?}, or the <split>.annotations.jsonl\n' +
      'prepare writes beside a split. verl and EasyR1 dumps carry their ground truths and take none.\n' +
      '\nExamples:\n' +
      '  seglang-train eval predictions.jsonl refcoco_val.jsonl --out results/refcoco\n' +
      '  seglang-train eval saves/generated_predictions.jsonl sft/refcoco/val.annotations.jsonl\n' +
      '  seglang-train eval checkpoints/val_dumps/100.jsonl',
  )
  .action((predFile: string, annFile: string | undefined, opts) => {
    const dec = new TextDecoder();
    const input = readEvalInput(
      dec.decode(readBytes(predFile)),
      predFile,
      annFile === undefined ? undefined : parseRecords(dec.decode(readBytes(annFile)), annFile),
      annFile ?? predFile,
      opts.predictionsFormat,
    );
    const tables = evaluate(input.annotations, input.predictions, annFile ?? predFile, {
      decoder: opts.decoder,
      predictionsFile: predFile,
      maxPixels: opts.maxPixels,
    });
    if (input.notScored > 0)
      process.stderr.write(
        `seglang-train: note: ${input.notScored} records of tasks whose answer is not a mask are not scored\n`,
      );
    if (input.failedJobs > 0)
      process.stderr.write(
        `seglang-train: note: ${input.failedJobs} jobs failed (lines with an error) and count as missing\n`,
      );
    if (opts.out) {
      write(`${opts.out}.md`, `${toMarkdown(tables)}\n`);
      write(`${opts.out}.csv`, `${toCsv(tables)}\n`);
      write(`${opts.out}.json`, JSON.stringify(tables, null, 2));
    }
    console.log(opts.json ? JSON.stringify(tables) : toMarkdown(tables));
  });

cli
  .command('prepare')
  .description(
    'COCO instances (+ REFER referring expressions) → SFT data per split, for LLaMA-Factory, ms-swift, Qwen-VL or the SimpleSeg script’s format, or RL datasets for verl and EasyR1',
  )
  .requiredOption('--instances <file>', 'COCO instances.json (streamed)')
  .option('--refs <file>', 'REFER refs(unc).p / refs(umd).p pickle, or the same records as JSON/JSONL')
  .requiredOption('-o, --out <dir>', 'output folder: <split>.json, .jsonl or .parquet per split')
  .option('--images <dir>', 'image folder: written as <dir>/<file_name>; missing files are skipped')
  .option('--no-check-images', 'do not check that image files exist')
  .addOption(
    new Option('--format <f>', 'SFT data convention (default: llamafactory)').choices([...SFT_FORMATS]),
  )
  .addOption(
    new Option(
      '--rl <engine>',
      'an RL dataset instead: prompts with a ground truth for the reward (mask-answer tasks only)',
    )
      .choices([...RL_ENGINES])
      .conflicts('format'),
  )
  .option('--data-source <name>', "verl's data_source column (with --rl verl)", 'seglang')
  .addOption(
    new Option(
      '--container <c>',
      'one JSON array, one record a line, or Parquet (--rl only; its default). SFT default: json for qwen-vl and simpleseg, jsonl otherwise',
    ).choices(['json', 'jsonl', 'parquet']),
  )
  .addOption(
    new Option('--tasks <mix>', 'task weights, e.g. text2mask=0.6,point2mask=0.2,bbox2mask=0.2')
      .argParser(tasks)
      .default(parseTasks('text2mask=1'), 'text2mask=1'),
  )
  .option(
    '--epsilon <e>',
    'simplification ε in normalised units (default: the simpleseg preset)',
    number('--epsilon'),
  )
  .option('--budget <n>', 'choose ε per mask so the polygon text fits n tokens', positive('--budget'))
  .option('--tokenizer <dir>', 'tokenizer for --budget (default: Qwen3)')
  .option(
    '--samtok-codes <file>',
    'SAMTok codes per annotation (JSONL {"ann_id", "codes"}): answers become mask words',
  )
  .option('--codebook-size <n>', 'codes per SAMTok level', positive('--codebook-size'), 256)
  .option('--seed <n>', 'seed of every random choice', int('--seed'), 0)
  .option(
    '--visits <n>',
    'examples per (annotation, expression); default 2 for --format simpleseg, else 1',
    positive('--visits'),
  )
  .option('--splits <list>', 'only these REFER splits, e.g. train,val')
  .option('--split <name>', 'split name without --refs', 'train')
  .option(
    '--index <splits>',
    'splits that also get <split>.annotations.jsonl for eval: a list, all or none (default: all but train)',
  )
  .option('--overwrite', 'start again instead of resuming')
  .option('--report <file>', 'also write the report as JSON')
  .option('--json', 'print the report as JSON')
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  seglang-train prepare --instances refcoco/instances.json --refs "refcoco/refs(unc).p" --images coco/train2014 -o sft/refcoco\n' +
      '  seglang-train prepare --instances instances_train2017.json --images coco/train2017 -o sft/coco --tasks text2mask=0.6,point2mask=0.2,bbox2mask=0.2\n' +
      '  seglang-train prepare --instances instances.json --refs refs.json -o sft/simpleseg --format simpleseg --seed 0\n' +
      '  seglang-train prepare --instances refcoco/instances.json --refs "refcoco/refs(unc).p" --images coco/train2014 -o rl/refcoco --rl verl',
  )
  .action(async (opts) => {
    if (opts.epsilon !== undefined && !(opts.epsilon >= 0))
      throw new InputError(`--epsilon must be a non-negative number, got ${opts.epsilon}`);
    const bar = progressBar('prepare', 'MB');
    const report = await prepare({
      instances: opts.instances,
      refs: opts.refs,
      out: opts.out,
      images: opts.images,
      checkImages: opts.images ? opts.checkImages : false,
      format: opts.format,
      rl: opts.rl,
      dataSource: opts.rl ? opts.dataSource : undefined,
      container: opts.container,
      tasks: opts.tasks,
      epsilon: opts.epsilon,
      budget: opts.budget,
      tokenizer: opts.budget !== undefined ? loadTokenizer(opts.tokenizer) : undefined,
      samtokCodes: opts.samtokCodes,
      codebookSize: opts.codebookSize,
      seed: opts.seed,
      visits: opts.visits,
      splits: opts.splits ? String(opts.splits).split(',') : undefined,
      split: opts.split,
      index:
        opts.index === undefined || opts.index === 'all' || opts.index === 'none'
          ? opts.index
          : String(opts.index).split(','),
      overwrite: opts.overwrite,
      onProgress: (read, total) => bar.update(Math.floor(read / 2 ** 20), Math.ceil(total / 2 ** 20)),
    }).finally(() => bar.stop());
    if (opts.report) write(opts.report, JSON.stringify(report, null, 2));
    if (opts.json) console.log(JSON.stringify(report));
    else {
      const lines = Object.entries(report.records).map(
        ([s, n]) =>
          `  ${s}: ${n} examples → ${report.files[s]}${report.indexes[s] ? ` (eval index ${report.indexes[s]})` : ''}`,
      );
      const skipped = Object.entries(report.skipped).map(
        ([r, v]) => `  ${r}: ${v?.count} (e.g. ${v?.examples.join(', ')})`,
      );
      console.log(
        [
          `${report.annotations} annotations read${report.resumedFrom ? ` (resumed after ${report.resumedFrom})` : ''}`,
          ...lines,
          skipped.length ? 'skipped:' : 'nothing skipped',
          ...skipped,
        ].join('\n'),
      );
    }
  });

if (process.argv.length <= 2) {
  // No command: the help, and the exit code of a usage error.
  process.stderr.write(cli.helpInformation());
  process.exitCode = 2;
} else
  cli.parseAsync(process.argv).catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode =
        err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
          ? 0
          : 2;
      return;
    }
    const verbose = process.argv.includes('--verbose');
    // One line, whatever the message (some dependencies' messages span several).
    const message = String((err as Error)?.message ?? err).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`seglang-train: ${verbose ? (err as Error).stack : message}\n`);
    process.exitCode = 1;
  });
