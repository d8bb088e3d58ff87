import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { SamError } from './errors';
import { checkImage, preprocessImage, type RgbImage, SAM_IMAGE_SIZE } from './image';
import { LAYOUTS, type SamLayout } from './layouts';
import { checkLayout, checkSession, type Ort, run } from './ort';

/** The three SAM2 image features of one image, under the samexporter names. */
export interface ImageFeatures {
  width: number;
  height: number;
  high_res_feats_0: Tensor;
  high_res_feats_1: Tensor;
  image_embed: Tensor;
}

/** The layout an image-encoder session follows, from its input name. */
export function detectLayout(session: InferenceSession, what: string): SamLayout {
  checkSession(session, what);
  if (session.inputNames.includes('image')) return 'samexporter';
  if (session.inputNames.includes('pixel_values')) return 'transformers-js';
  throw new SamError(
    'LAYOUT_MISMATCH',
    `${what} has inputs [${session.inputNames.join(', ')}]; expected "image" (samexporter) or "pixel_values" (transformers.js)`,
  );
}

/** Runs a SAM2 image encoder of either layout. */
export class ImageEncoder {
  private constructor(
    private readonly ort: Ort,
    readonly session: InferenceSession,
    readonly layout: SamLayout,
  ) {}

  static open(
    ort: Ort,
    session: InferenceSession,
    layout: SamLayout | undefined,
    what: string,
  ): ImageEncoder {
    const l = layout ?? detectLayout(session, what);
    if (!(l in LAYOUTS)) throw new SamError('INVALID_ARGUMENT', `unknown layout "${String(l)}"`);
    checkLayout(session, LAYOUTS[l].encoder, `${what} (${l} layout)`);
    return new ImageEncoder(ort, session, l);
  }

  /** Preprocesses `image` and runs the encoder: the features every prompt on this image reuses. */
  async embed(image: RgbImage): Promise<ImageFeatures> {
    checkImage(image);
    const pixels = preprocessImage(image);
    const input = new this.ort.Tensor('float32', pixels, [1, 3, SAM_IMAGE_SIZE, SAM_IMAGE_SIZE]);
    const { width, height } = image;
    if (this.layout === 'samexporter') {
      const out = await run(this.session, { image: input }, 'image encoder');
      return {
        width,
        height,
        high_res_feats_0: out.high_res_feats_0,
        high_res_feats_1: out.high_res_feats_1,
        image_embed: out.image_embed,
      };
    }
    const out = await run(this.session, { pixel_values: input }, 'image encoder');
    return {
      width,
      height,
      high_res_feats_0: out['image_embeddings.0'],
      high_res_feats_1: out['image_embeddings.1'],
      image_embed: out['image_embeddings.2'],
    };
  }
}
