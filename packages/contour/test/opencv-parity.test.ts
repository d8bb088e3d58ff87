/**
 * Parity with OpenCV 4.12's own WASM build on 1,000 generated masks (blobs, nested holes, lines,
 * dots, diagonal chains, checkerboards, border-touching objects, noise, COCO-like shapes; 1×1 to
 * 1024×1024): identical contours and hierarchy for every mode × method, identical approxPolyDP for
 * several ε (closed and open), identical contourArea / arcLength, identical fillPoly.
 */
import {
  approxPolyDP,
  approxPolyDPIndices,
  arcLength,
  contourArea,
  findContours,
  type Mask,
  type Point,
} from '../src';
import { type FillStrategy, fillPolyWith } from '../src/fill-poly';
import { maskCorpus, rng } from './helpers/masks';
import {
  type CV,
  cvApproxPolyDP,
  cvApproxPolyDPFloat,
  cvArcLength,
  cvContourArea,
  cvFillPoly,
  cvFindContours,
  loadOpenCV,
} from './helpers/opencv';

const MODES = ['external', 'list', 'ccomp', 'tree'] as const;
const METHODS = ['none', 'simple'] as const;
const corpus = maskCorpus(1000, 20251121);

let cv: CV;
beforeAll(async () => {
  ({ cv } = await loadOpenCV());
});

describe('findContours', () => {
  test.each(MODES.flatMap((mode) => METHODS.map((method) => [mode, method] as const)))(
    'mode %s, method %s: same contours and hierarchy on 1,000 masks',
    (mode, method) => {
      const mismatches: string[] = [];
      let contours = 0;
      for (const [i, { kind, mask }] of corpus.entries()) {
        const ours = findContours(mask, { mode, method });
        const ref = cvFindContours(cv, mask, mode, method);
        contours += ref.contours.length;
        if (
          JSON.stringify(ours.contours) !== JSON.stringify(ref.contours) ||
          JSON.stringify(ours.hierarchy) !== JSON.stringify(ref.hierarchy)
        ) {
          mismatches.push(`#${i} ${kind} ${mask.width}x${mask.height}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(contours).toBeGreaterThan(1000);
    },
  );
});

/** Contours to test the polygon functions on: every list/none and list/simple contour of a subset. */
const curves: Point[][] = corpus
  .filter((_, i) => i % 3 === 0)
  .flatMap(({ mask }) => [
    ...findContours(mask, { mode: 'list', method: 'none' }).contours,
    ...findContours(mask, { mode: 'list', method: 'simple' }).contours,
  ])
  .filter((c) => c.length > 0)
  .slice(0, 4000);

describe('approxPolyDP', () => {
  test('identical on every contour for several ε, closed and open', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const [k, c] of curves.entries()) {
      const perimeter = arcLength(c, true);
      for (const eps of [0, 0.5, 1, 1.5, 3, 7.25, 0.001 * perimeter, 0.01 * perimeter]) {
        for (const closed of [true, false]) {
          compared++;
          const ours = approxPolyDP(c, eps, closed);
          const ref = cvApproxPolyDP(cv, c, eps, closed);
          if (JSON.stringify(ours) !== JSON.stringify(ref))
            mismatches.push(`curve ${k} eps ${eps} closed ${closed}`);
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(10000);
  });

  test('identical on long random walks, far-off and degenerate curves', () => {
    // Long curves take the block-bounded scans; coordinates around ±2^14 switch between the int32
    // path and the general one; repeated points make ties for the farthest point.
    const r = rng(23);
    const mismatches: string[] = [];
    for (let t = 0; t < 160; t++) {
      const n = t % 8 === 0 ? 1 + Math.floor(r() * 5) : 20 + Math.floor(r() * 1500);
      const maxStep = t % 3 === 0 ? 1 : 1 + Math.floor(r() * 12);
      const offset = [0, 2 ** 14 - 300, -(2 ** 14) + 300, 2 ** 19][t % 4];
      const scale = t % 5 === 0 ? 64 : 1;
      let x = offset + Math.floor(r() * 400);
      let y = offset + Math.floor(r() * 400);
      let hx = 0;
      let hy = 0;
      const curve: Point[] = [];
      for (let i = 0; i < n; i++) {
        // A drifting heading with noise, so that the walk makes long arcs rather than a blob.
        if (r() < 0.1) {
          hx = Math.floor(r() * 3) - 1;
          hy = Math.floor(r() * 3) - 1;
        }
        const stay = t % 7 === 0 && r() < 0.3;
        if (!stay) {
          x += hx * Math.ceil(r() * maxStep) + (r() < 0.3 ? Math.floor(r() * 3) - 1 : 0);
          y += hy * Math.ceil(r() * maxStep) + (r() < 0.3 ? Math.floor(r() * 3) - 1 : 0);
        }
        curve.push([x * scale, y * scale]);
      }
      const perimeter = arcLength(curve, true);
      for (const eps of [0, 1, 2.5, 0.002 * perimeter, 0.02 * perimeter]) {
        for (const closed of [true, false]) {
          const ours = approxPolyDP(curve, eps, closed);
          const ref = cvApproxPolyDP(cv, curve, eps, closed);
          if (JSON.stringify(ours) !== JSON.stringify(ref))
            mismatches.push(`walk ${t} (n ${n}) eps ${eps} closed ${closed}`);
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  test('identical on curves that span the whole packed int32 range [−2^14, 2^14) and just past it', () => {
    // Jumps across the full range make the line distances and squared lengths reach their int32
    // limits (2·32767², just below 2^31); one more and they would wrap, so curves that reach past
    // the edge must take the general path. Point[] and flat inputs alike.
    const r = rng(37);
    const lo = -(2 ** 14);
    const hi = 2 ** 14 - 1;
    const mismatches: string[] = [];
    for (let t = 0; t < 120; t++) {
      const n = 3 + Math.floor(r() * 200);
      // Every third curve reaches one past the edge (2^14, or −2^14 − 1), at extremes like the others.
      const [a, b] = t % 3 === 1 ? (t % 2 ? [lo, hi + 1] : [lo - 1, hi]) : [lo, hi];
      const pick = () => (r() < 0.4 ? (r() < 0.5 ? a : b) : a + Math.floor(r() * (b - a + 1)));
      const curve: Point[] = [];
      for (let i = 0; i < n; i++) curve.push([pick(), pick()]);
      for (const eps of [0, 100, 5000]) {
        for (const closed of [true, false]) {
          const ref = JSON.stringify(cvApproxPolyDP(cv, curve, eps, closed));
          if (JSON.stringify(approxPolyDP(curve, eps, closed)) !== ref)
            mismatches.push(`curve ${t} eps ${eps} closed ${closed}`);
          const idx = approxPolyDPIndices(Int32Array.from(curve.flat()), n, closed, eps);
          if (JSON.stringify(Array.from(idx, (i) => curve[i])) !== ref)
            mismatches.push(`flat curve ${t} eps ${eps} closed ${closed}`);
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  test('approxPolyDP on outward spirals, where each split leaves a short slice pending (over 150 slices wait at once, so the stack grows)', () => {
    const mismatches: string[] = [];
    for (const growth of [1.05, 1.1, 1.2])
      for (const turn of [0.5, 1.2, 2]) {
        const curve: Point[] = [];
        for (let k = 0; 2 * growth ** k < 16000; k++) {
          const radius = 2 * growth ** k;
          const p: Point = [Math.round(radius * Math.cos(k * turn)), Math.round(radius * Math.sin(k * turn))];
          const q = curve[curve.length - 1];
          if (!q || q[0] !== p[0] || q[1] !== p[1]) curve.push(p);
        }
        for (const eps of [0, 0.5, 3])
          for (const closed of [true, false]) {
            const ours = approxPolyDP(curve, eps, closed);
            const ref = cvApproxPolyDP(cv, curve, eps, closed);
            if (JSON.stringify(ours) !== JSON.stringify(ref))
              mismatches.push(`growth ${growth} turn ${turn} eps ${eps} closed ${closed}`);
          }
      }
    expect(mismatches).toEqual([]);
  });

  test('approxPolyDPIndices keeps the same points, also on the first call with a longer curve (its scratch storage grows)', () => {
    const r = rng(29);
    const mismatches: string[] = [];
    for (const n of [1000, 4000, 16000, 64000, 256000]) {
      // A wobbly ring of radius ~8000, one point per step.
      const curve: Point[] = [];
      for (let i = 0; i < n; i++) {
        const a = (2 * Math.PI * i) / n;
        const rad = 8000 + 300 * Math.sin(13 * a) + 40 * r();
        curve.push([Math.round(rad * Math.cos(a)), Math.round(rad * Math.sin(a))]);
      }
      const eps = 0.001 * arcLength(curve, true);
      const idx = approxPolyDPIndices(Int32Array.from(curve.flat()), n, true, eps);
      const ours = Array.from(idx, (i) => curve[i]);
      if (JSON.stringify(ours) !== JSON.stringify(cvApproxPolyDP(cv, curve, eps, true)))
        mismatches.push(`n ${n}: ${idx.length} indices`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('approxPolyDP on float32 points', () => {
  test("identical to OpenCV's Point2f path on random fractional walks", () => {
    // Every coordinate is a float32, so the points OpenCV returns compare with ours as they are.
    // Even walks stay on multiples of 1/8; odd ones start near 0, run out to thousands and carry
    // full 24-bit mantissas, so that differences round in float32 as on OpenCV's Point2f path.
    const r = rng(31);
    const mismatches: string[] = [];
    let compared = 0;
    for (let t = 0; t < 120; t++) {
      const n = 3 + Math.floor(r() * (t % 4 === 0 ? 12 : 900));
      const wide = t % 2 === 1;
      let x = wide ? r() : 500 + Math.floor(r() * 800) / 8;
      let y = wide ? r() : 500 + Math.floor(r() * 800) / 8;
      let hx = 0;
      let hy = 0;
      const curve: Point[] = [];
      for (let i = 0; i < n; i++) {
        if (r() < 0.1) {
          hx = (Math.floor(r() * 17) - 8) / 8;
          hy = (Math.floor(r() * 17) - 8) / 8;
        }
        const scale = wide ? 6 : 1;
        x += scale * hx + (Math.floor(r() * 5) - 2) / 8;
        y += scale * hy + (Math.floor(r() * 5) - 2) / 8;
        curve.push(wide ? [Math.fround(x * 1.3719), Math.fround(y * 1.3719)] : [x, y]);
      }
      const perimeter = arcLength(curve, true);
      for (const eps of [0, 0.3, 1, 0.005 * perimeter, 0.03 * perimeter]) {
        for (const closed of [true, false]) {
          compared++;
          const ours = approxPolyDP(curve, eps, closed);
          const ref = cvApproxPolyDPFloat(cv, curve, eps, closed);
          if (JSON.stringify(ours) !== JSON.stringify(ref))
            mismatches.push(`walk ${t} (n ${n}) eps ${eps} closed ${closed}`);
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBe(1200);
  });
});

describe('contourArea and arcLength', () => {
  test('bit-identical on every contour', () => {
    const mismatches: string[] = [];
    for (const [k, c] of curves.entries()) {
      for (const oriented of [true, false]) {
        if (contourArea(c, oriented) !== cvContourArea(cv, c, oriented))
          mismatches.push(`area ${k} ${oriented}`);
      }
      for (const closed of [true, false]) {
        if (arcLength(c, closed) !== cvArcLength(cv, c, closed)) mismatches.push(`length ${k} ${closed}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

// Every case under each row strategy (`auto` picks `fused` or `buckets`, or `active-edges` when
// rows cross many edges on average; each alone must give OpenCV's pixels on any input).
describe.each(['auto', 'fused', 'buckets', 'active-edges'] as FillStrategy[])('fillPoly (%s)', (strategy) => {
  const fillPoly = (polygons: Point[][], width: number, height: number, options?: { into?: Mask }) =>
    fillPolyWith(strategy, polygons, width, height, options);

  test('identical on traced and simplified contours', () => {
    const mismatches: string[] = [];
    for (const [i, { mask }] of corpus.entries()) {
      if (i % 2 !== 0) continue;
      const polys = findContours(mask, { mode: 'list', method: 'simple' }).contours.map((c) =>
        approxPolyDP(c, 1.5, true),
      );
      const ours = fillPoly(polys, mask.width, mask.height);
      const ref = cvFillPoly(cv, polys, mask.width, mask.height);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(ref)) !== 0) mismatches.push(`#${i}`);
    }
    expect(mismatches).toEqual([]);
  });

  test('identical on random polygons, self-intersecting and partly outside the image', () => {
    const r = rng(99);
    const mismatches: string[] = [];
    for (let t = 0; t < 1500; t++) {
      const w = 1 + Math.floor(r() * 80);
      const h = 1 + Math.floor(r() * 80);
      const polys: Point[][] = [];
      const parts = 1 + Math.floor(r() * 3);
      for (let p = 0; p < parts; p++) {
        const n = 1 + Math.floor(r() * 9);
        const spill = t % 3 === 0 ? 0.5 : 0;
        polys.push(
          Array.from({ length: n }, () => [
            Math.floor((r() * (1 + 2 * spill) - spill) * w),
            Math.floor((r() * (1 + 2 * spill) - spill) * h),
          ]),
        );
      }
      const ours = fillPoly(polys, w, h);
      const ref = cvFillPoly(cv, polys, w, h);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(ref)) !== 0)
        mismatches.push(JSON.stringify({ w, h, polys }));
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  test('a vertex at −0 (as Math.round gives for small negatives) is one at 0', () => {
    const r = rng(17);
    const mismatches: string[] = [];
    for (let t = 0; t < 300; t++) {
      const w = 1 + Math.floor(r() * 40);
      const h = 1 + Math.floor(r() * 40);
      // Coordinates in {0, …} with many zeros, every 0 written as −0.
      const polys: Point[][] = Array.from({ length: 1 + Math.floor(r() * 2) }, () =>
        Array.from({ length: 3 + Math.floor(r() * 5) }, (): Point => {
          const x = r() < 0.4 ? 0 : Math.floor(r() * w);
          const y = r() < 0.4 ? 0 : Math.floor(r() * h);
          return [x === 0 ? -0 : x, y === 0 ? -0 : y];
        }),
      );
      const ours = fillPoly(polys, w, h);
      const ref = cvFillPoly(cv, polys, w, h);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(ref)) !== 0)
        mismatches.push(JSON.stringify({ w, h, polys }));
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  test('identical on large images (long spans) and far-off vertices', () => {
    const r = rng(7);
    const mismatches: string[] = [];
    for (let t = 0; t < 60; t++) {
      const w = 1 + Math.floor(r() * 1300);
      const h = 1 + Math.floor(r() * 300);
      const polys: Point[][] = [];
      for (let p = 0, parts = 1 + Math.floor(r() * 3); p < parts; p++) {
        const far = t % 4 === 0 ? 60000 : 0;
        polys.push(
          Array.from({ length: 3 + Math.floor(r() * 12) }, () => [
            Math.floor(r() * (w + 2 * far)) - far,
            Math.floor(r() * (h + 2 * far)) - far,
          ]),
        );
      }
      const ours = fillPoly(polys, w, h);
      const ref = cvFillPoly(cv, polys, w, h);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(ref)) !== 0)
        mismatches.push(JSON.stringify({ w, h, polys }));
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  test('identical on images 32k pixels wide and more (crossings beyond int32 16.16)', () => {
    const r = rng(5);
    const mismatches: string[] = [];
    for (const w of [32766, 32767, 40000]) {
      const h = 24;
      for (let t = 0; t < 8; t++) {
        // Half the cases keep every vertex inside (the fused path, crossings up to 2^31 − 2^17).
        const inside = t % 2 === 0;
        const polys: Point[][] = [
          Array.from({ length: 3 + Math.floor(r() * 8) }, () =>
            inside
              ? [Math.floor(r() * w), Math.floor(r() * h)]
              : [Math.floor(r() * (w + 20000)) - 10000, Math.floor(r() * (h + 10)) - 5],
          ),
        ];
        const ours = fillPoly(polys, w, h);
        if (Buffer.compare(Buffer.from(ours.data), Buffer.from(cvFillPoly(cv, polys, w, h))) !== 0)
          mismatches.push(JSON.stringify({ w, polys }));
      }
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  test('identical on long edges, where rounding the 16.16 crossing misses the line pixel', () => {
    // OpenCV steps a crossing by a truncated 16.16 slope, so on a long edge it drifts up to a
    // pixel's 2^-16·rows from the line; near ½ the two round apart. Such rows are counted here
    // with the exact line, independently, to make sure the cases hold them.
    const r = rng(31);
    const mismatches: string[] = [];
    let drifted = 0;
    for (let t = 0; t < 24; t++) {
      // The last cases are taller than 2^15 rows, beyond the fused path's limit: an edge of
      // 60,000 rows and 7 columns ends 0.59 pixel from its line.
      const tall = t >= 20;
      const w = tall ? 40 : 50 + Math.floor(r() * 400);
      const h = tall ? 60001 : 2000 + Math.floor(r() * 6000);
      const pt = (): Point => [Math.floor(r() * w), Math.floor(r() * h)];
      const polys: Point[][] = tall
        ? [
            [
              [2, 0],
              [9 + t - 20, 60000],
              [2, 60000 - t],
            ],
          ]
        : [
            [pt(), pt(), pt()],
            [pt(), pt(), pt(), pt()],
          ];
      for (const poly of polys)
        for (let i = 0; i < poly.length; i++) {
          const [p, q] = [poly[i], poly[(i + 1) % poly.length]];
          const [top, bottom] = p[1] < q[1] ? [p, q] : [q, p];
          const dy = bottom[1] - top[1];
          const run = bottom[0] - top[0];
          if (dy === 0) continue;
          const step = Math.trunc((run * 65536) / dy);
          for (let j = 0; j < dy; j++) {
            const rounded = Math.floor((top[0] * 65536 + j * step + 32767) / 65536);
            if (rounded !== top[0] + Math.floor((2 * j * run + dy - 1) / (2 * dy))) drifted++;
          }
        }
      const ours = fillPoly(polys, w, h);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(cvFillPoly(cv, polys, w, h))) !== 0)
        mismatches.push(JSON.stringify({ w, h, polys }));
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(drifted).toBeGreaterThan(100);
  });

  test('identical when rows cross hundreds of edges (many overlapping polygons, long self-intersecting ones)', () => {
    const r = rng(23);
    const mismatches: string[] = [];
    let longest = 0;
    for (let t = 0; t < 40; t++) {
      // A few cases 32k+ wide, where crossings are kept as doubles.
      const w = t % 10 === 9 ? 33000 : 20 + Math.floor(r() * 400);
      const h = 10 + Math.floor(r() * (t % 10 === 9 ? 30 : 200));
      const polys: Point[][] = [];
      const pt = (): Point => [Math.floor(r() * (w + 20)) - 10, Math.floor(r() * (h + 20)) - 10];
      if (t % 2 === 0) polys.push(Array.from({ length: 100 + Math.floor(r() * 300) }, pt));
      for (let p = 0, n = Math.floor(r() * 300); p < n; p++) polys.push([pt(), pt(), pt()]);
      // The busiest row, counted independently: edges whose y-range holds it.
      for (let y = 0; y < h; y += 3) {
        let k = 0;
        for (const poly of polys)
          for (let i = 0; i < poly.length; i++) {
            const a = poly[i][1];
            const b = poly[(i + 1) % poly.length][1];
            if (Math.min(a, b) <= y && y < Math.max(a, b)) k++;
          }
        longest = Math.max(longest, k);
      }
      const ours = fillPoly(polys, w, h);
      if (Buffer.compare(Buffer.from(ours.data), Buffer.from(cvFillPoly(cv, polys, w, h))) !== 0)
        mismatches.push(`case ${t}: ${w}x${h}, ${polys.length} polygons`);
    }
    expect(mismatches).toEqual([]);
    // Rows well past the 48 crossings where the native sort takes over.
    expect(longest).toBeGreaterThan(200);
  });

  test('draws into a mask that is a view at any byte offset, touching nothing outside it', () => {
    const r = rng(11);
    for (let offset = 0; offset < 9; offset++) {
      const w = 200 + offset;
      const h = 40;
      const polys: Point[][] = [
        Array.from({ length: 7 }, () => [Math.floor(r() * w), Math.floor(r() * h)] as Point),
      ];
      const backing = new Uint8Array(offset + w * h + 13).fill(7);
      const view = backing.subarray(offset, offset + w * h).fill(0);
      fillPoly(polys, w, h, { into: { width: w, height: h, data: view } });
      expect(Buffer.from(view)).toEqual(Buffer.from(cvFillPoly(cv, polys, w, h)));
      expect(
        [...backing.subarray(0, offset), ...backing.subarray(offset + w * h)].every((b) => b === 7),
      ).toBe(true);
    }
  });
});
