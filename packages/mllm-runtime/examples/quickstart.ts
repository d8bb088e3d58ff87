import { loadModel, type RgbImage, Segmenter, servedModel } from '@seglang/mllm-runtime/node';
import { createConstraint } from '@seglang/polygon-grammar';
import * as ort from 'onnxruntime-node';

/** Segments with a SimpleSeg model in-process, then asks the same of a served model. */
export async function quickstart(modelDir: string, image: RgbImage, serverUrl: string) {
  // In-process: the onnx-community export layout, on onnxruntime-node (or -web in the browser).
  const model = await loadModel(modelDir, { ort });
  const streamed: string[] = [];
  const answer = await model.generate({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', image },
          { type: 'text', text: 'Segment the dog. Answer as a polygon.' },
        ],
      },
    ],
    maxNewTokens: 200,
    // Only token sequences that spell a polygon can be generated.
    constraint: createConstraint({
      vocabulary: model.vocabulary(),
      eosTokenIds: model.config.eosTokenIds,
      kind: 'polygon',
    }),
    onToken: ({ text }) => streamed.push(text),
  });

  // The facade: prompt in, geometry out (parsed, rasterised at the image's size, united).
  const local = await new Segmenter({ model, kind: 'simpleseg' }).segment(image, 'Segment the dog.');

  // The same API against vLLM / SGLang's OpenAI-compatible endpoint.
  const served = servedModel({ baseUrl: serverUrl, model: 'simpleseg', timeoutMs: 30_000 });
  // With SimpleSeg's own prompt ("Output the polygon coordinates of the dog in the image."), limits and decoder.
  const remote = await new Segmenter({ model: served, preset: 'simpleseg' }).segment(image, 'the dog');

  await model.release();
  return { answer, streamed, local, remote };
}
