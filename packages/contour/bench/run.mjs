// Benchmark: @seglang/contour vs OpenCV 4.12's WASM build on the same COCO-like masks.
// Prints median times and their ratio (ours / OpenCV; < 1 means we are faster), and MB/s of mask
// pixels for RLE. OpenCV is timed twice: the call alone ("cv core") and including what a JS user
// must also do — copy the mask into a Mat and read the contours back ("cv e2e").
import { createRequire } from 'node:module';
import { rng } from '@seglang/testing';
import {
  approxPolyDP,
  approxPolyDPIndices,
  arcLength,
  fillPoly,
  findContours,
  maskIou,
  maskToPolygons,
  rle,
} from '../dist/index.js';

const require = createRequire(import.meta.url);

function loadCv() {
  return new Promise((resolve) => {
    const cv = require('@techstark/opencv-js');
    if (cv.Mat) resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
}

/** A COCO-like instance mask: a union of ellipses with a bite and a hole, filling ~15% of the image. */
function cocoLike(size, seed) {
  const r = rng(seed);
  const data = new Uint8Array(size * size);
  const put = (cx, cy, rx, ry, v) => {
    for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(size - 1, Math.ceil(cy + ry)); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x <= Math.min(size - 1, Math.ceil(cx + rx)); x++)
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) data[y * size + x] = v;
  };
  const cx = size * (0.35 + 0.3 * r());
  const cy = size * (0.35 + 0.3 * r());
  for (let i = 0; i < 10; i++)
    put(
      cx + (r() - 0.5) * size * 0.35,
      cy + (r() - 0.5) * size * 0.35,
      size * (0.04 + 0.1 * r()),
      size * (0.04 + 0.1 * r()),
      1,
    );
  put(cx, cy, size * 0.03, size * 0.02, 0);
  for (let i = 0; i < 30; i++) put(r() * size, r() * size, 1 + r() * 3, 1 + r() * 3, 1);
  return { width: size, height: size, data };
}

/**
 * Median wall time in ms of each function of `fns`. Each is warmed up for at least 250 ms first
 * (V8's optimising tier and WebAssembly's tier-up both finish), then they are timed in
 * interleaved rounds — one run of each per round, in rotating order — for at least `runs` rounds
 * and 250 ms per function, so that a machine that speeds up or slows down during the
 * measurement affects every side alike.
 */
function medians(fns, runs) {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const names = Object.keys(fns);
  for (const name of names) for (let i = 0, t0 = now(); i < 15 || now() - t0 < 250; i++) fns[name]();
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const budget = 250 * names.length;
  for (let round = 0, t0 = now(); round < runs || now() - t0 < budget; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const t = process.hrtime.bigint();
      fns[name]();
      times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const ts = times[n].sort((x, y) => x - y);
      return [n, ts[Math.floor(ts.length / 2)]];
    }),
  );
}

const { cv } = await loadCv();
const fmt = (ms) => `${ms.toFixed(3).padStart(9)} ms`;
const row = (name, ours, core, e2e) =>
  console.log(
    `${name.padEnd(34)} ours ${fmt(ours)}  cv core ${fmt(core)}  cv e2e ${fmt(e2e)}  ratio ${(ours / core).toFixed(2)} (core) ${(ours / e2e).toFixed(2)} (e2e)`,
  );

console.log(
  `@seglang/contour vs OpenCV ${cv.getBuildInformation().match(/Version control:\s+(\S+)/)?.[1]} WASM — medians of interleaved runs; ratio = ours / OpenCV\n`,
);
for (const size of [512, 1024, 2048]) {
  const masks = [0, 1, 2].map((s) => cocoLike(size, s + size));
  const runs = size === 2048 ? 9 : 21;
  const mats = masks.map((m) => {
    const mat = new cv.Mat(size, size, cv.CV_8UC1);
    mat.data.set(m.data);
    return mat;
  });
  for (const [mode, method, cvMode, cvMethod] of [
    ['external', 'simple', cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE],
    ['tree', 'none', cv.RETR_TREE, cv.CHAIN_APPROX_NONE],
  ]) {
    const t = medians(
      {
        ours: () => masks.forEach((m) => findContours(m, { mode, method })),
        core: () =>
          mats.forEach((mat) => {
            const cs = new cv.MatVector();
            const h = new cv.Mat();
            cv.findContours(mat, cs, h, cvMode, cvMethod);
            cs.delete();
            h.delete();
          }),
        e2e: () =>
          masks.forEach((m) => {
            const mat = new cv.Mat(size, size, cv.CV_8UC1);
            mat.data.set(m.data);
            const cs = new cv.MatVector();
            const h = new cv.Mat();
            cv.findContours(mat, cs, h, cvMode, cvMethod);
            for (let i = 0; i < cs.size(); i++) {
              const c = cs.get(i);
              const d = c.data32S;
              const pts = [];
              for (let k = 0; k < d.length; k += 2) pts.push([d[k], d[k + 1]]);
              c.delete();
            }
            mat.delete();
            cs.delete();
            h.delete();
          }),
      },
      runs,
    );
    const [ours, core, e2e] = [t.ours, t.core, t.e2e].map((ms) => ms / masks.length);
    row(`findContours ${mode}/${method} ${size}²`, ours, core, e2e);
  }

  // The SimpleSeg data step as a whole: mask → external/simple contours → approxPolyDP with
  // ε = 0.001·perimeter (→ clockwise, normalised; OpenCV's side leaves those to the caller).
  // `readBack`: also copy each polygon out of WASM memory, normalised, as a JS caller must.
  const cvSimpleSeg = (mat, readBack) => {
    const cs = new cv.MatVector();
    const h = new cv.Mat();
    cv.findContours(mat, cs, h, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
    for (let i = 0; i < cs.size(); i++) {
      const c = cs.get(i);
      const out = new cv.Mat();
      cv.approxPolyDP(c, out, 0.001 * cv.arcLength(c, true), true);
      if (readBack) {
        const d = out.data32S;
        const pts = [];
        for (let k = 0; k < d.length; k += 2) pts.push([d[k] / size, d[k + 1] / size]);
      }
      out.delete();
      c.delete();
    }
    cs.delete();
    h.delete();
  };
  const pipe = medians(
    {
      ours: () => masks.forEach((m) => maskToPolygons(m)),
      core: () => mats.forEach((mat) => cvSimpleSeg(mat, false)),
      e2e: () =>
        masks.forEach((m) => {
          const mat = new cv.Mat(size, size, cv.CV_8UC1);
          mat.data.set(m.data);
          cvSimpleSeg(mat, true);
          mat.delete();
        }),
    },
    runs,
  );
  row(
    `maskToPolygons simpleseg ${size}²`,
    ...[pipe.ours, pipe.core, pipe.e2e].map((ms) => ms / masks.length),
  );

  const contours = masks
    .flatMap((m) => findContours(m, { mode: 'list', method: 'none' }).contours)
    .filter((c) => c.length > 20);
  const cvContours = contours.map((c) => cv.matFromArray(c.length, 1, cv.CV_32SC2, c.flat()));
  const eps = contours.map((c) => 0.001 * arcLength(c, true));
  const flat = contours.map((c) => Int32Array.from(c.flat()));
  const dp = medians(
    {
      ours: () => contours.forEach((c, i) => approxPolyDP(c, eps[i], true)),
      flat: () => flat.forEach((xy, i) => approxPolyDPIndices(xy, xy.length >> 1, true, eps[i])),
      core: () =>
        cvContours.forEach((m, i) => {
          const out = new cv.Mat();
          cv.approxPolyDP(m, out, eps[i], true);
          out.delete();
        }),
      e2e: () =>
        contours.forEach((c, i) => {
          const m = cv.matFromArray(c.length, 1, cv.CV_32SC2, c.flat());
          const out = new cv.Mat();
          cv.approxPolyDP(m, out, eps[i], true);
          const d = out.data32S;
          const pts = [];
          for (let k = 0; k < d.length; k += 2) pts.push([d[k], d[k + 1]]);
          m.delete();
          out.delete();
        }),
    },
    runs,
  );
  const [dpOurs, dpFlat, dpCore, dpE2e] = [dp.ours, dp.flat, dp.core, dp.e2e];
  row(`approxPolyDP ${size}² (${contours.length} curves)`, dpOurs, dpCore, dpE2e);
  console.log(
    `${'  flat core (approxPolyDPIndices)'.padEnd(34)} ours ${fmt(dpFlat)}  cv core ${fmt(dpCore)}  ratio ${(dpFlat / dpCore).toFixed(2)} (core)`,
  );

  const polys = contours.map((c, i) => approxPolyDP(c, eps[i], true));
  const polyMats = new cv.MatVector();
  for (const p of polys) polyMats.push_back(cv.matFromArray(p.length, 1, cv.CV_32SC2, p.flat()));
  const img = cv.Mat.zeros(size, size, cv.CV_8UC1);
  const target = { width: size, height: size, data: new Uint8Array(size * size) };
  const fp = medians(
    {
      ours: () => fillPoly(polys, size, size, { into: target }),
      oursNew: () => fillPoly(polys, size, size),
      core: () => cv.fillPoly(img, polyMats, new cv.Scalar(1), cv.LINE_8, 0),
      e2e: () => {
        const out = cv.Mat.zeros(size, size, cv.CV_8UC1);
        const vec = new cv.MatVector();
        const ms = polys.map((p) => cv.matFromArray(p.length, 1, cv.CV_32SC2, p.flat()));
        for (const m of ms) vec.push_back(m);
        cv.fillPoly(out, vec, new cv.Scalar(1), cv.LINE_8, 0);
        Uint8Array.from(out.data);
        for (const m of ms) m.delete();
        vec.delete();
        out.delete();
      },
    },
    runs,
  );
  const [fpOurs, fpOursNew, fpCore, fpE2e] = [fp.ours, fp.oursNew, fp.core, fp.e2e];
  console.log(
    `${`fillPoly ${size}²`.padEnd(34)} ours ${fmt(fpOurs)}  cv core ${fmt(fpCore)}  ratio ${(fpOurs / fpCore).toFixed(2)} (both draw into an existing image)\n${''.padEnd(34)} ours ${fmt(fpOursNew)}  cv e2e  ${fmt(fpE2e)}  ratio ${(fpOursNew / fpE2e).toFixed(2)} (both allocate the output)`,
  );

  const mb = (size * size * masks.length) / 1e6;
  const rles = masks.map((m) => rle.encode(m));
  const rl = medians(
    {
      enc: () => masks.forEach((m) => rle.encode(m)),
      dec: () => rles.forEach((r) => rle.decode(r)),
      iou: () =>
        rle.iou(
          rles,
          rles,
          rles.map(() => false),
        ),
      maskIou: () => masks.forEach((a) => masks.forEach((b) => maskIou(a, b))),
    },
    runs,
  );
  const [enc, dec, iou, mi] = [rl.enc, rl.dec, rl.iou, rl.maskIou];
  const pairs = (size * size * masks.length * masks.length) / 1e6;
  console.log(
    `${`rle ${size}²`.padEnd(34)} encode ${(mb / (enc / 1e3)).toFixed(0).padStart(6)} MB/s  decode ${(mb / (dec / 1e3)).toFixed(0).padStart(6)} MB/s  iou ${(pairs / (iou / 1e3)).toFixed(0).padStart(7)} MB/s (pixels of every pair)\n${''.padEnd(34)} maskIou ${(pairs / (mi / 1e3)).toFixed(0).padStart(6)} MB/s (two raw masks, every pair)\n`,
  );
  for (const m of mats) m.delete();
  polyMats.delete();
  img.delete();
}

// Many polygons at once: a row then crosses hundreds of edges, so per-row sorting dominates.
{
  const size = 2048;
  const r = rng(7);
  const blobs = Array.from({ length: 5000 }, () => {
    const cx = Math.floor(r() * size);
    const cy = Math.floor(r() * size);
    const k = 3 + Math.floor(r() * 6);
    return Array.from({ length: k }, (_, j) => {
      const a = (j / k) * 2 * Math.PI;
      const rad = 3 + r() * 12;
      return [Math.round(cx + rad * Math.cos(a)), Math.round(cy + rad * Math.sin(a))];
    });
  });
  const stripes = Array.from({ length: 2000 }, () => {
    const x0 = Math.floor(r() * size);
    const y0 = Math.floor((r() * size) / 2);
    const len = Math.floor((r() * size) / 2);
    const slope = r() * 2 - 1;
    return [
      [x0, y0],
      [x0 + 1, y0],
      [Math.round(x0 + 1 + slope * len), y0 + len],
      [Math.round(x0 + slope * len), y0 + len],
    ];
  });
  for (const [name, polys] of [
    ['5,000 small polygons', blobs],
    ['2,000 crossing stripes', stripes],
  ]) {
    const vec = new cv.MatVector();
    for (const p of polys) vec.push_back(cv.matFromArray(p.length, 1, cv.CV_32SC2, p.flat()));
    const img = cv.Mat.zeros(size, size, cv.CV_8UC1);
    const target = { width: size, height: size, data: new Uint8Array(size * size) };
    const t = medians(
      {
        ours: () => fillPoly(polys, size, size, { into: target }),
        core: () => cv.fillPoly(img, vec, new cv.Scalar(1), cv.LINE_8, 0),
      },
      5,
    );
    console.log(
      `${`fillPoly ${name} ${size}²`.padEnd(34)} ours ${fmt(t.ours)}  cv core ${fmt(t.core)}  ratio ${(t.ours / t.core).toFixed(2)} (core)`,
    );
    for (let i = 0; i < vec.size(); i++) vec.get(i).delete();
    vec.delete();
    img.delete();
  }
}
