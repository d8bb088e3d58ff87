// The browser test's scenario, with no Node imports: the Node test and the page run the same code,
// each on its own runtime and model sources, and their results are compared.
import { type Mask, rle } from '@seglang/contour';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { type ModelSource, type Ort, type RgbImage, SamPredictor, SamTok } from '../../src/index';

/** A deterministic textured image. */
export function texture(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3) & 255;
      data[i + 1] = (x * y) & 255;
      data[i + 2] = (255 - x * 2) & 255;
    }
  return { data, width, height };
}

export interface ScenarioSources {
  sam2: { name: string; encoder: ModelSource; decoder: ModelSource }[];
  samtok: { imageEncoder: ModelSource; encoder: ModelSource; decoder: ModelSource; codebook: Uint8Array };
}

export interface ScenarioResult {
  [layout: string]: { points: string[]; scores: number[]; box: string } | ScenarioSamTok;
}
interface ScenarioSamTok {
  words: string;
  codes: number[];
  decoded: string;
}

/**
 * On a textured 96×72 image: each SAM2 layout prompted with a point (3 masks) and a box, and SAMTok
 * tokenising a rectangular mask and decoding its words. Masks as COCO RLE strings.
 */
export async function runScenario(ort: Ort, sources: ScenarioSources): Promise<ScenarioResult> {
  const image = texture(96, 72);
  const mask: Mask = { width: 96, height: 72, data: new Uint8Array(96 * 72) };
  for (let y = 20; y < 50; y++) for (let x = 30; x < 70; x++) mask.data[y * 96 + x] = 1;
  const out: ScenarioResult = {};
  for (const { name, encoder, decoder } of sources.sam2) {
    const sam = await SamPredictor.create({ ort, encoder, decoder });
    try {
      await sam.setImage(image);
      const p = await sam.predict({ points: [[40, 30]], multimask: true });
      const b = await sam.predict({ box: [20, 10, 70, 60], multimask: false });
      out[name] = {
        points: p.masks.map((m) => rle.encode(m).counts),
        scores: Array.from(p.scores),
        box: rle.encode(b.masks[0]).counts,
      };
    } finally {
      await sam.release();
    }
  }
  const { codebook, ...graphs } = sources.samtok;
  const tok = await SamTok.create({ ort, ...graphs, quantizer: ResidualQuantizer.fromSafetensors(codebook) });
  try {
    const { words, codes } = await tok.tokenize(image, mask);
    out.samtok = { words, codes, decoded: rle.encode(await tok.decode(image, words)).counts };
  } finally {
    await tok.release();
  }
  return out;
}
