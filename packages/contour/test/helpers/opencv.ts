/**
 * OpenCV 4.12's own WASM build, the independent reference for contour, approximation and fill parity.
 */
import type { Mask, Point } from '../../src';

// biome-ignore lint/suspicious/noExplicitAny: the emscripten module is untyped here
export type CV = any;

let loaded: Promise<{ cv: CV }> | undefined;

/**
 * Loads the WASM build once. The emscripten module is itself a thenable that resolves to itself, so
 * it is wrapped in an object: returning it from an async function would make the promise adopt it forever.
 */
export function loadOpenCV(): Promise<{ cv: CV }> {
  if (!loaded) {
    loaded = new Promise((resolve) => {
      const cv = require('@techstark/opencv-js');
      if (cv.Mat) resolve({ cv });
      else cv.onRuntimeInitialized = () => resolve({ cv });
    });
  }
  return loaded;
}

export function maskToMat(cv: CV, mask: Mask): CV {
  const mat = new cv.Mat(mask.height, mask.width, cv.CV_8UC1);
  mat.data.set(mask.data);
  return mat;
}

const MODES = {
  external: 'RETR_EXTERNAL',
  list: 'RETR_LIST',
  ccomp: 'RETR_CCOMP',
  tree: 'RETR_TREE',
} as const;
const METHODS = { none: 'CHAIN_APPROX_NONE', simple: 'CHAIN_APPROX_SIMPLE' } as const;

export function cvFindContours(
  cv: CV,
  mask: Mask,
  mode: keyof typeof MODES,
  method: keyof typeof METHODS,
): { contours: Point[][]; hierarchy: number[][] } {
  const mat = maskToMat(cv, mask);
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  try {
    cv.findContours(mat, contours, hierarchy, cv[MODES[mode]], cv[METHODS[method]]);
    const out: Point[][] = [];
    for (let i = 0; i < contours.size(); i++) {
      const c = contours.get(i);
      const d: Int32Array = c.data32S;
      const pts: Point[] = [];
      for (let k = 0; k < d.length; k += 2) pts.push([d[k], d[k + 1]]);
      out.push(pts);
      c.delete();
    }
    const h: number[][] = [];
    const hd: Int32Array = hierarchy.data32S;
    for (let k = 0; k < out.length; k++) h.push(Array.from(hd.subarray(4 * k, 4 * k + 4)));
    return { contours: out, hierarchy: h };
  } finally {
    mat.delete();
    contours.delete();
    hierarchy.delete();
  }
}

export function pointsToMat(cv: CV, points: Point[]): CV {
  return cv.matFromArray(points.length, 1, cv.CV_32SC2, points.flat());
}

export function cvApproxPolyDP(cv: CV, points: Point[], epsilon: number, closed: boolean): Point[] {
  const src = pointsToMat(cv, points);
  const dst = new cv.Mat();
  try {
    cv.approxPolyDP(src, dst, epsilon, closed);
    const d: Int32Array = dst.data32S;
    const out: Point[] = [];
    for (let k = 0; k < d.length; k += 2) out.push([d[k], d[k + 1]]);
    return out;
  } finally {
    src.delete();
    dst.delete();
  }
}

/** `cv.approxPolyDP` on float32 points (OpenCV's `Point2f` path); points must be float32 values. */
export function cvApproxPolyDPFloat(cv: CV, points: Point[], epsilon: number, closed: boolean): Point[] {
  const src = cv.matFromArray(points.length, 1, cv.CV_32FC2, points.flat());
  const dst = new cv.Mat();
  try {
    cv.approxPolyDP(src, dst, epsilon, closed);
    const d: Float32Array = dst.data32F;
    const out: Point[] = [];
    for (let k = 0; k < d.length; k += 2) out.push([d[k], d[k + 1]]);
    return out;
  } finally {
    src.delete();
    dst.delete();
  }
}

export function cvArcLength(cv: CV, points: Point[], closed: boolean): number {
  const m = pointsToMat(cv, points);
  try {
    return cv.arcLength(m, closed);
  } finally {
    m.delete();
  }
}

export function cvContourArea(cv: CV, points: Point[], oriented: boolean): number {
  const m = pointsToMat(cv, points);
  try {
    return cv.contourArea(m, oriented);
  } finally {
    m.delete();
  }
}

export function cvFillPoly(cv: CV, polygons: Point[][], width: number, height: number): Uint8Array {
  const img = cv.Mat.zeros(height, width, cv.CV_8UC1);
  const vec = new cv.MatVector();
  const mats = polygons.map((p) => pointsToMat(cv, p));
  try {
    for (const m of mats) vec.push_back(m);
    cv.fillPoly(img, vec, new cv.Scalar(1), cv.LINE_8, 0);
    return Uint8Array.from(img.data);
  } finally {
    for (const m of mats) m.delete();
    vec.delete();
    img.delete();
  }
}
