import { type Mask, maskBbox } from '@seglang/contour';
import {
  formatMaskWords,
  MISSING_CODE,
  parseMaskWords,
  type ResidualQuantizer,
  RqError,
} from '@seglang/rq-tokenizer';
import ndarray from 'ndarray';
import type { InferenceSession } from 'onnxruntime-common';
import { ImageEncoder, type ImageFeatures } from './encoder';
import { SamError } from './errors';
import {
  checkImage,
  checkMaskData,
  logitsToMask,
  maskToPrompt,
  type RgbImage,
  SAM_IMAGE_SIZE,
  SAM_MASK_SIZE,
} from './image';
import { SAMTOK, type SamLayout } from './layouts';
import { checkLayout, floats, type ModelSource, type Ort, openSession, run } from './ort';

export interface SamTokOptions {
  ort: Ort;
  /** `samtok_encoder.onnx`: image features + mask prompt + box → `mask_embedding` [B, 256]. */
  encoder: ModelSource;
  /** `samtok_decoder.onnx`: image features + summed codewords → `masks`, `iou_predictions`. */
  decoder: ModelSource;
  /** The SAM2 image encoder (samexporter or transformers.js layout, detected). */
  imageEncoder: ModelSource;
  /** The residual codebooks (`@seglang/rq-tokenizer`); SAMTok: 2 levels × 256 codes × 256 dims. */
  quantizer: ResidualQuantizer;
  imageLayout?: SamLayout;
  sessionOptions?: InferenceSession.SessionOptions;
}

/** The logit threshold of SAMTok's reference decoder (SAM2 itself uses 0). */
export const SAMTOK_MASK_THRESHOLD = 0.5;

/**
 * SAMTok: a mask on an image ↔ two mask words. Encodes a mask to a 256-d embedding, quantises it
 * to residual codes, writes them as mask words, and decodes codes or words back to a mask.
 * The image features are computed once per image and reused while the same image is passed.
 *
 * @example
 * const tok = await SamTok.create({ ort, encoder, decoder, imageEncoder, quantizer });
 * const { words } = await tok.tokenize(image, mask);   // '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>'
 * const back = await tok.decode(image, words);          // a Mask at the image's size
 */
export class SamTok {
  private cache?: { data: Uint8Array; width: number; height: number; features: ImageFeatures };

  private constructor(
    private readonly ort: Ort,
    private readonly image: ImageEncoder,
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
    readonly quantizer: ResidualQuantizer,
  ) {}

  /**
   * @throws SamError `MODEL_NOT_FOUND` / `MODEL_LOAD_FAILED`, `LAYOUT_MISMATCH` for graphs that do not
   * follow the contract, `INVALID_ARGUMENT` for a quantiser whose dimension is not 256.
   */
  static async create(options: SamTokOptions): Promise<SamTok> {
    const { ort, quantizer, sessionOptions } = options;
    if (!quantizer || typeof quantizer.encode !== 'function')
      throw new SamError(
        'INVALID_ARGUMENT',
        'quantizer must be a ResidualQuantizer from @seglang/rq-tokenizer',
      );
    if (quantizer.dim !== 256)
      throw new SamError(
        'INVALID_ARGUMENT',
        `the quantizer's dimension is ${quantizer.dim}; SAMTok embeddings have 256`,
      );
    const [img, enc, dec] = await Promise.all([
      openSession(ort, options.imageEncoder, 'image encoder', sessionOptions),
      openSession(ort, options.encoder, 'SAMTok encoder', sessionOptions),
      openSession(ort, options.decoder, 'SAMTok decoder', sessionOptions),
    ]);
    const image = ImageEncoder.open(ort, img, options.imageLayout, 'image encoder');
    checkLayout(enc, SAMTOK.encoder, 'SAMTok encoder');
    checkLayout(dec, SAMTOK.decoder, 'SAMTok decoder');
    return new SamTok(ort, image, enc, dec, quantizer);
  }

  /** The image's SAM2 features, computed once and reused while the same image (same buffer) is passed. */
  async embedImage(image: RgbImage): Promise<ImageFeatures> {
    checkImage(image);
    const c = this.cache;
    if (c && c.data === image.data && c.width === image.width && c.height === image.height) return c.features;
    const features = await this.image.embed(image);
    this.cache = { data: image.data, width: image.width, height: image.height, features };
    return features;
  }

  /**
   * The continuous mask embedding `z` (256 values) of `mask` on `image`.
   * @throws SamError `INVALID_MASK` for an empty mask or one whose size differs from the image's.
   */
  async encode(image: RgbImage, mask: Mask): Promise<Float32Array> {
    checkImage(image);
    checkMask(mask, image);
    const box = maskBbox(mask);
    if (box[2] === 0)
      throw new SamError('INVALID_MASK', 'mask is empty; SAMTok needs a region (and its box) to encode');
    const f = await this.embedImage(image);
    const sx = SAM_IMAGE_SIZE / image.width;
    const sy = SAM_IMAGE_SIZE / image.height;
    // torchvision masks_to_boxes: [x_min, y_min, x_max, y_max] with the max pixel indices inclusive.
    const [x, y, w, h] = box;
    const scaled = Float32Array.of(x * sx, y * sy, (x + w - 1) * sx, (y + h - 1) * sy);
    const T = this.ort.Tensor;
    const out = await run(
      this.encoder,
      {
        high_res_feats_0: f.high_res_feats_0,
        high_res_feats_1: f.high_res_feats_1,
        image_embed: f.image_embed,
        mask_input: new T('float32', maskToPrompt(mask), [1, 1, SAM_MASK_SIZE, SAM_MASK_SIZE]),
        boxes: new T('float32', scaled, [1, 4]),
      },
      'SAMTok encoder',
    );
    return Float32Array.from(floats(out.mask_embedding, 'mask_embedding').subarray(0, 256));
  }

  /** The mask's residual codes (one per level) and its mask words. */
  async tokenize(image: RgbImage, mask: Mask): Promise<{ codes: number[]; words: string }> {
    const z = await this.encode(image, mask);
    const codes = Array.from(this.quantizer.encode(z, 1));
    const { codebookSize, levels } = this.quantizer;
    return { codes, words: formatMaskWords(codes, { codebookSize, levels }) };
  }

  /**
   * Decodes codes (one per level; −1 leaves a level out) or text holding exactly one mask written as
   * mask words (malformed groups are repaired as the reference does) to a mask at the image's size:
   * the best of the decoder's three masks by predicted IoU, logits resized bilinearly, `> 0.5`.
   * @throws SamError `INVALID_CODES` for codes out of range or text without exactly one mask.
   */
  async decode(image: RgbImage, codesOrWords: number[] | string): Promise<Mask> {
    checkImage(image);
    const codes = this.codesOf(codesOrWords);
    let z: Float32Array;
    try {
      z = this.quantizer.decode(codes, 1);
    } catch (e) {
      if (e instanceof RqError) throw new SamError('INVALID_CODES', e.message, { cause: e });
      throw e;
    }
    const f = await this.embedImage(image);
    const out = await run(
      this.decoder,
      {
        high_res_feats_0: f.high_res_feats_0,
        high_res_feats_1: f.high_res_feats_1,
        image_embed: f.image_embed,
        mask_embedding: new this.ort.Tensor('float32', z, [1, 256]),
      },
      'SAMTok decoder',
    );
    const scores = Array.from(floats(out.iou_predictions, 'iou_predictions').subarray(0, 3));
    const best = scores.indexOf(Math.max(...scores));
    const logits = ndarray(floats(out.masks, 'masks'), [3, SAM_MASK_SIZE, SAM_MASK_SIZE]);
    return logitsToMask(logits.pick(best, null, null), image.width, image.height, SAMTOK_MASK_THRESHOLD);
  }

  private codesOf(input: number[] | string): number[] {
    const { codebookSize, levels } = this.quantizer;
    if (typeof input === 'string') {
      let found: ReturnType<typeof parseMaskWords>;
      try {
        found = parseMaskWords(input, { codebookSize, levels });
      } catch (e) {
        if (e instanceof RqError) throw new SamError('INVALID_CODES', e.message, { cause: e });
        throw e;
      }
      if (found.length !== 1)
        throw new SamError('INVALID_CODES', `expected exactly one mask in the text, found ${found.length}`);
      const codes = found[0].codes;
      return [...codes, ...Array<number>(levels - codes.length).fill(MISSING_CODE)];
    }
    if (!Array.isArray(input) || input.length !== levels)
      throw new SamError(
        'INVALID_CODES',
        `codes must be an array of ${levels} codes, got ${JSON.stringify(input)}`,
      );
    return input;
  }

  /** Releases the three sessions. */
  async release(): Promise<void> {
    this.cache = undefined;
    await Promise.all([this.image.session.release(), this.encoder.release(), this.decoder.release()]);
  }
}

function checkMask(mask: Mask, image: RgbImage): void {
  checkMaskData(mask);
  if (mask.width !== image.width || mask.height !== image.height)
    throw new SamError(
      'INVALID_MASK',
      `mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}`,
    );
}
