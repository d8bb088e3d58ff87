// Runs in Chromium: the browser test's scenario on onnxruntime-web, the models fetched by URL from
// the loopback server; the result (or the error) is left on window.__seglang for the test.
import * as ort from 'onnxruntime-web';
import { runScenario } from './scenario';

declare global {
  interface Window {
    __seglang?: unknown;
  }
}

async function main() {
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  ort.env.wasm.numThreads = 1;
  const url = (p: string) => new URL(`/sam/${p}`, location.href).href;
  window.__seglang = await runScenario(ort, {
    sam2: [
      {
        name: 'samexporter',
        encoder: url('samexporter/sam2_encoder.onnx'),
        decoder: url('samexporter/sam2_decoder.onnx'),
      },
      {
        name: 'transformers-js',
        encoder: url('transformers-js/onnx/vision_encoder.onnx'),
        decoder: url('transformers-js/onnx/prompt_encoder_mask_decoder.onnx'),
      },
    ],
    samtok: {
      imageEncoder: url('samtok/image_encoder.onnx'),
      encoder: url('samtok/samtok_encoder.onnx'),
      decoder: url('samtok/samtok_decoder.onnx'),
      codebook: new Uint8Array(await (await fetch(url('codebook.safetensors'))).arrayBuffer()),
    },
  });
}

main().catch((e: unknown) => {
  window.__seglang = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
});
