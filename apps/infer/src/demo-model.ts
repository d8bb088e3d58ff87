import { join } from 'node:path';
import { maskArea } from '@seglang/contour';
import { loadModel, Segmenter } from '@seglang/mllm-runtime/node';
import { canvas, qwen3TokenizerFolder } from './commands';
import { writeRgbPng } from './images';
import { loadOrt } from './models';
import { drawOverlay } from './overlay';

export interface DemoModelResult {
  model: string;
  prompt: string;
  text: string;
  vertices: number;
  area: number;
  promptTokens: number;
  completionTokens: number;
  decodeTokensPerSecond: number;
  overlay: string;
}

/**
 * The model path of the demo: writes the tiny random-weight Qwen2-VL fixture (from the repository's
 * private `@seglang/testing`), runs it in-process on onnxruntime-node with the polygon grammar as
 * constraint, and draws the answer. Returns why it was skipped instead outside the repository, where
 * that package is not installed, or without onnxruntime-node.
 */
export async function demoModel(
  outDir: string,
  onText: (delta: string) => void,
): Promise<DemoModelResult | string> {
  let testing: typeof import('@seglang/testing');
  try {
    testing = await import('@seglang/testing');
  } catch {
    return 'the fixture generator @seglang/testing ships only with the seglang repository';
  }
  let ort: Awaited<ReturnType<typeof loadOrt>>;
  try {
    ort = await loadOrt();
  } catch (e) {
    return (e as Error).message;
  }
  const dir = testing.writeQwenVlFixture(join(outDir, 'fixture-model'), {
    tokenizerDir: qwen3TokenizerFolder(),
  });
  const model = await loadModel(dir, { ort });
  try {
    const segmenter = new Segmenter({
      model,
      kind: 'simpleseg',
      constrain: { kind: 'polygon', minPoints: 3, maxPoints: 8 },
      generation: { maxNewTokens: 256 },
    });
    const image = canvas(160, 120);
    const prompt = 'Please segment the object in this image.';
    const r = await segmenter.segment(image, prompt, { onToken: (t) => onText(t.text) });
    if (r.kind !== 'simpleseg') throw new Error('expected a SimpleSeg answer');
    const overlay = join(outDir, 'fixture-model-answer.png');
    writeRgbPng(overlay, drawOverlay(image, r.mask));
    const g = r.generation;
    return {
      model: dir,
      prompt,
      text: r.text,
      vertices: r.locations.reduce((n, l) => n + (l.kind === 'polygon' ? l.points.length : 0), 0),
      area: maskArea(r.mask),
      promptTokens: g.usage.promptTokens,
      completionTokens: g.usage.completionTokens,
      decodeTokensPerSecond:
        g.timings.decodeMs > 0 ? (1000 * g.usage.completionTokens) / g.timings.decodeMs : 0,
      overlay,
    };
  } finally {
    await model.release();
  }
}
