import { RuntimeError } from './errors';

/** An 8-bit RGB image, row-major, 3 bytes per pixel (the same shape `@seglang/sam-encoder` takes). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The image processor settings of `preprocessor_config.json` (Qwen2-VL, Qwen2.5-VL, Qwen3-VL). */
export interface ImageProcessorConfig {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  minPixels: number;
  maxPixels: number;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  rescaleFactor: number;
}

export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** Qwen2-VL / Qwen2.5-VL defaults (patch 14, CLIP normalisation). */
export const QWEN2_VL_IMAGE: ImageProcessorConfig = {
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
  minPixels: 56 * 56,
  maxPixels: 28 * 28 * 1280,
  imageMean: CLIP_MEAN,
  imageStd: CLIP_STD,
  rescaleFactor: 1 / 255,
};

/** Qwen3-VL defaults (patch 16, mean and std 0.5). */
export const QWEN3_VL_IMAGE: ImageProcessorConfig = {
  ...QWEN2_VL_IMAGE,
  patchSize: 16,
  minPixels: 64 * 64,
  maxPixels: 32 * 32 * 16384,
  imageMean: [0.5, 0.5, 0.5],
  imageStd: [0.5, 0.5, 0.5],
};

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const triple = (v: unknown): [number, number, number] | undefined =>
  Array.isArray(v) && v.length === 3 && v.every((x) => num(x) !== undefined) ? [v[0], v[1], v[2]] : undefined;

/**
 * Reads `preprocessor_config.json` as the reference does: `min_pixels` / `max_pixels`, else
 * `size.shortest_edge` / `size.longest_edge`; `patch_size`, `merge_size`, `temporal_patch_size`,
 * `image_mean`, `image_std`, `rescale_factor`. Missing keys take the defaults of `base`.
 */
export function imageProcessorConfig(
  json: Record<string, unknown>,
  base = QWEN2_VL_IMAGE,
): ImageProcessorConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new RuntimeError('INVALID_CONFIG', 'preprocessor_config.json must hold a JSON object');
  const size = (json.size ?? {}) as Json;
  const cfg: ImageProcessorConfig = {
    patchSize: num(json.patch_size) ?? base.patchSize,
    mergeSize: num(json.merge_size) ?? base.mergeSize,
    temporalPatchSize: num(json.temporal_patch_size) ?? base.temporalPatchSize,
    minPixels: num(json.min_pixels) ?? num(size.shortest_edge) ?? base.minPixels,
    maxPixels: num(json.max_pixels) ?? num(size.longest_edge) ?? base.maxPixels,
    imageMean: triple(json.image_mean) ?? base.imageMean,
    imageStd: triple(json.image_std) ?? base.imageStd,
    rescaleFactor: num(json.rescale_factor) ?? base.rescaleFactor,
  };
  for (const k of ['patchSize', 'mergeSize', 'temporalPatchSize', 'minPixels', 'maxPixels'] as const)
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1)
      throw new RuntimeError(
        'INVALID_CONFIG',
        `preprocessor_config.json: ${k} must be a positive integer, got ${cfg[k]}`,
      );
  if (cfg.minPixels > cfg.maxPixels)
    throw new RuntimeError(
      'INVALID_CONFIG',
      `preprocessor_config.json: min_pixels ${cfg.minPixels} > max_pixels ${cfg.maxPixels}`,
    );
  if (cfg.imageStd.some((s) => s === 0))
    throw new RuntimeError('INVALID_CONFIG', 'preprocessor_config.json: image_std has a zero');
  return cfg;
}

/** Python's `round()`: half to even (`round(2.5) == 2`), unlike `Math.round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The size Qwen-VL resizes an image to: both sides multiples of `factor`, the area within
 * `[minPixels, maxPixels]`, the aspect ratio kept as closely as possible. Follows the reference
 * `smart_resize` exactly, including Python's round-half-to-even (`70 → 56` with factor 28).
 * @returns `[height, width]`
 * @throws RuntimeError `INVALID_IMAGE` for an aspect ratio over 200 (as the reference).
 */
export function smartResize(
  height: number,
  width: number,
  factor = 28,
  minPixels = 56 * 56,
  maxPixels = 28 * 28 * 1280,
): [number, number] {
  if (!(height >= 1 && width >= 1))
    throw new RuntimeError('INVALID_IMAGE', `image size must be positive, got ${width}×${height}`);
  if (Math.max(height, width) / Math.min(height, width) > 200)
    throw new RuntimeError(
      'INVALID_IMAGE',
      `image aspect ratio must be at most 200, got ${width}×${height} (${Math.max(height, width) / Math.min(height, width)})`,
    );
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return [h, w];
}

// Pillow's bicubic resampling (a = −0.5, support 2 scaled by the downscale factor), in its 8-bit
// fixed point: coefficients × 2^22 rounded away from zero, each pass rounded and clipped to 0–255.
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Coeffs {
  ksize: number;
  bounds: Int32Array; // [min, count] per output pixel
  weights: Int32Array; // ksize per output pixel
}

function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const min = Math.max(0, Math.trunc(center - support + 0.5));
    const count = Math.min(inSize, Math.trunc(center + support + 0.5)) - min;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      k[x] = bicubic((x + min - center + 0.5) / filterScale);
      sum += k[x];
    }
    for (let x = 0; x < count; x++) {
      const w = sum !== 0 ? k[x] / sum : k[x];
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = min;
    bounds[xx * 2 + 1] = count;
  }
  return { ksize, bounds, weights };
}

const clip8 = (v: number): number => (v >= ONE * 256 ? 255 : v <= 0 ? 0 : Math.floor(v / ONE));

/**
 * Resizes an 8-bit RGB image exactly as Pillow's `Image.resize(size, Image.BICUBIC)` does (the
 * resize the reference Qwen-VL image processor runs): horizontal pass, then vertical, each in 8-bit
 * fixed point. Same size → a copy.
 */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  checkImage(image);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RuntimeError(
      'INVALID_ARGUMENT',
      `the output size must be positive integers, got ${width}×${height}`,
    );
  if (width === image.width && height === image.height)
    return { width, height, data: new Uint8Array(image.data.subarray(0, width * height * 3)) };
  const vert = coefficients(image.height, height);
  const horiz = coefficients(image.width, width);
  // Only the source rows the vertical pass reads go through the horizontal pass. Sums are exact
  // integers (8-bit values times 22-bit weights), so the loops can run in any order: they index
  // the RGB bytes directly, a row at a time.
  const first = vert.bounds[0];
  const last = vert.bounds[(height - 1) * 2] + vert.bounds[(height - 1) * 2 + 1];
  let tmp: Uint8Array = image.data;
  let rowOffset = 0;
  if (width !== image.width) {
    tmp = new Uint8Array((last - first) * width * 3);
    for (let y = first; y < last; y++)
      resampleRow(image.data, y * image.width * 3, horiz, tmp, (y - first) * width * 3, width);
    rowOffset = first;
  }
  if (height === image.height) return { width, height, data: tmp };
  const out = new Uint8Array(width * height * 3);
  const rowLen = width * 3;
  const acc = new Float64Array(rowLen);
  for (let yy = 0; yy < height; yy++) {
    const min = vert.bounds[yy * 2] - rowOffset;
    const count = vert.bounds[yy * 2 + 1];
    const base = yy * vert.ksize;
    acc.fill(ONE / 2);
    for (let y = 0; y < count; y++) addWeightedRow(acc, tmp, (y + min) * rowLen, vert.weights[base + y]);
    for (let i = 0, o = yy * rowLen; i < rowLen; i++) out[o + i] = clip8(acc[i]);
  }
  return { width, height, data: out };
}

/** The horizontal pass for one RGB row: `src[from …]` resampled by `h` into `dst[to …]`. */
function resampleRow(
  src: Uint8Array,
  from: number,
  h: Coeffs,
  dst: Uint8Array,
  to: number,
  width: number,
): void {
  const { bounds, weights, ksize } = h;
  for (let xx = 0; xx < width; xx++) {
    const min = bounds[xx * 2];
    const count = bounds[xx * 2 + 1];
    const base = xx * ksize;
    let s0 = ONE / 2;
    let s1 = ONE / 2;
    let s2 = ONE / 2;
    for (let x = 0, p = from + min * 3; x < count; x++, p += 3) {
      const w = weights[base + x];
      s0 += src[p] * w;
      s1 += src[p + 1] * w;
      s2 += src[p + 2] * w;
    }
    dst[to + xx * 3] = clip8(s0);
    dst[to + xx * 3 + 1] = clip8(s1);
    dst[to + xx * 3 + 2] = clip8(s2);
  }
}

/** `acc[i] += row[from + i] · w` over a row of `acc.length` bytes. */
function addWeightedRow(acc: Float64Array, row: Uint8Array, from: number, w: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += row[from + i] * w;
}

/** Checks an image's shape and data. @throws RuntimeError `INVALID_IMAGE`. */
export function checkImage(image: RgbImage, what = 'image'): void {
  if (!image || typeof image !== 'object')
    throw new RuntimeError('INVALID_IMAGE', `${what} must be { data, width, height }`);
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new RuntimeError(
      'INVALID_IMAGE',
      `${what} width and height must be positive integers, got ${width}×${height}`,
    );
  if (!((data as unknown) instanceof Uint8Array) && !((data as unknown) instanceof Uint8ClampedArray))
    throw new RuntimeError('INVALID_IMAGE', `${what}.data must be a Uint8Array of RGB bytes`);
  if (data.length !== width * height * 3)
    throw new RuntimeError(
      'INVALID_IMAGE',
      `${what}.data has ${data.length} bytes, expected ${width}×${height}×3 = ${width * height * 3} (RGB)`,
    );
}

export interface ProcessedImage {
  /** `[patches, C·T·P·P]` rows, float32 (1176 per patch for Qwen2-VL, 1536 for Qwen3-VL). */
  pixelValues: Float32Array;
  /** `[patches, C·T·P·P]`. */
  shape: [number, number];
  /** `[t, h, w]` in patches. */
  gridThw: [number, number, number];
  /** `<|image_pad|>` tokens this image takes: `t·h·w / merge²`. */
  tokens: number;
  /** The size the image was resized to. */
  resized: { width: number; height: number };
}

/**
 * The Qwen-VL image processor: `smart_resize`, Pillow-exact bicubic resize, rescale and normalise
 * in float32 (as the reference's numpy does), tile to `temporal_patch_size` frames and flatten the
 * patches in merge order: `(gh/m, gw/m, m, m, C, T, P, P)`.
 * @throws RuntimeError `INVALID_IMAGE` for an image that is malformed, or so small or thin that
 * the reference refuses it (aspect ratio over 200).
 */
export function processImage(image: RgbImage, cfg: ImageProcessorConfig = QWEN2_VL_IMAGE): ProcessedImage {
  checkImage(image);
  const { patchSize: P, mergeSize: M, temporalPatchSize: T } = cfg;
  if (image.width < 2 || image.height < 2)
    throw new RuntimeError(
      'INVALID_IMAGE',
      `image is ${image.width}×${image.height} px; Qwen-VL needs at least 2×2 (the reference processor cannot even tell a 1-px image's channel axis)`,
    );
  const [rh, rw] = smartResize(image.height, image.width, P * M, cfg.minPixels, cfg.maxPixels);
  const resized = resizeBicubic(image, rw, rh);
  const gh = rh / P;
  const gw = rw / P;
  const rowLen = 3 * T * P * P;
  const patches = gh * gw;
  const out = new Float32Array(patches * rowLen);
  // Normalised planes, float32 after each step as numpy computes them.
  const mean = cfg.imageMean.map(Math.fround);
  const std = cfg.imageStd.map(Math.fround);
  const norm = new Float32Array(256 * 3);
  for (let c = 0; c < 3; c++)
    for (let v = 0; v < 256; v++)
      norm[c * 256 + v] = Math.fround(Math.fround(v * cfg.rescaleFactor) - mean[c]) / std[c];
  // Patches in the reference's order, [gh/M, gw/M, M, M, 3, T, P, P], each pixel repeated T times.
  const px = resized.data;
  for (let bh = 0, o = 0; bh < gh / M; bh++)
    for (let bw = 0; bw < gw / M; bw++)
      for (let mh = 0; mh < M; mh++)
        for (let mw = 0; mw < M; mw++)
          for (let c = 0; c < 3; c++)
            for (let t = 0; t < T; t++)
              for (let py = 0; py < P; py++) {
                const row = ((bh * M + mh) * P + py) * rw;
                for (let pxi = 0, x = (bw * M + mw) * P; pxi < P; pxi++, x++)
                  out[o++] = norm[c * 256 + px[(row + x) * 3 + c]];
              }
  return {
    pixelValues: out,
    shape: [patches, rowLen],
    gridThw: [1, gh, gw],
    tokens: patches / (M * M),
    resized: { width: rw, height: rh },
  };
}
