import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  sam2DecoderSamexporter,
  sam2DecoderTransformersJs,
  sam2EncoderSamexporter,
  sam2EncoderTransformersJs,
  samtokDecoder,
  samtokEncoder,
} from './sam';

export interface SamFixturePaths {
  samexporter: { encoder: string; decoder: string };
  transformersJs: { dir: string; encoder: string; decoder: string };
  samtok: { imageEncoder: string; encoder: string; decoder: string };
}

/**
 * Writes every SAM fixture under `dir` in the layouts real exports use:
 * `samexporter/sam2_encoder.onnx` + `sam2_decoder.onnx`; `transformers-js/onnx/vision_encoder.onnx` +
 * `prompt_encoder_mask_decoder.onnx`; `samtok/image_encoder.onnx` + `samtok_encoder.onnx` + `samtok_decoder.onnx`.
 */
export function writeSamFixtures(dir: string): SamFixturePaths {
  const put = (rel: string, bytes: Uint8Array): string => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return path;
  };
  const encoder = sam2EncoderSamexporter();
  return {
    samexporter: {
      encoder: put('samexporter/sam2_encoder.onnx', encoder),
      decoder: put('samexporter/sam2_decoder.onnx', sam2DecoderSamexporter()),
    },
    transformersJs: {
      dir: join(dir, 'transformers-js'),
      encoder: put('transformers-js/onnx/vision_encoder.onnx', sam2EncoderTransformersJs()),
      decoder: put('transformers-js/onnx/prompt_encoder_mask_decoder.onnx', sam2DecoderTransformersJs()),
    },
    samtok: {
      imageEncoder: put('samtok/image_encoder.onnx', encoder),
      encoder: put('samtok/samtok_encoder.onnx', samtokEncoder()),
      decoder: put('samtok/samtok_decoder.onnx', samtokDecoder()),
    },
  };
}
