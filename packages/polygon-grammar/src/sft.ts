import { GrammarError } from './errors';
import { pythonFloatRepr } from './format';

/** The SFT data conventions `seglang-train prepare` writes (and the docs and browser can reproduce). */
export type SftFormat = 'llamafactory' | 'swift' | 'qwen-vl' | 'simpleseg';
export const SFT_FORMATS: readonly SftFormat[] = ['llamafactory', 'swift', 'qwen-vl', 'simpleseg'];

/**
 * How records are laid out in a file: `'jsonl'`, one record a line, or `'json'`, one JSON array.
 * Each format's default is what its trainer reads: LLaMA-Factory and ms-swift read JSONL; Qwen-VL's
 * `finetune.py` reads the file with `json.load`; the SimpleSeg data script writes one array with
 * `json.dump(…, indent=4)`.
 */
export type SftContainer = 'json' | 'jsonl';
export const SFT_DEFAULT_CONTAINER: Readonly<Record<SftFormat, SftContainer>> = {
  llamafactory: 'jsonl',
  swift: 'jsonl',
  'qwen-vl': 'json',
  simpleseg: 'json',
};

/** One question–answer pair about one image. */
export interface SftExample {
  /** Written by the formats that carry an id (`qwen-vl`). */
  id: string;
  /** The image path as the trainer will open it. */
  image: string;
  question: string;
  answer: string;
}

export interface PythonJsonOptions {
  /** As `json.dumps(…, indent=n)`: elements on their own lines, `','` and `': '` separators. */
  indent?: number;
  /** The nesting level the value starts at (its first line is not indented). */
  level?: number;
}

/**
 * `json.dumps(value)` as Python writes it: `', '` and `': '` separators, or with `indent` the layout
 * of `json.dump(…, indent=n)`; non-ASCII and DEL as `\uXXXX` (`ensure_ascii`). Integers are written as
 * Python ints, other numbers as Python's float repr.
 * @throws GrammarError `INVALID_ARGUMENT` for a value JSON cannot hold (NaN, a function, …).
 * @example
 * pythonJson({ a: ['é', 1, 0.5, null] }); // → '{"a": ["\\u00e9", 1, 0.5, null]}'
 */
export function pythonJson(value: unknown, opts: PythonJsonOptions = {}): string {
  const indent = opts.indent;
  if (indent !== undefined && (!Number.isInteger(indent) || indent < 0 || indent > 16))
    throw new GrammarError('INVALID_ARGUMENT', `indent must be an integer in [0, 16], got ${String(indent)}`);
  return dump(value, indent, opts.level ?? 0);
}

function dump(value: unknown, indent: number | undefined, level: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new GrammarError('INVALID_ARGUMENT', `JSON cannot hold the number ${String(value)}`);
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  }
  const items: string[] = [];
  let open: string;
  let close: string;
  if (Array.isArray(value)) {
    for (const v of value) items.push(dump(v, indent, level + 1));
    [open, close] = ['[', ']'];
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object))
      if (v !== undefined) items.push(`${dump(k, indent, level + 1)}: ${dump(v, indent, level + 1)}`);
    [open, close] = ['{', '}'];
  } else {
    throw new GrammarError('INVALID_ARGUMENT', `JSON cannot hold a ${typeof value}`);
  }
  if (items.length === 0) return `${open}${close}`;
  if (indent === undefined) return `${open}${items.join(', ')}${close}`;
  const inner = `\n${' '.repeat(indent * (level + 1))}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${' '.repeat(indent * level)}${close}`;
}

function checkFormat(format: unknown): asserts format is SftFormat {
  if (!SFT_FORMATS.includes(format as SftFormat))
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `format must be one of ${SFT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
}

function checkContainer(container: unknown): asserts container is SftContainer {
  if (container !== 'json' && container !== 'jsonl')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `container must be 'json' or 'jsonl', got ${String(container)}`,
    );
}

function checkExample(example: unknown, where: string): asserts example is SftExample {
  const e = example as Partial<SftExample> | null;
  if (e === null || typeof e !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', `${where} must be an object { id, image, question, answer }`);
  for (const k of ['id', 'image', 'question', 'answer'] as const)
    if (typeof e[k] !== 'string')
      throw new GrammarError('INVALID_ARGUMENT', `${where}.${k} must be a string, got ${typeof e[k]}`);
}

/**
 * One example as a record of the format: LLaMA-Factory's and ms-swift's multimodal `messages` +
 * `images`, Qwen-VL's `id` + `conversations` with `Picture 1: <img>…</img>`, or the SimpleSeg data
 * script's `conversations` with `<img>…</img>` before the question.
 */
export function sftRecord(format: SftFormat, example: SftExample): object {
  checkFormat(format);
  checkExample(example, 'example');
  const { image, question, answer } = example;
  switch (format) {
    case 'llamafactory':
    case 'swift':
      return {
        messages: [
          { role: 'user', content: `<image>${question}` },
          { role: 'assistant', content: answer },
        ],
        images: [image],
      };
    case 'qwen-vl':
      return {
        id: example.id,
        conversations: [
          { from: 'user', value: `Picture 1: <img>${image}</img>\n${question}` },
          { from: 'assistant', value: answer },
        ],
      };
    case 'simpleseg':
      return {
        conversations: [
          { from: 'user', value: `<img>${image}</img>${question}` },
          { from: 'assistant', value: answer },
        ],
      };
  }
}

/** The RL engines whose dataset rows `seglang-train prepare --rl` writes. */
export type RlEngine = 'verl' | 'easyr1';
export const RL_ENGINES: readonly RlEngine[] = ['verl', 'easyr1'];

/** One RL prompt: the question about an image, and the ground truth its rollouts are scored against. */
export interface RlExample {
  id: string;
  /** The image path as the engine will open it. */
  image: string;
  question: string;
  /** The ground truth as one JSON string naming its kind (`@seglang/rewards`' `encodeRlGroundTruth`). */
  groundTruth: string;
  /** verl's `data_source`, passed to the reward function (seglang's shim routes on the kind instead). */
  dataSource: string;
  split: string;
  /** The row's number in its split (verl's `extra_info.index`). */
  index: number;
  /** The query task that made the question, e.g. `text2mask`. */
  task: string;
}

function checkRlExample(example: unknown): asserts example is RlExample {
  const e = example as Partial<RlExample> | null;
  if (e === null || typeof e !== 'object')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      'example must be an object { id, image, question, groundTruth, … }',
    );
  for (const k of ['id', 'image', 'question', 'groundTruth', 'dataSource', 'split', 'task'] as const)
    if (typeof e[k] !== 'string')
      throw new GrammarError('INVALID_ARGUMENT', `example.${k} must be a string, got ${typeof e[k]}`);
  if (!Number.isSafeInteger(e.index) || (e.index as number) < 0)
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `example.index must be a non-negative integer, got ${String(e.index)}`,
    );
}

/**
 * One RL prompt as a dataset row of the engine:
 * - verl (`verl/utils/dataset/rl_dataset.py`, `RLHFDataset`): `prompt` as chat messages whose
 *   `<image>` placeholder `_build_messages` replaces with `images[i]` (`{"image": path}`, the dict
 *   `qwen_vl_utils.fetch_image` opens), `data_source`, `ability`, `reward_model: {style: "rule",
 *   ground_truth}` (what the reward managers pass as `ground_truth`) and `extra_info` (with `index`).
 * - EasyR1 (`verl/utils/dataset.py`, `RLHFDataset` with `prompt_key=problem`, `answer_key=answer`,
 *   `image_key=images`): `problem` holding `<image>`, `answer` (passed to the reward as
 *   `ground_truth`), `images` as paths, and `id`.
 */
export function rlRecord(engine: RlEngine, example: RlExample): object {
  if (!RL_ENGINES.includes(engine))
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `engine must be one of ${RL_ENGINES.join(', ')}, got ${JSON.stringify(engine)}`,
    );
  checkRlExample(example);
  const { id, image, question, groundTruth, dataSource, split, index, task } = example;
  if (engine === 'easyr1') return { problem: `<image>${question}`, answer: groundTruth, images: [image], id };
  return {
    data_source: dataSource,
    prompt: [{ role: 'user', content: `<image>${question}` }],
    images: [{ image }],
    ability: 'segmentation',
    reward_model: { style: 'rule', ground_truth: groundTruth },
    extra_info: { split, index, id, task },
  };
}

/**
 * A record as its writer lays it out, without a trailing newline: a JSONL line (`JSON.stringify`;
 * the SimpleSeg script's records as Python's `json.dumps`), or, with `container: 'json'`, an element of
 * the array at depth 1 (the SimpleSeg script's `json.dump(…, indent=4)`, whose element lines are
 * indented by 4; other formats one compact line).
 */
export function sftText(format: SftFormat, record: object, container: SftContainer = 'jsonl'): string {
  checkFormat(format);
  checkContainer(container);
  if (record === null || typeof record !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', 'record must be an object (from sftRecord)');
  if (format === 'simpleseg')
    return container === 'json' ? `    ${pythonJson(record, { indent: 4, level: 1 })}` : pythonJson(record);
  return JSON.stringify(record);
}

/** How a file of the container starts, separates records, and ends (Python writes no final newline). */
export function sftFraming(
  format: SftFormat,
  container: SftContainer,
): { open: string; separator: string; close: string; empty: string } {
  checkFormat(format);
  checkContainer(container);
  if (container === 'jsonl') return { open: '', separator: '\n', close: '\n', empty: '' };
  return format === 'simpleseg'
    ? { open: '[\n', separator: ',\n', close: '\n]', empty: '[]' }
    : { open: '[\n', separator: ',\n', close: '\n]\n', empty: '[]\n' };
}

/**
 * A whole SFT file from examples: what `seglang-train prepare` writes for one split, in the
 * format's default container unless another is given.
 * @example
 * sftFile('simpleseg', [{ id: '1', image: 'a.jpg', question: 'Locate the polygon of the cat.', answer: '[[[0.1, 0.2], [0.3, 0.4], [0.5, 0.1]]].' }]);
 */
export function sftFile(format: SftFormat, examples: SftExample[], container?: SftContainer): string {
  checkFormat(format);
  const c = container ?? SFT_DEFAULT_CONTAINER[format];
  checkContainer(c);
  if (!Array.isArray(examples)) throw new GrammarError('INVALID_ARGUMENT', 'examples must be an array');
  examples.forEach((e, i) => checkExample(e, `examples[${i}]`));
  const f = sftFraming(format, c);
  if (examples.length === 0) return f.empty;
  return `${f.open}${examples.map((e) => sftText(format, sftRecord(format, e), c)).join(f.separator)}${f.close}`;
}

/**
 * A 32-bit hash of integers (ids may exceed 2^32), for per-example seeds that do not depend on the
 * order examples are visited in: `exampleSeed(seed, annotationId, refId, sentence, visit)`.
 */
export function exampleSeed(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    if (!Number.isSafeInteger(x))
      throw new GrammarError('INVALID_ARGUMENT', `exampleSeed takes safe integers, got ${String(x)}`);
    for (const part of [x % 2 ** 32, Math.floor(x / 2 ** 32)]) {
      h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}
