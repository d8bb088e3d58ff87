/** Properties checked with fast-check on arbitrary masks. */
import fc from 'fast-check';
import {
  approxPolyDP,
  fillPoly,
  findContours,
  type Mask,
  maskIou,
  maskToPolygons,
  polygonOrientation,
  polygonsToMask,
  rle,
} from '../src';
import { decodeRuns, encodeRuns, mergeRuns } from '../src/rle';

const maskArb = (maxSide = 24) =>
  fc
    .record({ width: fc.integer({ min: 0, max: maxSide }), height: fc.integer({ min: 0, max: maxSide }) })
    .chain(({ width, height }) =>
      fc
        .uint8Array({ minLength: width * height, maxLength: width * height, min: 0, max: 3 })
        .map((bytes) => ({ width, height, data: bytes.map((b) => (b === 0 ? 1 : 0)) }) as Mask),
    );

/** The mask with every hole filled: background not 4-connected to the outside becomes foreground. */
function fillHoles(m: Mask): Mask {
  const { width: w, height: h } = m;
  const outside = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let x = 0; x < w; x++) stack.push(x, (h - 1) * w + x);
  for (let y = 0; y < h; y++) stack.push(y * w, y * w + w - 1);
  while (stack.length) {
    const i = stack.pop()!;
    if (i < 0 || i >= w * h || outside[i] || m.data[i]) continue;
    outside[i] = 1;
    const x = i % w;
    if (x > 0) stack.push(i - 1);
    if (x < w - 1) stack.push(i + 1);
    stack.push(i - w, i + w);
  }
  return { width: w, height: h, data: outside.map((o) => (o ? 0 : 1)) };
}

/** Keeps only the 8-connected component containing pixel `start`. */
function component(m: Mask, start: number): Mask {
  const { width: w, height: h } = m;
  const out = new Uint8Array(w * h);
  const stack = [start];
  while (stack.length) {
    const i = stack.pop()!;
    if (out[i] || !m.data[i]) continue;
    out[i] = 1;
    const x = i % w;
    const y = (i - x) / w;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h) stack.push(ny * w + nx);
      }
  }
  return { width: w, height: h, data: out };
}

test('rle.decode(rle.encode(m)) equals m', () => {
  fc.assert(
    fc.property(maskArb(40), (m) => {
      const back = rle.decode(rle.encode(m));
      expect(back.width).toBe(m.width);
      expect(back.height).toBe(m.height);
      expect(Array.from(back.data)).toEqual(Array.from(m.data, (v) => (v ? 1 : 0)));
    }),
    { numRuns: 500 },
  );
});

test('fillPoly of the external/none contours of a hole-free 8-connected blob gives back the blob', () => {
  fc.assert(
    fc.property(maskArb(20), fc.nat(), (m, pick) => {
      const fg = Array.from(m.data).flatMap((v, i) => (v ? [i] : []));
      fc.pre(fg.length > 0);
      const blob = fillHoles(component(m, fg[pick % fg.length]));
      const { contours } = findContours(blob, { mode: 'external', method: 'none' });
      expect(contours.length).toBe(1);
      expect(Array.from(fillPoly(contours, blob.width, blob.height).data)).toEqual(Array.from(blob.data));
    }),
    { numRuns: 400 },
  );
});

test('maskToPolygons: OpenCV order (counter-clockwise on screen) by default, clockwise on request, inside [0, 1]', () => {
  fc.assert(
    fc.property(maskArb(30), fc.constantFrom(0, 0.001, 0.01, 0.05), (m, eps) => {
      for (const boundary of ['pixel-centres', 'pixel-edges'] as const) {
        // Orientation is checked on pixel coordinates (exact integers); normalising only scales them.
        const opts = { epsilon: { normalized: eps }, boundary, normalize: false } as const;
        const exact = boundary === 'pixel-edges' && eps === 0;
        // Pixel-centre polygons are approxPolyDP's output unchanged, which simplification can turn
        // clockwise (a thin part folding over): only the unsimplified ones are sure to keep OpenCV's
        // direction. Pixel-edge polygons are turned to it.
        if (boundary === 'pixel-centres')
          expect(maskToPolygons(m, opts)).toEqual(
            findContours(m, { mode: 'external', method: 'simple' }).contours.map((c) =>
              approxPolyDP(c, eps * Math.min(m.width, m.height), true),
            ),
          );
        if (boundary === 'pixel-edges' || eps === 0)
          for (const poly of maskToPolygons(m, opts))
            expect(exact ? ['counter-clockwise'] : ['counter-clockwise', 'degenerate']).toContain(
              polygonOrientation(poly),
            );
        for (const poly of maskToPolygons(m, { ...opts, orientation: 'screen-clockwise' }))
          expect(exact ? ['clockwise'] : ['clockwise', 'degenerate']).toContain(polygonOrientation(poly));
        // One expect per polygon, not per point: expect() is the costly part of this test.
        for (const poly of maskToPolygons(m, { epsilon: { normalized: eps }, boundary }))
          expect(poly.filter(([x, y]) => !(x >= 0 && x <= 1 && y >= 0 && y <= 1))).toEqual([]);
      }
    }),
    { numRuns: 300 },
  );
});

test('pixel-edge polygons rasterise (COCO rule) to exactly the mask with holes filled', () => {
  fc.assert(
    fc.property(maskArb(30), (m) => {
      const polys = maskToPolygons(m, { boundary: 'pixel-edges', epsilon: 0, normalize: false });
      const back = polygonsToMask(polys, m.width, m.height);
      expect(Array.from(back.data)).toEqual(Array.from(fillHoles(m).data));
    }),
    { numRuns: 500 },
  );
});

test('maskIou is symmetric, 1 on itself (non-empty), and in [0, 1]', () => {
  fc.assert(
    fc.property(maskArb(16), fc.uint8Array({ minLength: 256, maxLength: 256 }), (a, noise) => {
      const b: Mask = { ...a, data: a.data.map((v, i) => (noise[i % 256] < 40 ? 1 - v : v)) };
      const ab = maskIou(a, b);
      expect(ab).toBe(maskIou(b, a));
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(ab).toBeLessThanOrEqual(1);
      if (a.data.some((v) => v)) expect(maskIou(a, a)).toBe(1);
    }),
  );
});

test('maskIou counts like a plain pixel loop: any non-zero byte, views at any offset, sparse or dense', () => {
  const bytes = (n: number) =>
    fc.oneof(
      fc.uint8Array({ minLength: n, maxLength: n }),
      // Mostly background, as real masks are, so whole 8-byte chunks are empty.
      fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }).map((hits) => {
        const d = new Uint8Array(n);
        for (const [i, v] of hits) d.fill(v, i, Math.min(n, i + 1 + (v % 11)));
        return d;
      }),
    );
  const pair = fc
    .record({ w: fc.integer({ min: 1, max: 37 }), h: fc.integer({ min: 1, max: 9 }) })
    .chain(({ w, h }) =>
      fc.record({
        w: fc.constant(w),
        h: fc.constant(h),
        a: bytes(w * h),
        b: bytes(w * h),
        offA: fc.nat(7),
        offB: fc.nat(7),
      }),
    );
  fc.assert(
    fc.property(pair, ({ w, h, a, b, offA, offB }) => {
      const view = (d: Uint8Array, off: number) => {
        const buf = new Uint8Array(d.length + off + 5).fill(255);
        buf.set(d, off);
        return { width: w, height: h, data: buf.subarray(off, off + d.length) };
      };
      let inter = 0;
      let union = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] && b[i]) inter++;
        if (a[i] || b[i]) union++;
      }
      expect(maskIou(view(a, offA), view(b, offB))).toBe(inter === 0 ? 0 : inter / union);
    }),
    { numRuns: 1000 },
  );
});

test('approxPolyDP on integer curves commutes with translation, also across the edge of the packed int32 path ([−2^14, 2^14))', () => {
  // Inside the range the points are packed into one int32 each; a translation that moves any
  // coordinate outside sends the curve down the general float64 path. Both are exact, so the
  // kept points must be the same translated points, whichever path each side takes.
  const edge = 2 ** 14;
  const offset = fc.oneof(
    fc.constantFrom(0, edge - 1, edge, -edge, -edge - 1, edge - 30, -edge + 30),
    fc.integer({ min: -edge - 40, max: edge + 40 }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 })), {
        maxLength: 120,
      }),
      offset,
      offset,
      fc.double({ min: 0, max: 6, noNaN: true }),
      fc.boolean(),
      (curve, ox, oy, eps, closed) => {
        const moved = curve.map(([x, y]) => [x + ox, y + oy] as [number, number]);
        const expected = approxPolyDP(curve, eps, closed).map(([x, y]) => [x + ox, y + oy]);
        expect(approxPolyDP(moved, eps, closed)).toEqual(expected);
      },
    ),
    { numRuns: 3000 },
  );
});

test('approxPolyDP returns input points: each kept point equals one of the curve’s under Object.is (−0 too), in a fresh array', () => {
  const coord = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constant(-0),
    fc.double({ min: -3, max: 3, noNaN: true }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(coord, coord), { maxLength: 40 }),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.boolean(),
      (curve, eps, closed) => {
        const out = approxPolyDP(curve as [number, number][], eps, closed);
        for (const p of out) {
          const i = curve.findIndex((q) => Object.is(q[0], p[0]) && Object.is(q[1], p[1]));
          expect(i).toBeGreaterThanOrEqual(0);
          expect(curve[i]).not.toBe(p);
        }
      },
    ),
    { numRuns: 2000 },
  );
  // Integer curves (the fast path) with −0 on the kept corners.
  expect(
    approxPolyDP(
      [
        [-0, -0],
        [5, -0],
        [5, 5],
        [-0, 5],
      ],
      0.5,
      true,
    )
      .flat()
      .filter((v) => Object.is(v, -0)).length,
  ).toBe(4);
});

test('mergeRuns of k masks is their pixelwise union (or intersection), whatever k', () => {
  fc.assert(
    fc.property(
      fc
        .record({
          width: fc.integer({ min: 1, max: 12 }),
          height: fc.integer({ min: 1, max: 12 }),
          k: fc.integer({ min: 1, max: 9 }),
        })
        .chain(({ width, height, k }) =>
          fc
            .array(fc.uint8Array({ minLength: width * height, maxLength: width * height, min: 0, max: 2 }), {
              minLength: k,
              maxLength: k,
            })
            .map((list) =>
              list.map((bytes) => ({ width, height, data: bytes.map((b) => (b === 0 ? 1 : 0)) }) as Mask),
            ),
        ),
      fc.boolean(),
      (masks, intersect) => {
        const merged = decodeRuns(mergeRuns(masks.map(encodeRuns), intersect));
        const want = masks[0].data.map((_, i) =>
          masks.every((m) => m.data[i]) || (!intersect && masks.some((m) => m.data[i])) ? 1 : 0,
        );
        expect(Array.from(merged.data)).toEqual(Array.from(want));
        // The same runs as pycocotools' one-by-one fold (rle.merge of two at a time).
        const fold = masks
          .slice(1)
          .reduce((acc, m) => rle.merge([acc, rle.encode(m)], intersect), rle.encode(masks[0]));
        expect(rle.encode(merged)).toEqual(fold);
      },
    ),
    { numRuns: 500 },
  );
});
