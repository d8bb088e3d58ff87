// Checking an exported model folder before use: which files it has and what its config says.
import { loadModel } from '@seglang/mllm-runtime/node';
import * as ort from 'onnxruntime-node';

export async function inspectExport(modelDir: string) {
  const model = await loadModel(modelDir, { ort }); // fails with MODEL_NOT_FOUND naming a missing file
  try {
    const { numLayers, imageTokenId, eosTokenIds } = model.config;
    // A one-token smoke test: the export runs end to end.
    const { text } = await model.generate({ prompt: 'Hello', maxNewTokens: 1 });
    return { numLayers, imageTokenId, eosTokenIds, smoke: text };
  } finally {
    await model.release();
  }
}
