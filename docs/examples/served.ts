// The same Segmenter over a model served by vLLM or SGLang (OpenAI-compatible API).
import { type RgbImage, Segmenter } from '@seglang/mllm-runtime';
import { servedModel } from '@seglang/mllm-runtime/node';

export async function segmentServed(baseUrl: string, model: string, image: RgbImage) {
  // The image goes as a PNG data URL; the answer streams over server-sent events.
  const served = servedModel({ baseUrl, model, timeoutMs: 60_000, maxRetries: 2 });
  // The SimpleSeg preset: its reference prompt, limits and decoder.
  const segmenter = new Segmenter({ model: served, preset: 'simpleseg' });
  const result = await segmenter.segment(image, 'the cup');
  if (result.kind !== 'simpleseg') throw new Error('expected a SimpleSeg answer');
  const { text, locations, mask } = result;
  return { text, kinds: locations.map((l) => l.kind), area: mask.data.reduce((a, b) => a + b, 0) };
}
