// Runs in Chromium: SAM2 (both export layouts) and SAMTok on onnxruntime-web, models fetched by URL
// from the loopback server; results left on window.__seglang for the test.
import { rle } from '@seglang/contour';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import * as ort from 'onnxruntime-web';
import { SamPredictor, SamTok } from '../../src/index';
import { scenario } from './scenario';

declare global {
  interface Window {
    __seglang?: unknown;
  }
}

async function main() {
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  ort.env.wasm.numThreads = 1;
  const url = (p: string) => new URL(`/sam/${p}`, location.href).href;
  const { image, point, box } = scenario();
  const out: Record<string, unknown> = {};
  for (const [name, encoder, decoder] of [
    ['samexporter', 'samexporter/sam2_encoder.onnx', 'samexporter/sam2_decoder.onnx'],
    [
      'transformers-js',
      'transformers-js/onnx/vision_encoder.onnx',
      'transformers-js/onnx/prompt_encoder_mask_decoder.onnx',
    ],
  ]) {
    const sam = await SamPredictor.create({ ort, encoder: url(encoder), decoder: url(decoder) });
    await sam.setImage(image);
    const p = await sam.predict({ points: [point], multimask: true });
    const b = await sam.predict({ box, multimask: false });
    out[name] = {
      points: p.masks.map((m) => rle.encode(m).counts),
      scores: Array.from(p.scores),
      box: rle.encode(b.masks[0]).counts,
    };
    await sam.release();
  }
  const codebook = new Uint8Array(await (await fetch(url('codebook.safetensors'))).arrayBuffer());
  const tok = await SamTok.create({
    ort,
    imageEncoder: url('samtok/image_encoder.onnx'),
    encoder: url('samtok/samtok_encoder.onnx'),
    decoder: url('samtok/samtok_decoder.onnx'),
    quantizer: ResidualQuantizer.fromSafetensors(codebook),
  });
  const { mask } = scenario();
  const { words, codes } = await tok.tokenize(image, mask);
  out.samtok = { words, codes, decoded: rle.encode(await tok.decode(image, words)).counts };
  await tok.release();
  window.__seglang = out;
}

main().catch((e: unknown) => {
  window.__seglang = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
});
