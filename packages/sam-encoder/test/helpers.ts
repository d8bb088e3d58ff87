import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mask } from '@seglang/contour';
import { type SamFixturePaths, writeSamFixtures } from '@seglang/testing';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import type { Ort, RgbImage } from '../src';

ortWeb.env.wasm.numThreads = 1;

/** Both runtimes: every end-to-end test runs on each, with the same fixtures. */
export const RUNTIMES: [name: string, ort: Ort][] = [
  ['onnxruntime-node', ortNode],
  ['onnxruntime-web (wasm)', ortWeb],
];

let written: SamFixturePaths | undefined;
/** The generated ONNX fixtures, written once per test file to a temporary folder. */
export function fixtures(): SamFixturePaths {
  written ??= writeSamFixtures(mkdtempSync(join(tmpdir(), 'seglang-sam-')));
  return written;
}

/** An image of one colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height };
}

export { texture } from './browser/scenario';

export function maskOf(width: number, height: number, inside: (x: number, y: number) => boolean): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = inside(x, y) ? 1 : 0;
  return { width, height, data };
}

/**
 * `ort` with the runs of sessions whose inputs include `inputName` counted (e.g. the image encoder's
 * `image`), to check that features are computed once.
 */
export function countingOrt(ort: Ort, inputName: string): { ort: Ort; runs: () => number } {
  let runs = 0;
  const create = async (model: string | Uint8Array) => {
    const s =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model)
        : await ort.InferenceSession.create(model);
    if (s.inputNames.includes(inputName)) {
      const run = s.run.bind(s);
      Object.assign(s, {
        run: (...a: Parameters<typeof run>) => {
          runs++;
          return run(...a);
        },
      });
    }
    return s;
  };
  return {
    ort: { Tensor: ort.Tensor, InferenceSession: { create } as Ort['InferenceSession'] },
    runs: () => runs,
  };
}
