// Runs in Chromium: loads the fixture model over HTTP (urlFiles) on onnxruntime-web and generates,
// leaving the result (or the error) on window.__seglang for the test to read.
import * as ort from 'onnxruntime-web';
import { QwenVlModel, urlFiles } from '../../src/index';
import { outlineRequest } from '../scenario';

declare global {
  interface Window {
    __seglang?: { tokenIds?: number[]; text?: string; streamed?: string; error?: string };
  }
}

async function main() {
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  ort.env.wasm.numThreads = 1; // no cross-origin isolation here, so no threads
  const model = await QwenVlModel.load({ files: urlFiles(new URL('/model/', location.href).href), ort });
  let streamed = '';
  const r = await model.generate({
    ...outlineRequest(),
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
