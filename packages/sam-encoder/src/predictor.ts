import type { Mask, Point } from '@seglang/contour';
import ndarray from 'ndarray';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { ImageEncoder, type ImageFeatures } from './encoder';
import { SamError } from './errors';
import { logitsToMask, type RgbImage, SAM_MASK_SIZE } from './image';
import { LAYOUTS, type SamLayout } from './layouts';
import { checkLayout, floats, type ModelSource, type Ort, openSession, run } from './ort';
import { type Box, type ScaledPrompt, scalePrompt } from './prompts';

export interface SamPredictorOptions {
  /** `import * as ort from 'onnxruntime-node'` or `'onnxruntime-web'`. */
  ort: Ort;
  /** The image encoder: a path, a URL or the model's bytes. */
  encoder: ModelSource;
  /** The prompt + mask decoder. */
  decoder: ModelSource;
  /** The export's layout; detected from the encoder's input name when left out. */
  layout?: SamLayout;
  sessionOptions?: InferenceSession.SessionOptions;
}

export interface SamPrompt {
  /** Points in image pixels. */
  points?: Point[];
  /** One per point: 1 foreground (default), 0 background. */
  labels?: number[];
  /** A box `[x0, y0, x1, y1]` in image pixels. */
  box?: Box;
  /** Low-resolution logits (256×256) from an earlier prediction, to refine it (samexporter layout only). */
  maskInput?: Float32Array;
  /** `true` (default): the three candidate masks; `false`: only the one with the best predicted IoU. */
  multimask?: boolean;
}

export interface SamPrediction {
  /** Masks at the image's size (logits > 0). */
  masks: Mask[];
  /** The decoder's predicted IoU of each mask. */
  scores: number[];
  /** Each mask's 256×256 low-resolution logits (feed one back as `maskInput`). */
  logits: Float32Array[];
}

const LOW = SAM_MASK_SIZE * SAM_MASK_SIZE;

/**
 * SAM2 point and box prompting on onnxruntime (Node or browser). The image is encoded once by
 * {@link SamPredictor.setImage}; every {@link SamPredictor.predict} reuses its features.
 *
 * @example
 * const sam = await SamPredictor.create({ ort, encoder: 'sam2_encoder.onnx', decoder: 'sam2_decoder.onnx' });
 * await sam.setImage({ data: rgb, width, height });
 * const { masks, scores } = await sam.predict({ points: [[120, 80]] });
 */
export class SamPredictor {
  private features?: ImageFeatures;

  private constructor(
    private readonly ort: Ort,
    private readonly encoder: ImageEncoder,
    private readonly decoder: InferenceSession,
    readonly layout: SamLayout,
  ) {}

  /**
   * Opens both sessions and checks them against the layout.
   * @throws SamError `MODEL_NOT_FOUND` / `MODEL_LOAD_FAILED` for a model that cannot be loaded,
   * `LAYOUT_MISMATCH` for a graph whose inputs or outputs differ from the layout.
   */
  static async create(options: SamPredictorOptions): Promise<SamPredictor> {
    const { ort, sessionOptions } = options;
    const [enc, dec] = await Promise.all([
      openSession(ort, options.encoder, 'image encoder', sessionOptions),
      openSession(ort, options.decoder, 'mask decoder', sessionOptions),
    ]);
    const encoder = ImageEncoder.open(ort, enc, options.layout, 'image encoder');
    checkLayout(dec, LAYOUTS[encoder.layout].decoder, `mask decoder (${encoder.layout} layout)`);
    return new SamPredictor(ort, encoder, dec, encoder.layout);
  }

  /**
   * Encodes `image` (RGB bytes) once for the prompts that follow.
   * @throws SamError `INVALID_IMAGE` for a malformed image.
   */
  async setImage(image: RgbImage): Promise<this> {
    this.features = undefined;
    this.features = await this.encoder.embed(image);
    return this;
  }

  /** The size of the image set by {@link setImage}, if any. */
  get imageSize(): { width: number; height: number } | undefined {
    return this.features && { width: this.features.width, height: this.features.height };
  }

  /**
   * Segments what the prompt points at on the current image.
   * @throws SamError `NO_IMAGE` before {@link setImage}, `INVALID_PROMPT` for prompts that are
   * malformed or outside the image.
   */
  async predict(prompt: SamPrompt): Promise<SamPrediction> {
    const f = this.features;
    if (!f) throw new SamError('NO_IMAGE', 'call setImage(image) before predict()');
    if (!prompt || typeof prompt !== 'object')
      throw new SamError('INVALID_PROMPT', 'prompt must be an object');
    const scaled = scalePrompt(prompt, f.width, f.height);
    if (prompt.multimask !== undefined && typeof prompt.multimask !== 'boolean')
      throw new SamError(
        'INVALID_PROMPT',
        `multimask must be true or false, got ${String(prompt.multimask)}`,
      );
    if (prompt.maskInput !== undefined) {
      if (this.layout !== 'samexporter')
        throw new SamError(
          'INVALID_PROMPT',
          'maskInput needs the samexporter layout; transformers.js exports have no mask input',
        );
      if (!(prompt.maskInput instanceof Float32Array) || prompt.maskInput.length !== LOW)
        throw new SamError('INVALID_PROMPT', `maskInput must be a Float32Array of 256×256 = ${LOW} logits`);
    }
    const { logits, scores } =
      this.layout === 'samexporter'
        ? await this.runSamexporter(f, scaled, prompt.maskInput)
        : await this.runTransformersJs(f, scaled);
    const view = ndarray(logits, [3, SAM_MASK_SIZE, SAM_MASK_SIZE]);
    let order = [0, 1, 2];
    if (prompt.multimask === false) order = [scores.indexOf(Math.max(...scores))];
    return {
      masks: order.map((k) => logitsToMask(view.pick(k, null, null), f.width, f.height, 0)),
      scores: order.map((k) => scores[k]),
      logits: order.map((k) => logits.slice(k * LOW, (k + 1) * LOW)),
    };
  }

  private async runSamexporter(
    f: ImageFeatures,
    p: ScaledPrompt,
    maskInput: Float32Array | undefined,
  ): Promise<{ logits: Float32Array; scores: number[] }> {
    const coords = [...p.coords];
    const labels = [...p.labels];
    if (p.box) {
      coords.push(...p.box);
      labels.push(2, 3);
    } else {
      coords.push(0, 0);
      labels.push(-1);
    }
    const n = labels.length;
    const T = this.ort.Tensor;
    const out = await run(
      this.decoder,
      {
        image_embed: f.image_embed,
        high_res_feats_0: f.high_res_feats_0,
        high_res_feats_1: f.high_res_feats_1,
        point_coords: new T('float32', Float32Array.from(coords), [1, n, 2]),
        point_labels: new T('float32', Float32Array.from(labels), [1, n]),
        mask_input: new T('float32', maskInput ?? new Float32Array(LOW), [1, 1, 256, 256]),
        has_mask_input: new T('float32', Float32Array.of(maskInput ? 1 : 0), [1]),
      },
      'mask decoder',
    );
    return {
      logits: floats(out.masks, 'masks').subarray(0, 3 * LOW),
      scores: Array.from(floats(out.iou_predictions, 'iou_predictions').subarray(0, 3)),
    };
  }

  private async runTransformersJs(
    f: ImageFeatures,
    p: ScaledPrompt,
  ): Promise<{ logits: Float32Array; scores: number[] }> {
    const coords = p.coords.length ? p.coords : [0, 0];
    const labels = p.labels.length ? p.labels : [-1];
    const n = labels.length;
    const T = this.ort.Tensor;
    const feeds: Record<string, Tensor> = {
      input_points: new T('float32', Float32Array.from(coords), [1, 1, n, 2]),
      input_labels: new T(
        'int64',
        BigInt64Array.from(labels, (l) => BigInt(l)),
        [1, 1, n],
      ),
      input_boxes: new T('float32', Float32Array.from(p.box ?? []), [1, p.box ? 1 : 0, 4]),
      'image_embeddings.0': f.high_res_feats_0,
      'image_embeddings.1': f.high_res_feats_1,
      'image_embeddings.2': f.image_embed,
    };
    const out = await run(this.decoder, feeds, 'mask decoder');
    return {
      logits: floats(out.pred_masks, 'pred_masks').subarray(0, 3 * LOW),
      scores: Array.from(floats(out.iou_scores, 'iou_scores').subarray(0, 3)),
    };
  }

  /** Releases both sessions. */
  async release(): Promise<void> {
    this.features = undefined;
    await Promise.all([this.encoder.session.release(), this.decoder.release()]);
  }
}
