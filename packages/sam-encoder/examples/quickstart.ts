import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { boxesToPolygons, type RgbImage, SamPredictor, SamTok } from '@seglang/sam-encoder';
import * as ort from 'onnxruntime-node'; // or: import * as ort from 'onnxruntime-web'

export interface Models {
  sam2: { encoder: string; decoder: string }; // samexporter or transformers.js export
  samtok: { imageEncoder: string; encoder: string; decoder: string; codebook: Uint8Array };
}

export async function quickstart(models: Models, image: RgbImage) {
  // SAM2: encode the image once, then prompt it with points and boxes.
  const sam = await SamPredictor.create({ ort, ...models.sam2 });
  await sam.setImage(image);
  const { masks, scores } = await sam.predict({ points: [[40, 30]], multimask: false });

  // SimpleSeg's annotation step: detector boxes → SAM masks → polygons in [0, 1].
  const polygons = await boxesToPolygons(sam, image, [[10, 10, 50, 40]]);

  // SAMTok: a mask ↔ two mask words.
  const quantizer = ResidualQuantizer.fromSafetensors(models.samtok.codebook);
  const tok = await SamTok.create({ ort, ...models.samtok, quantizer });
  const { codes, words } = await tok.tokenize(image, masks[0]);
  const decoded = await tok.decode(image, words);

  await Promise.all([sam.release(), tok.release()]);
  return { mask: masks[0], score: scores[0], polygons, codes, words, decoded };
}
