import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, 'fixtures');

export interface Golden {
  smartResize: {
    height: number;
    width: number;
    factor: number;
    minPixels: number;
    maxPixels: number;
    resized: [number, number];
  }[];
  imageProcessor: {
    name: string;
    height: number;
    width: number;
    rgb: string;
    config: Record<string, unknown>;
    gridThw: [number, number, number];
    shape: [number, number];
    pixelValues: string;
  }[];
  ropeIndex: {
    name: string;
    inputIds: number[][];
    attentionMask: number[][];
    imageGridThw: [number, number, number][];
    positionIds: number[][][];
    deltas: number[];
  }[];
  chatTemplate: { name: string; messages: unknown[]; text: string; ids: number[] }[];
}

let golden: Golden | undefined;
/** Golden vectors written by `tools/golden/qwen_vl.py` from the Python reference. */
export function loadGolden(): Golden {
  golden ??= JSON.parse(readFileSync(join(FIXTURES, 'qwen-vl-golden.json'), 'utf8')) as Golden;
  return golden;
}

export function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function u8(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export { rng } from '@seglang/testing';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type QwenFixtureOptions, writeQwenVlFixture } from '@seglang/testing';

const written = new Map<string, string>();
/** The tiny Qwen2-VL-layout model folder, written once per test file and option set. */
export function qwenFixture(opts: QwenFixtureOptions = {}): string {
  const key = JSON.stringify(opts);
  let dir = written.get(key);
  if (!dir) {
    dir = writeQwenVlFixture(join(mkdtempSync(join(tmpdir(), 'seglang-qwen-')), 'model'), opts);
    written.set(key, dir);
  }
  return dir;
}

export { texture } from './scenario';
