import type { Ort } from '@seglang/sam-encoder';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { RuntimeError } from './errors';
import type { ModelFiles } from './files';
import type { ModelConfig } from './load';

/**
 * The ONNX sessions of the onnx-community / transformers.js Qwen-VL export: which files, which
 * input and output names each graph must declare, opening them on the `ort` passed in, running them
 * with named errors, and the key-value cache tensors they exchange.
 */

/** The three sessions of the onnx-community / transformers.js export. */
export type SessionName = 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged';

/** ONNX file suffixes of the onnx-community exports, by dtype. */
export const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  quantized: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/**
 * The export layout: each session's file stem, whether a folder must have it, and the names its graph
 * declares. The decoder's key-value names (`past_key_values.{l}.key|value` in, `present.{l}.…` out)
 * come from the config's layer count, checked against the graph first.
 */
export const QWEN_VL_LAYOUT: Record<
  SessionName,
  { required: boolean; inputs: readonly string[]; outputs: readonly string[] }
> = {
  embed_tokens: { required: true, inputs: ['input_ids'], outputs: ['inputs_embeds'] },
  decoder_model_merged: { required: true, inputs: ['inputs_embeds', 'attention_mask'], outputs: ['logits'] },
  // The grid input is `grid_thw` in some exports, `image_grid_thw` in others.
  vision_encoder: { required: false, inputs: ['pixel_values'], outputs: ['image_features'] },
};

/** The key-value inputs and outputs of a decoder with `numLayers` layers. */
export function cacheNames(numLayers: number): { past: string[]; present: string[] } {
  const past: string[] = [];
  const present: string[] = [];
  for (let l = 0; l < numLayers; l++)
    for (const t of ['key', 'value']) {
      past.push(`past_key_values.${l}.${t}`);
      present.push(`present.${l}.${t}`);
    }
  return { past, present };
}

export interface QwenVlSessions {
  vision?: InferenceSession;
  embed: InferenceSession;
  decoder: InferenceSession;
  /** The vision encoder's grid input name (`grid_thw` or `image_grid_thw`). */
  gridName?: string;
}

/** The ONNX file of a session for the dtype asked (`fp32` default), e.g. `onnx/decoder_model_merged_q4f16.onnx`. */
export function sessionFile(
  session: SessionName,
  dtype?: string | Partial<Record<SessionName, string>>,
): string {
  const d = typeof dtype === 'object' ? dtype[session] : dtype;
  const suffix = DTYPE_SUFFIX[d ?? 'fp32'];
  if (suffix === undefined)
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      `dtype ${String(d)} for ${session} is not one of ${Object.keys(DTYPE_SUFFIX).join(', ')}`,
    );
  return `onnx/${session}${suffix}.onnx`;
}

/**
 * Opens the three sessions and checks each graph against the layout.
 * @throws RuntimeError `MODEL_NOT_FOUND`, `MODEL_LOAD_FAILED`, `LAYOUT_MISMATCH`.
 */
export async function openSessions(
  ort: Ort,
  files: ModelFiles,
  config: ModelConfig,
  options: {
    dtype?: string | Partial<Record<SessionName, string>>;
    sessionOptions?: InferenceSession.SessionOptions;
  },
): Promise<QwenVlSessions> {
  const open = async (s: SessionName): Promise<InferenceSession | undefined> => {
    const name = sessionFile(s, options.dtype);
    const file = await files.onnx(name);
    if (!file) {
      if (!QWEN_VL_LAYOUT[s].required) return undefined;
      throw new RuntimeError('MODEL_NOT_FOUND', `the model folder ${files.location} is missing ${name}`);
    }
    try {
      const opts = {
        ...options.sessionOptions,
        ...(file.externalData ? { externalData: file.externalData } : {}),
      };
      return typeof file.model === 'string'
        ? await ort.InferenceSession.create(file.model, opts)
        : await ort.InferenceSession.create(file.model, opts);
    } catch (cause) {
      throw new RuntimeError(
        'MODEL_LOAD_FAILED',
        `cannot load ${name} from ${files.location}: ${((cause as Error).message ?? String(cause)).split('\n')[0]}`,
        { cause },
      );
    }
  };
  const embed = (await open('embed_tokens')) as InferenceSession;
  const decoder = (await open('decoder_model_merged')) as InferenceSession;
  const vision = await open('vision_encoder');
  const check = (session: InferenceSession, s: SessionName, inputs: string[] = [], outputs: string[] = []) =>
    expectNames(
      session,
      sessionFile(s, options.dtype),
      [...QWEN_VL_LAYOUT[s].inputs, ...inputs],
      [...QWEN_VL_LAYOUT[s].outputs, ...outputs],
    );
  check(embed, 'embed_tokens');
  check(decoder, 'decoder_model_merged');
  // The graph's own key-value inputs before any name is built from the config: their count must be
  // the config's layer count.
  const graphLayers = decoder.inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  if (graphLayers !== config.numLayers)
    throw new RuntimeError(
      'LAYOUT_MISMATCH',
      `config.json says num_hidden_layers ${config.numLayers}, but ${sessionFile('decoder_model_merged', options.dtype)} has key-value inputs for ${graphLayers} layers`,
    );
  const { past, present } = cacheNames(config.numLayers);
  check(decoder, 'decoder_model_merged', past, present);
  let gridName: string | undefined;
  if (vision) {
    gridName = ['grid_thw', 'image_grid_thw'].find((n) => vision.inputNames.includes(n));
    check(vision, 'vision_encoder', [gridName ?? 'image_grid_thw']);
  }
  return { vision, embed, decoder, gridName };
}

export function expectNames(
  session: InferenceSession,
  file: string,
  inputs: string[],
  outputs: string[],
): void {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length === 0 && missingOut.length === 0) return;
  throw new RuntimeError(
    'LAYOUT_MISMATCH',
    `${file} does not follow the Qwen-VL export layout: ` +
      [
        missingIn.length ? `missing inputs ${missingIn.join(', ')}` : '',
        missingOut.length ? `missing outputs ${missingOut.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') +
      `. It declares inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}.`,
  );
}

/** Runs a session on the feeds it declares; a failure is `RUNTIME_ERROR` naming the session. */
export async function runSession(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  what: string,
): Promise<Record<string, Tensor>> {
  const picked: Record<string, Tensor> = {};
  for (const n of session.inputNames) if (feeds[n]) picked[n] = feeds[n];
  try {
    return (await session.run(picked)) as Record<string, Tensor>;
  } catch (cause) {
    throw new RuntimeError(
      'RUNTIME_ERROR',
      `${what} failed: ${((cause as Error).message ?? String(cause)).split('\n')[0]}`,
      {
        cause,
      },
    );
  }
}

/** An empty cache: `[1, kvHeads, 0, headDim]` for every key-value input. */
export function emptyCache(ort: Ort, config: ModelConfig): Record<string, Tensor> {
  const past: Record<string, Tensor> = {};
  for (const name of cacheNames(config.numLayers).past)
    past[name] = new ort.Tensor('float32', new Float32Array(0), [
      1,
      config.numKeyValueHeads,
      0,
      config.headDim,
    ]);
  return past;
}

/** The first `n` positions of every `[1, H, P, D]` cache tensor. */
export function sliceCache(ort: Ort, past: Record<string, Tensor>, n: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(past)) {
    const [b, h, p, d] = t.dims;
    const src = t.data as Float32Array;
    const dst = new Float32Array(b * h * n * d);
    for (let i = 0; i < b * h; i++) dst.set(src.subarray(i * p * d, i * p * d + n * d), i * n * d);
    out[name] = new ort.Tensor('float32', dst, [b, h, n, d]);
  }
  return out;
}
