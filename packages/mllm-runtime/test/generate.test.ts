import { loadModel, type QwenVlModel, RuntimeError } from '@seglang/mllm-runtime/node';
import { createConstraint, extractLocations } from '@seglang/polygon-grammar';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { loadGolden, qwenFixture, texture } from './helpers';

ortWeb.env.wasm.numThreads = 1;

const image = texture(84, 56);
const imageChat = (img = image) => [
  {
    role: 'user' as const,
    content: [
      { type: 'image' as const, image: img },
      { type: 'text' as const, text: 'Segment the dog.' },
    ],
  },
];
const textChat = [{ role: 'user' as const, content: 'Where is the cat? Answer as a polygon.' }];

let model: QwenVlModel;
beforeAll(async () => {
  model = await loadModel(qwenFixture(), { ort: ortNode });
});
afterAll(() => model.release());

describe('prompt', () => {
  it('renders the chat template and tokenizes exactly as the Python reference', () => {
    for (const c of loadGolden().chatTemplate) {
      const messages = (c.messages as { role: string; content: unknown }[]).map((m) => ({
        ...m,
        content: Array.isArray(m.content)
          ? m.content.map((p: { type: string }) => (p.type === 'image' ? { type: 'image', image } : p))
          : m.content,
      }));
      const text = model.renderChat({ messages: messages as never });
      expect(text).toBe(c.text);
      expect(model.tokenizer.encode(text)).toEqual(c.ids);
    }
  });

  it('expands <|image_pad|> to t·h·w/4 tokens per image', () => {
    const { ids, processed } = model.prepare({ messages: imageChat() });
    expect(processed[0].gridThw).toEqual([1, 4, 6]);
    expect(ids.filter((id) => id === 151655)).toHaveLength(6);
    const start = ids.indexOf(151652);
    expect(ids.slice(start, start + 8)).toEqual([151652, ...Array(6).fill(151655), 151653]);
  });
});

describe('generation', () => {
  it('is deterministic, and reusing the KV cache gives the same tokens as a fresh run', async () => {
    model.clearCache();
    const a = await model.generate({ messages: imageChat(), maxNewTokens: 10 });
    expect(a.usage.cachedTokens).toBe(0);
    const b = await model.generate({ messages: imageChat(), maxNewTokens: 10 });
    expect(b.usage.cachedTokens).toBe(a.usage.promptTokens - 1);
    expect(b.tokenIds).toEqual(a.tokenIds);
    expect(a.tokenIds).toHaveLength(10);
    expect(a.finishReason).toBe('length');
  });

  it('decodes incrementally exactly as a full recompute of the growing sequence', async () => {
    model.clearCache();
    const { ids } = model.prepare({ messages: imageChat() });
    const run = await model.generate({ messages: imageChat(), maxNewTokens: 6 });
    for (let k = 0; k < run.tokenIds.length; k++) {
      model.clearCache();
      const step = await model.generate({
        inputIds: [...rawIds(ids), ...run.tokenIds.slice(0, k)],
        images: [image],
        maxNewTokens: 1,
      });
      expect(step.usage.cachedTokens).toBe(0);
      expect(step.tokenIds[0]).toBe(run.tokenIds[k]);
    }
  });

  it('reuses a shared prefix and recomputes the rest (a different image is not reused)', async () => {
    model.clearCache();
    const first = await model.generate({ messages: imageChat(), maxNewTokens: 4 });
    const other = await model.generate({ messages: imageChat(texture(84, 56, 9)), maxNewTokens: 4 });
    const start = model.prepare({ messages: imageChat() }).ids.indexOf(151655);
    expect(other.usage.cachedTokens).toBe(start);
    expect(other.tokenIds).not.toEqual(first.tokenIds); // the image changes the answer
    model.clearCache();
    const fresh = await model.generate({ messages: imageChat(texture(84, 56, 9)), maxNewTokens: 4 });
    expect(fresh.tokenIds).toEqual(other.tokenIds);
  });

  it('streams token ids and text deltas that add up to the answer', async () => {
    const events: { id?: number; text: string }[] = [];
    const r = await model.generate({ messages: textChat, maxNewTokens: 8, onToken: (e) => events.push(e) });
    expect(events.filter((e) => e.id !== undefined).map((e) => e.id)).toEqual(r.tokenIds);
    expect(events.map((e) => e.text).join('')).toBe(r.text);
    expect(r.text).toBe(model.tokenizer.decode(r.tokenIds, true));
  });

  it('stops at stop ids and stop strings', async () => {
    const r = await model.generate({ messages: textChat, maxNewTokens: 8 });
    const byId = await model.generate({ messages: textChat, maxNewTokens: 8, stopTokenIds: [r.tokenIds[3]] });
    expect(byId.tokenIds).toEqual(r.tokenIds.slice(0, 3));
    expect(byId.finishReason).toBe('eos');
    const piece = model.tokenizer.decode(r.tokenIds.slice(0, 3), true);
    const stop = model.tokenizer.decode([r.tokenIds[3]], true).trim().slice(0, 2);
    fc_assume(stop.length > 0);
    const byText = await model.generate({ messages: textChat, maxNewTokens: 8, stop: [stop] });
    expect(byText.finishReason).toBe('stop');
    expect(byText.text.startsWith(piece)).toBe(true);
    expect(byText.text.includes(stop)).toBe(false);
  });

  it('samples reproducibly with a seed, within top-k', async () => {
    const opts = { messages: textChat, maxNewTokens: 6, temperature: 1, topK: 3, seed: 7 };
    const a = await model.generate(opts);
    const b = await model.generate(opts);
    expect(a.tokenIds).toEqual(b.tokenIds);
    const greedy = await model.generate({ messages: textChat, maxNewTokens: 1 });
    const c = await model.generate({ ...opts, maxNewTokens: 1, topK: 1 });
    expect(c.tokenIds).toEqual(greedy.tokenIds);
  });

  it('with a polygon constraint, answers parse as the requested location', async () => {
    const constraint = createConstraint({
      vocabulary: model.vocabulary(),
      eosTokenIds: model.config.eosTokenIds,
      kind: 'polygon',
      maxPoints: 4,
    });
    const r = await model.generate({ messages: imageChat(), maxNewTokens: 120, constraint });
    expect(r.finishReason).toBe('eos');
    const found = extractLocations(r.text, { mode: 'strict' });
    expect(found).toHaveLength(1);
    expect(found[0].location.kind).toBe('polygon');
    expect(found[0].start).toBe(0);
    expect(found[0].end).toBe(r.text.length);
  });

  it('runs the same on onnxruntime-web (wasm) as on onnxruntime-node', async () => {
    const web = await loadModel(qwenFixture(), { ort: ortWeb });
    try {
      const a = await model.generate({ messages: imageChat(), maxNewTokens: 8 });
      const b = await web.generate({ messages: imageChat(), maxNewTokens: 8 });
      expect(b.tokenIds).toEqual(a.tokenIds);
    } finally {
      await web.release();
    }
  });
});

/** The prompt ids with each image's run of pads collapsed to one (as `inputIds` takes them). */
function rawIds(ids: number[]): number[] {
  return ids.filter((id, i) => id !== 151655 || ids[i - 1] !== 151655);
}

function fc_assume(ok: boolean) {
  if (!ok) throw new Error('fixture assumption failed: pick another stop string');
}

describe('errors', () => {
  it('a prompt longer than the context is CONTEXT_OVERFLOW', async () => {
    const small = await loadModel(qwenFixture({ contextLength: 16 }), { ort: ortNode });
    try {
      await expect(small.generate({ messages: imageChat() })).rejects.toMatchObject({
        code: 'CONTEXT_OVERFLOW',
      });
      await expect(small.generate({ messages: imageChat() })).rejects.toThrow(/context is 16/);
    } finally {
      await small.release();
    }
  });

  it('an image of 1×1 px is INVALID_IMAGE', async () => {
    const tiny = { width: 1, height: 1, data: new Uint8Array(3) };
    await expect(model.generate({ messages: imageChat(tiny) })).rejects.toMatchObject({
      code: 'INVALID_IMAGE',
    });
  });

  it('image tokens and images that differ in number are IMAGE_TOKEN_MISMATCH', async () => {
    const e = await model
      .generate({ prompt: '<|vision_start|><|image_pad|><|vision_end|>hi', images: [] })
      .catch((x) => x);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.code).toBe('IMAGE_TOKEN_MISMATCH');
    expect(e.message).toMatch(/1 <\|image_pad\|> token\(s\) but 0 image/);
  });

  it('bad options are INVALID_ARGUMENT', async () => {
    await expect(model.generate({ messages: textChat, maxNewTokens: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(model.generate({ messages: textChat, topP: 2 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      model.generate({ messages: textChat, temperature: 1, seed: Number.NaN }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'seed must be an integer, got NaN',
    });
    await expect(model.generate({ messages: [] })).rejects.toMatchObject({ code: 'INVALID_PROMPT' });
  });

  it('an aborted signal is ABORTED', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(model.generate({ messages: textChat, signal: ctrl.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
