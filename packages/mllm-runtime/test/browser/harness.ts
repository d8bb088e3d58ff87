// Runs in Chromium: loads the fixture model over HTTP (urlFiles) on onnxruntime-web and generates,
// leaving the result (or the error) on window.__seglang for the test to read.
import * as ort from 'onnxruntime-web';
import { QwenVlModel, urlFiles } from '../../src/index';

declare global {
  interface Window {
    __seglang?: { tokenIds?: number[]; text?: string; streamed?: string; error?: string };
  }
}

function texture(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3 + seed) & 255;
      data[i + 1] = (x * y + 5 * seed) & 255;
      data[i + 2] = (255 - x * 2 + 11 * seed) & 255;
    }
  return { data, width, height };
}

async function main() {
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  ort.env.wasm.numThreads = 1; // no cross-origin isolation here, so no threads
  const model = await QwenVlModel.load({ files: urlFiles(new URL('/model/', location.href).href), ort });
  let streamed = '';
  const r = await model.generate({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', image: texture(64, 56, 3) },
          { type: 'text', text: 'Outline the dog.' },
        ],
      },
    ],
    maxNewTokens: 8,
    onToken: (t) => {
      streamed += t.text;
    },
  });
  await model.release();
  window.__seglang = { tokenIds: r.tokenIds, text: r.text, streamed };
}

main().catch((e: unknown) => {
  window.__seglang = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
});
