import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { SamError } from './errors';

/**
 * The onnxruntime module to run on: `import * as ort from 'onnxruntime-node'` in Node, or
 * `onnxruntime-web` in the browser (its wasm backend also runs in Node). One code path for both.
 */
export interface Ort {
  InferenceSession: {
    create(path: string, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
    create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof Tensor;
}

/** A model: a file path (Node) or URL (browser), or the model's bytes. */
export type ModelSource = string | Uint8Array;

/** A dimension in a layout: a fixed size, or a name for an axis that may take any size. */
export type Dim = number | string;

export interface IoSpec {
  inputs: Record<string, Dim[]>;
  outputs: Record<string, Dim[]>;
}

const show = (dims: readonly Dim[] | undefined): string => (dims ? `[${dims.join(', ')}]` : '[?]');

interface Meta {
  name: string;
  shape?: readonly Dim[];
}

/** Throws unless `session` looks like an onnxruntime InferenceSession (names of its inputs and outputs). */
export function checkSession(session: unknown, what: string): asserts session is InferenceSession {
  const s = session as { inputNames?: unknown; outputNames?: unknown } | null;
  if (s === null || typeof s !== 'object' || !Array.isArray(s.inputNames) || !Array.isArray(s.outputNames))
    throw new SamError('INVALID_ARGUMENT', `the ${what} must be an onnxruntime InferenceSession`);
}

function metadata(
  session: InferenceSession,
  which: 'input' | 'output',
): Map<string, readonly Dim[] | undefined> {
  const names = which === 'input' ? session.inputNames : session.outputNames;
  const meta = (session as unknown as Record<string, readonly Meta[] | undefined>)[`${which}Metadata`];
  const out = new Map<string, readonly Dim[] | undefined>();
  names.forEach((n, i) => {
    const m = meta?.[i];
    out.set(n, m && m.name === n && Array.isArray(m.shape) ? m.shape : undefined);
  });
  return out;
}

/**
 * Checks a session against a layout: the same input and output names, and every fixed dimension
 * equal where both sides fix it.
 * @throws SamError `LAYOUT_MISMATCH` listing what was expected and what the model declares.
 */
export function checkLayout(session: InferenceSession, spec: IoSpec, what: string): void {
  checkSession(session, what);
  if (spec === null || typeof spec !== 'object' || !spec.inputs || !spec.outputs)
    throw new SamError('INVALID_ARGUMENT', 'spec must be { inputs, outputs }');
  const problems: string[] = [];
  const compare = (which: 'input' | 'output', expected: Record<string, Dim[]>) => {
    const found = metadata(session, which);
    const missing = Object.keys(expected).filter((n) => !found.has(n));
    const extra = [...found.keys()].filter((n) => !(n in expected));
    if (missing.length) problems.push(`missing ${which}s ${missing.join(', ')}`);
    if (extra.length) problems.push(`unexpected ${which}s ${extra.join(', ')}`);
    for (const [name, dims] of Object.entries(expected)) {
      const got = found.get(name);
      if (!got) continue;
      const bad =
        got.length !== dims.length ||
        dims.some((d, i) => typeof d === 'number' && typeof got[i] === 'number' && got[i] !== d);
      if (bad) problems.push(`${which} ${name} has shape ${show(got)}, expected ${show(dims)}`);
    }
    return found;
  };
  const fin = compare('input', spec.inputs);
  const fout = compare('output', spec.outputs);
  if (problems.length === 0) return;
  const list = (m: Record<string, Dim[]> | Map<string, readonly Dim[] | undefined>) =>
    (m instanceof Map ? [...m] : Object.entries(m)).map(([n, d]) => `${n} ${show(d)}`).join(', ');
  throw new SamError(
    'LAYOUT_MISMATCH',
    `${what} does not match the layout: ${problems.join('; ')}. ` +
      `Expected inputs: ${list(spec.inputs)}; outputs: ${list(spec.outputs)}. ` +
      `Found inputs: ${list(fin)}; outputs: ${list(fout)}.`,
  );
}

/**
 * Creates a session, turning load failures into `SamError`s that name the model.
 * @throws SamError `MODEL_NOT_FOUND` when the file does not exist, `MODEL_LOAD_FAILED` otherwise.
 */
export async function openSession(
  ort: Ort,
  source: ModelSource,
  what: string,
  options?: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
    throw new SamError('INVALID_ARGUMENT', `${what} must be a path, a URL or the model's bytes`);
  }
  if (!ort || typeof ort.InferenceSession?.create !== 'function' || typeof ort.Tensor !== 'function') {
    throw new SamError(
      'INVALID_ARGUMENT',
      'ort must be the onnxruntime-node or onnxruntime-web module (import * as ort from ...)',
    );
  }
  const where = typeof source === 'string' ? ` from ${source}` : ` (${source.length} bytes)`;
  try {
    return typeof source === 'string'
      ? await ort.InferenceSession.create(source, options)
      : await ort.InferenceSession.create(source, options);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    const notFound = /doesn't exist|does not exist|no such file|ENOENT|not found|404/i.test(msg);
    throw new SamError(
      notFound ? 'MODEL_NOT_FOUND' : 'MODEL_LOAD_FAILED',
      `cannot load the ${what}${where}: ${notFound ? 'file not found' : msg.split('\n')[0]}`,
      { cause },
    );
  }
}

/** Runs a session, turning runtime failures into `SamError('RUNTIME_ERROR')`. */
export async function run(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  what: string,
): Promise<Record<string, Tensor>> {
  try {
    return (await session.run(feeds)) as Record<string, Tensor>;
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new SamError('RUNTIME_ERROR', `the ${what} failed: ${msg.split('\n')[0]}`, { cause });
  }
}

/** The float32 data of an output tensor. */
export function floats(t: Tensor | undefined, name: string): Float32Array {
  if (t?.type !== 'float32') throw new SamError('RUNTIME_ERROR', `output ${name} is missing or not float32`);
  return t.data as Float32Array;
}
