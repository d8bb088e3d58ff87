// @seglang/mllm-runtime: a SimpleSeg model in-process, its answer streamed and turned into a mask.
import { type RgbImage, Segmenter } from '@seglang/mllm-runtime';
import { loadModel } from '@seglang/mllm-runtime/node';
import * as ort from 'onnxruntime-node';

export async function segmentInProcess(modelDir: string, image: RgbImage, onText: (t: string) => void) {
  // An onnx-community export folder: onnx/{vision_encoder,embed_tokens,decoder_model_merged}.onnx + configs.
  const model = await loadModel(modelDir, { ort }); // dtype: 'q4f16' picks the quantised files
  try {
    // Decoding is constrained to the polygon grammar, so the answer always parses.
    const segmenter = new Segmenter({ model, kind: 'simpleseg', constrain: { maxPoints: 12 } });
    const result = await segmenter.segment(image, 'Please segment the cup.', {
      onToken: (t) => onText(t.text),
      maxNewTokens: 200,
    });
    return result; // { text, locations, repairs, mask, generation }
  } finally {
    await model.release();
  }
}
