/**
 * Cross-check with transformers.js: it loads the same fixture folder from disk (remote models off)
 * and its greedy decoding must give the same token ids as ours. This shows our runtime runs the
 * exports transformers.js runs, with the same image splice, M-RoPE positions and KV cache.
 */
import { basename, dirname } from 'node:path';
import { AutoProcessor, env, Qwen2VLForConditionalGeneration, RawImage } from '@huggingface/transformers';
import { loadModel, type QwenVlModel } from '@seglang/mllm-runtime/node';
import * as ort from 'onnxruntime-node';
import { qwenFixture, texture } from './helpers';

// biome-ignore lint/suspicious/noExplicitAny: transformers.js' model and tensor types are loose
type Any = any;

let ours: QwenVlModel;
let theirs: Any;
let processor: Any;
beforeAll(async () => {
  const dir = qwenFixture();
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir);
  ours = await loadModel(dir, { ort });
  processor = await AutoProcessor.from_pretrained(basename(dir));
  theirs = await Qwen2VLForConditionalGeneration.from_pretrained(basename(dir), { dtype: 'fp32' });
});
afterAll(async () => {
  await ours.release();
  await theirs.dispose();
});

async function theirGreedy(
  prompt: string,
  image: { width: number; height: number; data: Uint8Array } | null,
  n: number,
) {
  const inputs = image
    ? await processor(prompt, new RawImage(image.data, image.width, image.height, 3))
    : await processor(prompt);
  const out = await theirs.generate({ ...inputs, max_new_tokens: n, do_sample: false });
  return { inputs, tokens: Array.from(out.data as BigInt64Array, Number).slice(inputs.input_ids.dims[1]) };
}

/** The Python reference's text-only rope index: positions 0…S−1, decode delta max + 1 − S. */
function pythonTextOnlyRope(this: Any, inputIds: Any, attentionMask: Any) {
  const [pos, deltas] = this.__original(inputIds, attentionMask);
  const S = attentionMask.dims[1];
  const fixed = (deltas.data as BigInt64Array).map((d: bigint) => d - 2n * BigInt(S));
  return [pos, new deltas.constructor('int64', fixed, deltas.dims)];
}

describe('greedy decoding equals transformers.js on the same files', () => {
  it('image prompts: same input ids and the same generated ids', async () => {
    const image = texture(84, 56);
    const messages = [
      {
        role: 'user' as const,
        content: [
          { type: 'image' as const, image },
          { type: 'text' as const, text: 'Segment the dog.' },
        ],
      },
    ];
    ours.clearCache();
    const mine = await ours.generate({ messages, maxNewTokens: 16 });
    const { inputs, tokens } = await theirGreedy(ours.renderChat({ messages }), image, 16);
    expect(Array.from(inputs.input_ids.data as BigInt64Array, Number)).toEqual(
      ours.prepare({ messages }).ids,
    );
    expect(Array.from(inputs.image_grid_thw.data as BigInt64Array, Number)).toEqual([1, 4, 6]);
    expect(tokens.slice(0, mine.tokenIds.length)).toEqual(mine.tokenIds);
    expect(mine.tokenIds.length).toBe(16);
  });

  it('text-only prompts: equal once transformers.js uses the reference decode delta; its own delta diverges', async () => {
    const prompt = ours.renderChat({
      messages: [{ role: 'user', content: 'Where is the cat? Answer as a polygon.' }],
    });
    ours.clearCache();
    const mine = await ours.generate({ prompt, maxNewTokens: 12 });
    const stock = await theirGreedy(prompt, null, 12);
    // transformers.js 4.3 computes the text-only delta as max + 1 + S (the reference: max + 1 − S),
    // so from the second generated token on it feeds other positions, and this fixture notices.
    expect(stock.tokens[0]).toBe(mine.tokenIds[0]);
    expect(stock.tokens).not.toEqual(mine.tokenIds);
    theirs.__original = theirs._get_text_only_rope_index.bind(theirs);
    theirs._get_text_only_rope_index = pythonTextOnlyRope.bind(theirs);
    try {
      const patched = await theirGreedy(prompt, null, 12);
      expect(patched.tokens).toEqual(mine.tokenIds);
    } finally {
      theirs._get_text_only_rope_index = theirs.__original;
    }
  });
});
