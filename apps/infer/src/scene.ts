/**
 * The demo's pictures and its side-by-side overlays. No photographs ship with the package (their
 * licences would follow them), so each sample mask gets a seeded picture of its own: sky and ground
 * in value noise, and the object painted into it, shaded towards its boundary. Over that picture the
 * overlay sets the original outline beside each round trip, cropped to the object and enlarged, so
 * that the pixels a round trip loses or gains — the IoU column of the table — can be seen.
 */
import { type Mask, maskBbox } from '@seglang/contour';
import { seededRandom } from '@seglang/polygon-grammar';
import type { RgbImage } from './images';

type Rgb = [number, number, number];

/** Smooth noise in [0, 1): random values on a lattice of `cell` pixels, interpolated bilinearly. */
function valueNoise(width: number, height: number, cell: number, next: () => number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = Float32Array.from({ length: gw * gh }, next);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const a = grid[y0 * gw + x0] * (1 - fx) + grid[y0 * gw + x0 + 1] * fx;
      const b = grid[(y0 + 1) * gw + x0] * (1 - fx) + grid[(y0 + 1) * gw + x0 + 1] * fx;
      out[y * width + x] = a * (1 - fy) + b * fy;
    }
  }
  return out;
}

const OBJECT_COLOURS: Rgb[] = [
  [196, 92, 54],
  [70, 110, 170],
  [214, 170, 60],
  [130, 80, 150],
];

/**
 * A picture for `mask`: sky above the horizon, ground below, both textured, and the object in one of
 * four colours, darker near its boundary (the share of object pixels in a 9×9 window) and grained.
 * The same mask and seed give the same picture.
 */
export function scene(mask: Mask, seed: number): RgbImage {
  const { width: w, height: h, data: m } = mask;
  const next = seededRandom(seed);
  const coarse = valueNoise(w, h, Math.max(8, Math.round(Math.min(w, h) / 6)), next);
  const fine = valueNoise(w, h, 4, next);
  const horizon = Math.round(h * (0.45 + 0.2 * next()));
  const colour = OBJECT_COLOURS[seed % OBJECT_COLOURS.length];
  // Integral image of the mask, for the share of object pixels around each pixel.
  const sums = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++)
    for (let x = 0, row = 0; x < w; x++) {
      row += m[y * w + x] ? 1 : 0;
      sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row;
    }
  const r = 4;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const t = 0.7 + 0.3 * coarse[i] + 0.12 * (fine[i] - 0.5);
      let c: Rgb;
      if (m[i]) {
        const x0 = Math.max(0, x - r);
        const x1 = Math.min(w, x + r + 1);
        const y0 = Math.max(0, y - r);
        const y1 = Math.min(h, y + r + 1);
        const inside =
          (sums[y1 * (w + 1) + x1] -
            sums[y0 * (w + 1) + x1] -
            sums[y1 * (w + 1) + x0] +
            sums[y0 * (w + 1) + x0]) /
          ((x1 - x0) * (y1 - y0));
        const shade = (0.55 + 0.45 * inside) * (0.85 + 0.3 * fine[i]);
        c = [colour[0] * shade, colour[1] * shade, colour[2] * shade];
      } else if (y < horizon) {
        const up = y / horizon;
        c = [150 + 60 * up, 185 + 45 * up, 225 + 20 * up].map((v) => v * (0.93 + 0.07 * coarse[i])) as Rgb;
      } else {
        c = [95 * t, 125 * t, 70 * t];
      }
      for (let k = 0; k < 3; k++) out[3 * i + k] = Math.max(0, Math.min(255, Math.round(c[k])));
    }
  return { width: w, height: h, data: out };
}

/** The colours of the side-by-side overlay. */
export const OVERLAY_COLOURS = {
  /** The original mask's outline: the background pixels next to it. */
  original: [40, 230, 60] as Rgb,
  /** A round trip's outline: its own pixels next to its background. */
  roundTrip: [255, 0, 200] as Rgb,
  /** Pixels of the original that a round trip lost (tinted 75 %, over the outlines). */
  lost: [255, 40, 40] as Rgb,
  /** Pixels a round trip gained outside the original (tinted 75 %, over the outlines). */
  gained: [40, 120, 255] as Rgb,
  gap: [255, 255, 255] as Rgb,
};

/** The pixel rectangle that holds every foreground pixel of the masks, grown by a margin. */
function frame(masks: Mask[], width: number, height: number) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (const m of masks) {
    const [bx, by, bw, bh] = maskBbox(m);
    if (bw === 0) continue;
    x0 = Math.min(x0, bx);
    y0 = Math.min(y0, by);
    x1 = Math.max(x1, bx + bw - 1);
    y1 = Math.max(y1, by + bh - 1);
  }
  if (x1 < 0) return { x0: 0, y0: 0, w: width, h: height };
  const margin = Math.max(4, Math.round(0.08 * Math.max(x1 - x0, y1 - y0)));
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(width - 1, x1 + margin);
  y1 = Math.min(height - 1, y1 + margin);
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/**
 * The original outline beside each round trip, over `picture`: panel 0 shows the original mask's
 * outline (green, on the background side); panel i ≥ 1 adds `roundTrips[i - 1]`'s outline (magenta,
 * on its own side) and tints the pixels it lost (red) and gained (blue) over both. All panels show the same crop (the masks' bounding box plus a margin),
 * enlarged `zoom` times (by default as much as keeps a panel within `maxSide` pixels, at most 8×),
 * side by side with `gap` pixels between them.
 */
export function roundTripPanels(
  picture: RgbImage,
  original: Mask,
  roundTrips: Mask[],
  options: { zoom?: number; maxSide?: number; gap?: number } = {},
): RgbImage & { zoom: number } {
  const { width: W, height: H } = picture;
  for (const m of [original, ...roundTrips])
    if (m.width !== W || m.height !== H)
      throw new RangeError(`a mask is ${m.width}x${m.height} but the picture is ${W}x${H}`);
  const crop = frame([original, ...roundTrips], W, H);
  const zoom =
    options.zoom ?? Math.max(1, Math.min(8, Math.floor((options.maxSide ?? 360) / Math.max(crop.w, crop.h))));
  const gap = options.gap ?? 8;
  const pw = crop.w * zoom;
  const ph = crop.h * zoom;
  const panels = 1 + roundTrips.length;
  const outW = panels * pw + (panels - 1) * gap;
  const out = new Uint8Array(outW * ph * 3);
  for (let i = 0; i < outW * ph; i++) out.set(OVERLAY_COLOURS.gap, 3 * i);
  const at = (m: Mask, x: number, y: number) => x >= 0 && y >= 0 && x < W && y < H && m.data[y * W + x] !== 0;
  for (let p = 0; p < panels; p++) {
    const trip = p === 0 ? null : roundTrips[p - 1];
    for (let Y = 0; Y < ph; Y++)
      for (let X = 0; X < pw; X++) {
        const x = crop.x0 + Math.floor(X / zoom);
        const y = crop.y0 + Math.floor(Y / zoom);
        const sx = X % zoom;
        const sy = Y % zoom;
        // Is this enlarged pixel on the side of (x, y) that faces a neighbour where `m` differs from
        // `inside`? That side of the pixel is then on the boundary of m.
        const edge = (m: Mask, inside: boolean) =>
          at(m, x, y) === inside &&
          ((sx === 0 && at(m, x - 1, y) !== inside) ||
            (sx === zoom - 1 && at(m, x + 1, y) !== inside) ||
            (sy === 0 && at(m, x, y - 1) !== inside) ||
            (sy === zoom - 1 && at(m, x, y + 1) !== inside));
        const src = 3 * (y * W + x);
        let c: Rgb = [picture.data[src], picture.data[src + 1], picture.data[src + 2]];
        if (edge(original, false)) c = OVERLAY_COLOURS.original;
        if (trip !== null) {
          if (edge(trip, true)) c = OVERLAY_COLOURS.roundTrip;
          // The disagreement is what the IoU counts, so it is drawn last, over the outlines.
          const inOriginal = at(original, x, y);
          const inTrip = at(trip, x, y);
          const tint =
            inOriginal && !inTrip
              ? OVERLAY_COLOURS.lost
              : !inOriginal && inTrip
                ? OVERLAY_COLOURS.gained
                : null;
          if (tint) c = [0, 1, 2].map((k) => Math.round(0.25 * c[k] + 0.75 * tint[k])) as Rgb;
        }
        out.set(c, 3 * (Y * outW + p * (pw + gap) + X));
      }
  }
  return { width: outW, height: ph, data: out, zoom };
}
