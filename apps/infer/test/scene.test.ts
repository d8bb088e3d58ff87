import type { Mask } from '@seglang/contour';
import { OVERLAY_COLOURS, roundTripPanels, scene } from '../src/scene';

const rect = (w: number, h: number, x0: number, y0: number, rw: number, rh: number): Mask => {
  const data = new Uint8Array(w * h);
  for (let y = y0; y < y0 + rh; y++) for (let x = x0; x < x0 + rw; x++) data[y * w + x] = 1;
  return { width: w, height: h, data };
};
const grey = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(128) });
const count = (img: { width: number; data: Uint8Array }, colour: number[], x0: number, x1: number) => {
  let n = 0;
  for (let i = 0; i < img.data.length / 3; i++) {
    const x = i % img.width;
    if (x >= x0 && x < x1 && [0, 1, 2].every((k) => img.data[3 * i + k] === colour[k])) n++;
  }
  return n;
};

test('scene: the same mask and seed give the same picture; the object stands out from its surroundings', () => {
  const mask = rect(80, 60, 20, 15, 30, 25);
  const a = scene(mask, 3);
  expect(Buffer.from(scene(mask, 3).data).equals(Buffer.from(a.data))).toBe(true);
  expect(Buffer.from(scene(mask, 4).data).equals(Buffer.from(a.data))).toBe(false);
  // Mean colour inside vs outside the object: a clear difference in at least one channel.
  const mean = (inside: boolean) =>
    [0, 1, 2].map((k) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < mask.data.length; i++)
        if (!!mask.data[i] === inside) {
          s += a.data[3 * i + k];
          n++;
        }
      return s / n;
    });
  const [inside, outside] = [mean(true), mean(false)];
  expect(Math.max(...inside.map((v, k) => Math.abs(v - outside[k])))).toBeGreaterThan(40);
});

test('roundTripPanels: outlines on their sides, and the lost and gained pixels counted exactly', () => {
  // A 10×8 rectangle and its round trip one pixel to the right, on grey, enlarged 2×.
  const original = rect(40, 30, 10, 10, 10, 8);
  const trip = rect(40, 30, 11, 10, 10, 8);
  const out = roundTripPanels(grey(40, 30), original, [trip], { zoom: 2, gap: 6 });
  // The crop is the union's box (x 10..20, y 10..17) plus a 4-pixel margin: 19 × 16, enlarged 2×.
  expect(out.zoom).toBe(2);
  expect(out.height).toBe(16 * 2);
  const pw = 19 * 2;
  expect(out.width).toBe(2 * pw + 6);
  // Panel 0: the original's outline is the sides of the background pixels facing it: one side
  // (zoom pixels long) for each of the 2·10 + 2·8 background pixels next to the rectangle.
  expect(count(out, OVERLAY_COLOURS.original, 0, pw)).toBe((2 * 10 + 2 * 8) * 2);
  // Panel 1: the lost column (x = 10) and the gained column (x = 20), 8 pixels each, 4 enlarged pixels each.
  const tint = (c: number[], under: number[] = [128, 128, 128]) =>
    c.map((v, k) => Math.round(0.25 * under[k] + 0.75 * v));
  expect(count(out, tint(OVERLAY_COLOURS.lost), pw + 6, out.width)).toBe(8 * 4);
  // The tint goes over the outlines: below a gained pixel's sides lie the original's (green) and the
  // round trip's (magenta) outlines.
  const gained = [[128, 128, 128], OVERLAY_COLOURS.original, OVERLAY_COLOURS.roundTrip].map((under) =>
    count(out, tint(OVERLAY_COLOURS.gained, under), pw + 6, out.width),
  );
  expect(gained[0] + gained[1] + gained[2]).toBe(8 * 4);
  expect(gained[1]).toBeGreaterThan(0);
  expect(count(out, tint(OVERLAY_COLOURS.lost), 0, pw)).toBe(0);
  // A round trip that equals the original tints nothing, and its outline lies inside the original's.
  const same = roundTripPanels(grey(40, 30), original, [original], { zoom: 1, gap: 0 });
  const w = 10 + 2 * 4;
  expect(count(same, tint(OVERLAY_COLOURS.lost), w, 2 * w)).toBe(0);
  expect(count(same, OVERLAY_COLOURS.roundTrip, w, 2 * w)).toBe(2 * 10 + 2 * 8 - 4);
  expect(count(same, OVERLAY_COLOURS.original, w, 2 * w)).toBe(2 * 10 + 2 * 8);
  expect(() => roundTripPanels(grey(40, 30), original, [rect(39, 30, 0, 0, 1, 1)])).toThrow(/39x30/);
});
