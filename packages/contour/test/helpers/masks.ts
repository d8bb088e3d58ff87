/** Deterministic generators of binary masks covering the shapes that break contour code. */

import { rng } from '@seglang/testing';
import type { Mask } from '../../src';

export { rng };

const blank = (width: number, height: number): Mask => ({
  width,
  height,
  data: new Uint8Array(width * height),
});

function disc(m: Mask, cx: number, cy: number, rx: number, ry: number, v = 1): void {
  for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(m.height - 1, Math.ceil(cy + ry)); y++) {
    for (let x = Math.max(0, Math.floor(cx - rx)); x <= Math.min(m.width - 1, Math.ceil(cx + rx)); x++) {
      if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) m.data[y * m.width + x] = v;
    }
  }
}

function line(m: Mask, x0: number, y0: number, x1: number, y1: number): void {
  const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= n; i++) {
    const x = Math.round(x0 + ((x1 - x0) * i) / n);
    const y = Math.round(y0 + ((y1 - y0) * i) / n);
    if (x >= 0 && y >= 0 && x < m.width && y < m.height) m.data[y * m.width + x] = 1;
  }
}

export type Kind =
  | 'blobs'
  | 'nested'
  | 'lines'
  | 'dots'
  | 'diagonal'
  | 'checker'
  | 'border'
  | 'noise'
  | 'coco';

export function makeMask(kind: Kind, width: number, height: number, r: () => number): Mask {
  const m = blank(width, height);
  const W = width;
  const H = height;
  switch (kind) {
    case 'blobs': {
      const n = 1 + Math.floor(r() * 5);
      for (let i = 0; i < n; i++)
        disc(m, r() * W, r() * H, 0.5 + (r() * W) / 3, 0.5 + (r() * H) / 3, r() < 0.8 ? 1 : 0);
      break;
    }
    case 'nested': {
      const cx = W / 2;
      const cy = H / 2;
      let rr = Math.min(W, H) / 2;
      let v = 1;
      while (rr > 0.5) {
        disc(m, cx + (r() - 0.5) * 2, cy + (r() - 0.5) * 2, rr, rr * (0.7 + 0.3 * r()), v);
        rr -= 1 + r() * Math.max(1, rr / 3);
        v ^= 1;
      }
      break;
    }
    case 'lines': {
      const n = 1 + Math.floor(r() * 6);
      for (let i = 0; i < n; i++) line(m, r() * W, r() * H, r() * W, r() * H);
      break;
    }
    case 'dots': {
      const n = 1 + Math.floor(r() * W * H * 0.05);
      for (let i = 0; i < n; i++) m.data[Math.floor(r() * W * H)] = 1;
      break;
    }
    case 'diagonal': {
      for (let k = 0; k < W + H; k += 2 + Math.floor(r() * 4)) {
        for (let y = 0; y < H; y++) {
          const x = k - y;
          if (x >= 0 && x < W) m.data[y * W + x] = 1;
        }
      }
      break;
    }
    case 'checker': {
      const c = 1 + Math.floor(r() * 3);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) m.data[y * W + x] = (Math.floor(x / c) + Math.floor(y / c)) & 1;
      break;
    }
    case 'border': {
      for (let x = 0; x < W; x++) {
        m.data[x] = 1;
        m.data[(H - 1) * W + x] = r() < 0.8 ? 1 : 0;
      }
      for (let y = 0; y < H; y++) {
        m.data[y * W] = 1;
        m.data[y * W + W - 1] = r() < 0.8 ? 1 : 0;
      }
      disc(m, W / 2, H / 2, W / 4 + 0.5, H / 4 + 0.5);
      break;
    }
    case 'noise': {
      const p = 0.2 + r() * 0.6;
      for (let i = 0; i < W * H; i++) m.data[i] = r() < p ? 1 : 0;
      break;
    }
    case 'coco': {
      // An irregular object: a union of overlapping ellipses with a bite taken out.
      const cx = W * (0.3 + 0.4 * r());
      const cy = H * (0.3 + 0.4 * r());
      for (let i = 0; i < 8; i++) {
        disc(
          m,
          cx + (r() - 0.5) * W * 0.4,
          cy + (r() - 0.5) * H * 0.4,
          W * (0.05 + 0.15 * r()),
          H * (0.05 + 0.15 * r()),
        );
      }
      disc(m, cx + (r() - 0.5) * W * 0.2, cy + (r() - 0.5) * H * 0.2, W * 0.05, H * 0.05, 0);
      break;
    }
  }
  return m;
}

export const KINDS: Kind[] = [
  'blobs',
  'nested',
  'lines',
  'dots',
  'diagonal',
  'checker',
  'border',
  'noise',
  'coco',
];

/** `count` masks cycling through every kind, with sizes from 1×1 up to 1024×1024. */
export function maskCorpus(count: number, seed = 1): Array<{ kind: Kind; mask: Mask }> {
  const r = rng(seed);
  const out: Array<{ kind: Kind; mask: Mask }> = [];
  const sizes = [1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 32, 64, 100];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    let w: number;
    let h: number;
    if (i % 250 === 249) [w, h] = [1024, 1024];
    else if (i % 50 === 49) [w, h] = [200 + Math.floor(r() * 400), 200 + Math.floor(r() * 400)];
    else {
      w = sizes[Math.floor(r() * sizes.length)];
      h = sizes[Math.floor(r() * sizes.length)];
    }
    out.push({ kind, mask: makeMask(kind, w, h, r) });
  }
  return out;
}
