// @seglang/sam-encoder: SAM2 prompting and SAMTok mask words on onnxruntime (Node or browser).
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { boxesToPolygons, type RgbImage, SamPredictor, SamTok } from '@seglang/sam-encoder';
import * as ort from 'onnxruntime-node'; // in the browser: import * as ort from 'onnxruntime-web'

export interface SamFiles {
  /** A SAM2 export: samexporter's encoder/decoder, or transformers.js' vision_encoder / prompt_encoder_mask_decoder. */
  sam2: { encoder: string; decoder: string };
  /** What tools/export/samtok_to_onnx.py writes, plus a SAM2 image encoder. */
  samtok: { imageEncoder: string; encoder: string; decoder: string; codebook: Uint8Array };
}

export async function samTour(files: SamFiles, image: RgbImage) {
  const sam = await SamPredictor.create({ ort, ...files.sam2 });
  const tok = await SamTok.create({
    ort,
    ...files.samtok,
    quantizer: ResidualQuantizer.fromSafetensors(files.samtok.codebook),
  });
  try {
    await sam.setImage(image); // the image is encoded once
    const { masks, scores } = await sam.predict({
      points: [[image.width / 2, image.height / 2]],
      multimask: false,
    });
    // SimpleSeg's annotation step: detector boxes → SAM masks → polygons in [0, 1].
    const polygons = await boxesToPolygons(sam, image, [[4, 4, image.width - 4, image.height - 4]]);
    // SAMTok: the mask as two words, and the words back as a mask.
    const { words } = await tok.tokenize(image, masks[0]);
    const decoded = await tok.decode(image, words);
    return { score: scores[0], polygons, words, decoded };
  } finally {
    await Promise.all([sam.release(), tok.release()]);
  }
}
