import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CocoRle, maskArea, rle } from '@seglang/contour';
import {
  loadModel,
  RuntimeError,
  type SamTokResult,
  Segmenter,
  type SegmenterPreset,
  type SimpleSegResult,
  servedModel,
  type TextGenerator,
} from '@seglang/mllm-runtime/node';
import type { DecodeMode } from '@seglang/polygon-grammar';
import { ResidualQuantizer, RqError } from '@seglang/rq-tokenizer';
import { SamError, SamTok } from '@seglang/sam-encoder';
import { InputError } from './images';

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/**
 * onnxruntime-node, loaded when a model runs in-process (288 MB installed: an optional peer, so that
 * the text commands and served models need none of it).
 * @throws InputError saying how to install it.
 */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch(() => {
    ortModule = undefined;
    throw new InputError(
      'onnxruntime-node is not installed: npm i onnxruntime-node (it runs models in-process; a served model needs none)',
    );
  });
  return ortModule;
}

/** Errors of the model packages are the user's to fix (a path, a file, a server): one line, exit 1. */
export function asInputError(err: unknown): never {
  if (err instanceof RuntimeError || err instanceof SamError || err instanceof RqError)
    throw new InputError(err.message);
  throw err;
}

export interface ModelOptions {
  /** Served model name (`--served-model-name`); default: the first the server lists at /models. */
  servedModel?: string;
  apiKey?: string;
  dtype?: string;
  timeoutMs?: number;
}

/**
 * `--model`: an onnx-community model folder (run in-process on onnxruntime-node) or the base URL of
 * an OpenAI-compatible server (vLLM, SGLang), e.g. `http://localhost:8000/v1`.
 */
export async function openModel(spec: string, o: ModelOptions = {}): Promise<TextGenerator> {
  try {
    if (/^https?:\/\//.test(spec)) {
      const baseUrl = spec.replace(/\/+$/, '');
      const model = o.servedModel ?? (await firstServedModel(baseUrl, o.apiKey));
      return servedModel({ baseUrl, model, apiKey: o.apiKey, timeoutMs: o.timeoutMs });
    }
    if (!existsSync(spec)) throw new InputError(`model folder ${spec} does not exist`);
    return await loadModel(spec, { ort: await loadOrt(), ...(o.dtype ? { dtype: o.dtype as never } : {}) });
  } catch (err) {
    return asInputError(err);
  }
}

async function firstServedModel(baseUrl: string, apiKey?: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new InputError(`cannot reach ${baseUrl}/models: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as { data?: { id?: unknown }[] } | undefined;
  const id = body?.data?.[0]?.id;
  if (!res.ok || typeof id !== 'string')
    throw new InputError(
      `${baseUrl}/models did not list a model (HTTP ${res.status}); name it with --served-model`,
    );
  return id;
}

/** Files of a SAMTok model folder, as `tools/export/samtok_to_onnx.py` writes it plus a SAM2 image encoder. */
export const SAMTOK_FILES = {
  encoder: 'samtok_encoder.onnx',
  decoder: 'samtok_decoder.onnx',
  codebook: 'codebook.safetensors',
  imageEncoder: ['image_encoder.onnx', 'sam2_encoder.onnx', 'onnx/vision_encoder.onnx'],
} as const;

/** Opens a SAMTok folder: `samtok_encoder.onnx`, `samtok_decoder.onnx`, `codebook.safetensors` and a SAM2 image encoder. */
export async function openSamTok(dir: string): Promise<SamTok> {
  if (!existsSync(dir)) throw new InputError(`SAMTok folder ${dir} does not exist`);
  const need = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new InputError(`the SAMTok folder ${dir} is missing ${name}`);
    return path;
  };
  const imageEncoder = SAMTOK_FILES.imageEncoder.map((f) => join(dir, f)).find((p) => existsSync(p));
  if (!imageEncoder)
    throw new InputError(
      `the SAMTok folder ${dir} is missing a SAM2 image encoder (${SAMTOK_FILES.imageEncoder.join(' or ')})`,
    );
  const encoder = need(SAMTOK_FILES.encoder);
  const decoder = need(SAMTOK_FILES.decoder);
  try {
    const quantizer = ResidualQuantizer.fromSafetensors(readFileSync(need(SAMTOK_FILES.codebook)));
    return await SamTok.create({ ort: await loadOrt(), imageEncoder, encoder, decoder, quantizer });
  } catch (err) {
    return asInputError(err);
  }
}

export interface SegmentOptions extends ModelOptions {
  samtok?: string;
  preset?: SegmenterPreset;
  decoder?: DecodeMode;
  maxTokens?: number;
  maxPoints?: number;
  /** false: never constrain; undefined: the preset's choice (none), else constrain in-process. */
  constrain?: boolean;
}

/** What `segment` prints with `--json` and writes per job with `--batch`. */
export interface SegmentRecord {
  text: string;
  kind: 'simpleseg' | 'samtok';
  locations?: SimpleSegResult['locations'];
  maskWords?: { codes: number[]; repaired: boolean }[];
  width: number;
  height: number;
  area: number;
  rle: CocoRle;
  finishReason: string;
  tokens: { prompt: number; completion: number };
}

export function record(r: SimpleSegResult | SamTokResult): SegmentRecord {
  const g = r.generation;
  return {
    text: r.text,
    kind: r.kind,
    ...(r.kind === 'simpleseg'
      ? { locations: r.locations }
      : { maskWords: r.maskWords.map((w) => ({ codes: w.codes, repaired: w.repaired })) }),
    width: r.mask.width,
    height: r.mask.height,
    area: maskArea(r.mask),
    rle: rle.encode(r.mask),
    finishReason: g.finishReason,
    tokens: { prompt: g.usage.promptTokens, completion: g.usage.completionTokens },
  };
}

/** A Segmenter over `--model` (and `--samtok` for SAMTok models), with the CLI's generation options. */
export async function openSegmenter(
  spec: string,
  o: SegmentOptions,
): Promise<{ segmenter: Segmenter; release: () => Promise<void> }> {
  const model = await openModel(spec, o);
  let samtok: SamTok | undefined;
  try {
    samtok = o.samtok ? await openSamTok(o.samtok) : undefined;
  } catch (err) {
    await model.release();
    throw err;
  }
  const segmenter = new Segmenter({
    model,
    ...(o.preset ? { preset: o.preset } : { kind: samtok ? 'samtok' : 'simpleseg' }),
    samtok,
    ...(o.decoder ? { decode: o.decoder } : {}),
    ...(o.constrain === false
      ? { constrain: false }
      : o.maxPoints
        ? { constrain: { maxPoints: o.maxPoints } }
        : o.preset
          ? {}
          : { constrain: true }),
    ...(o.maxTokens !== undefined ? { generation: { maxNewTokens: o.maxTokens } } : {}),
  });
  return {
    segmenter,
    release: async () => {
      await Promise.all([model.release(), samtok?.release()]);
    },
  };
}
