import { ContourError } from './errors';
import { checkMask, checkMaskPixels, checkSize, type Mask } from './mask';

/** COCO's compressed RLE, exactly as in COCO JSON: column-major runs, starting with background. */
export interface CocoRle {
  size: [height: number, width: number];
  counts: string;
}

/** COCO's uncompressed RLE (used by crowd annotations in COCO JSON): the runs as numbers. */
export interface UncompressedRle {
  size: [height: number, width: number];
  counts: number[];
}

/** Runs decoded and validated: `counts` alternate background/foreground, summing to h·w. */
export interface Runs {
  h: number;
  w: number;
  counts: Uint32Array;
}

function checkRleSize(size: unknown, name: string): [number, number] {
  if (!Array.isArray(size) || size.length !== 2) {
    throw new ContourError(
      'INVALID_RLE',
      `${name}.size must be [height, width], got ${JSON.stringify(size)}`,
    );
  }
  checkSize(size[0], `${name}.size[0] (height)`);
  checkSize(size[1], `${name}.size[1] (width)`);
  return [size[0], size[1]];
}

/**
 * pycocotools' `rleToString`: LEB128-like 6-bit characters, delta-coded from the third run on.
 * @throws ContourError `INVALID_RLE` for a count that is not an integer in [0, 2^32).
 */
export function countsToString(counts: ArrayLike<number>): string {
  if (counts === null || typeof counts !== 'object' || typeof counts.length !== 'number')
    throw new ContourError('INVALID_RLE', 'counts must be an array of run lengths');
  let out = '';
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    // A count that is not a uint32 (NaN, ∞, fractional, negative) would never finish encoding.
    if (x >>> 0 !== x)
      throw new ContourError('INVALID_RLE', `counts[${i}] must be an integer in [0, 2^32), got ${String(x)}`);
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
    if (chars.length > 8192) {
      out += String.fromCharCode(...chars);
      chars.length = 0;
    }
  }
  return out + String.fromCharCode(...chars);
}

/**
 * pycocotools' `rleFrString`, validated: every character must be in '0'..'o', no value may be cut
 * off, runs must be non-negative and sum to h·w.
 * @throws ContourError `INVALID_RLE` naming the character offset.
 */
export function stringToCounts(s: string, h: number, w: number, name = 'rle'): Uint32Array {
  if (typeof s !== 'string') throw new ContourError('INVALID_RLE', `${name}.counts must be a string`);
  checkSize(h, `${name}.size[0] (height)`);
  checkSize(w, `${name}.size[1] (width)`);
  const out: number[] = [];
  let p = 0;
  let total = 0;
  while (p < s.length) {
    const valueStart = p;
    let x = 0;
    let k = 0;
    let scale = 1; // 32^k
    let more = true;
    while (more) {
      if (p >= s.length) {
        throw new ContourError(
          'INVALID_RLE',
          `${name}.counts is truncated: value at offset ${valueStart} is cut off at offset ${p}`,
          p,
        );
      }
      const code = s.charCodeAt(p);
      const c = code - 48;
      if (c < 0 || c > 63) {
        throw new ContourError(
          'INVALID_RLE',
          `${name}.counts has invalid character ${JSON.stringify(s[p])} at offset ${p} (expected '0'..'o')`,
          p,
        );
      }
      if (k >= 7) {
        throw new ContourError(
          'INVALID_RLE',
          `${name}.counts has a value longer than 7 characters at offset ${valueStart}`,
          valueStart,
        );
      }
      x += (c & 0x1f) * scale;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      scale *= 32;
      if (!more && c & 0x10) x -= scale;
    }
    const m = out.length;
    if (m > 2) x += out[m - 2];
    if (x < 0) {
      throw new ContourError(
        'INVALID_RLE',
        `${name}.counts decodes to a negative run (${x}) at offset ${valueStart}`,
        valueStart,
      );
    }
    checkRun(x, name, `the run at offset ${valueStart}`);
    total += x;
    if (total > h * w) {
      throw new ContourError(
        'INVALID_RLE',
        `${name}.counts runs exceed height*width = ${h * w} at offset ${valueStart}`,
        valueStart,
      );
    }
    out.push(x);
  }
  if (total !== h * w) {
    throw new ContourError(
      'INVALID_RLE',
      `${name}.counts runs sum to ${total}, expected height*width = ${h * w}`,
      s.length,
    );
  }
  return Uint32Array.from(out);
}

/** Runs are uint32: a longer one (possible only in images of over 2^32 pixels) would wrap. */
function checkRun(run: number, name: string, where: string): void {
  if (run > 0xffffffff)
    throw new ContourError(
      'INVALID_SIZE',
      `${name}: ${where} is ${run} pixels long; runs of 2^32 pixels or more are not supported`,
    );
}

/** Validates and decodes a compressed or uncompressed COCO RLE into runs. */
export function toRuns(r: CocoRle | UncompressedRle, name = 'rle'): Runs {
  if (r === null || typeof r !== 'object')
    throw new ContourError('INVALID_RLE', `${name} must be { size, counts }`);
  const [h, w] = checkRleSize((r as CocoRle).size, name);
  const counts = (r as CocoRle | UncompressedRle).counts;
  if (typeof counts === 'string') return { h, w, counts: stringToCounts(counts, h, w, name) };
  if (Array.isArray(counts)) {
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i];
      if (!Number.isInteger(c) || c < 0) {
        throw new ContourError(
          'INVALID_RLE',
          `${name}.counts[${i}] must be a non-negative integer, got ${String(c)}`,
        );
      }
      checkRun(c, name, `counts[${i}]`);
      total += c;
    }
    if (total !== h * w) {
      throw new ContourError(
        'INVALID_RLE',
        `${name}.counts sum to ${total}, expected height*width = ${h * w}`,
      );
    }
    return { h, w, counts: Uint32Array.from(counts) };
  }
  throw new ContourError(
    'INVALID_RLE',
    `${name}.counts must be a string (compressed) or an array of numbers`,
  );
}

function fromRuns(runs: Runs): CocoRle {
  return { size: [runs.h, runs.w], counts: countsToString(runs.counts) };
}

/**
 * Column-major runs of a row-major mask (pycocotools' `rleEncode` on a Fortran-order array).
 * Striding down columns is cache-hostile, so transitions are found row by row (each row against
 * the one above, four pixels per compare where alignment allows), bucketed by column, and the
 * runs are then read off column by column.
 */
export function encodeRuns(mask: Mask): Runs {
  checkMask(mask);
  const { width: w, height: h, data } = mask;
  if (w === 0 || h === 0) return { h, w, counts: Uint32Array.of(0) };
  let tx = new Int32Array(1024);
  let ty = new Int32Array(1024);
  let nt = 0;
  const perColumn = new Int32Array(w + 1);
  const transition = (x: number, y: number) => {
    if (nt === tx.length) {
      const gx = new Int32Array(nt * 2);
      gx.set(tx);
      tx = gx;
      const gy = new Int32Array(nt * 2);
      gy.set(ty);
      ty = gy;
    }
    tx[nt] = x;
    ty[nt++] = y;
    perColumn[x + 1]++;
  };
  const words =
    data.byteOffset % 4 === 0 && w % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, (w * h) >> 2)
      : null;
  const wordsPerRow = w >> 2;
  for (let y = 1; y < h; y++) {
    const row = y * w;
    if (words) {
      const wr = y * wordsPerRow;
      for (let q = 0; q < wordsPerRow; q++) {
        if (words[wr + q] === words[wr + q - wordsPerRow]) continue;
        for (let b = 0; b < 4; b++) {
          const i = row + 4 * q + b;
          if ((data[i] !== 0) !== (data[i - w] !== 0)) transition(4 * q + b, y);
        }
      }
    } else {
      for (let x = 0; x < w; x++) {
        const i = row + x;
        if ((data[i] !== 0) !== (data[i - w] !== 0)) transition(x, y);
      }
    }
  }
  // Counting sort by column keeps each column's transitions in row order.
  for (let x = 0; x < w; x++) perColumn[x + 1] += perColumn[x];
  const rows = new Int32Array(nt);
  const fill = perColumn.slice(0, w);
  for (let t = 0; t < nt; t++) rows[fill[tx[t]]++] = ty[t];

  const counts = new Uint32Array(nt + w + 2);
  let m = 0;
  let v = false;
  let runStart = 0;
  for (let x = 0; x < w; x++) {
    const base = x * h;
    const top = data[x] !== 0;
    if (top !== v) {
      counts[m++] = base - runStart;
      runStart = base;
      v = top;
    }
    for (let t = perColumn[x]; t < perColumn[x + 1]; t++) {
      const at = base + rows[t];
      counts[m++] = at - runStart;
      runStart = at;
      v = !v;
    }
  }
  counts[m++] = w * h - runStart;
  return { h, w, counts: counts.slice(0, m) };
}

/** Writes runs into a row-major mask. */
export function decodeRuns(runs: Runs): Mask {
  const { h, w, counts } = runs;
  const data = new Uint8Array(w * h);
  let pos = 0;
  for (let j = 0; j < counts.length; j++) {
    const len = counts[j];
    if (j & 1) {
      let x = Math.floor(pos / h);
      let y = pos - x * h;
      for (let k = 0; k < len; k++) {
        data[y * w + x] = 1;
        if (++y === h) {
          y = 0;
          x++;
        }
      }
    }
    pos += len;
  }
  return { width: w, height: h, data };
}

/**
 * pycocotools' `rleFrPoly`: rasterises one polygon `[x0, y0, x1, y1, ...]` (pixel coordinates).
 * No checks: h·w must be at most 2^31 − 1, as `rle.fromPolygon` and `polygonsToMask` check (the
 * runs and the sorted crossings are uint32).
 */
export function polygonRuns(xy: ArrayLike<number>, h: number, w: number): Runs {
  const k = xy.length >> 1;
  const scale = 5;
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = Math.trunc(scale * xy[2 * j] + 0.5);
  for (let j = 0; j < k; j++) y[j] = Math.trunc(scale * xy[2 * j + 1] + 0.5);
  x[k] = x[0];
  y[k] = y[0];
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
  const u = new Int32Array(m);
  const v = new Int32Array(m);
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = Math.trunc(ys + s * t + 0.5);
        m++;
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = Math.trunc(xs + s * t + 0.5);
        m++;
      }
    }
  }
  // Points where the boundary crosses a column of pixel centres, downsampled, as their pixel
  // index in column-major order: integers up to h·w < 2^32, sorted as uints (as pycocotools'
  // qsort does).
  const a = new Uint32Array(m + 1);
  let na = 0;
  for (let j = 1; j < m; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = Math.min(v[j], v[j - 1]);
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    a[na++] = xd * h + yd;
  }
  a[na++] = h * w;
  const sorted = a.subarray(0, na).sort();
  let prev = 0;
  for (let j = 0; j < na; j++) {
    const t = sorted[j];
    sorted[j] -= prev;
    prev = t;
  }
  // A zero-length run joins its neighbours (a run ending at a column's bottom, the next
  // starting at the following column's top).
  const b: number[] = [];
  let j = 0;
  b.push(sorted[j++]);
  while (j < na) {
    if (sorted[j] > 0) b.push(sorted[j++]);
    else {
      j++;
      if (j < na) b[b.length - 1] += sorted[j++];
    }
  }
  return { h, w, counts: Uint32Array.from(b) };
}

/** Foreground pixel count of runs (`rleArea`). */
export function runsArea(runs: Runs): number {
  let a = 0;
  for (let j = 1; j < runs.counts.length; j += 2) a += runs.counts[j];
  return a;
}

/** `rleToBbox`: `[x, y, w, h]`, all zero for an empty mask. */
export function runsBbox(runs: Runs): [number, number, number, number] {
  const { h, counts } = runs;
  const m = counts.length & ~1;
  if (m === 0) return [0, 0, 0, 0];
  let xs = runs.w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j];
    const t = (cc - (j % 2)) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * Intersection and union pixel counts of two run lists of the same size.
 * @throws ContourError `SIZE_MISMATCH` for lists of different sizes.
 */
export function runsIntersectionUnion(a: Runs, b: Runs): { intersection: number; union: number } {
  checkSameSize(a, b);
  const ka = a.counts.length;
  const kb = b.counts.length;
  let ca = a.counts[0];
  let cb = b.counts[0];
  let va = false;
  let vb = false;
  let ia = 1;
  let ib = 1;
  let inter = 0;
  let union = 0;
  let remaining = 1;
  while (remaining > 0) {
    const c = Math.min(ca, cb);
    // Unvalidated runs whose sums differ: one list has ended, the other cannot be matched.
    if (c === 0 && ((ca === 0 && ia >= ka) || (cb === 0 && ib >= kb))) break;
    if (va || vb) {
      union += c;
      if (va && vb) inter += c;
    }
    remaining = 0;
    ca -= c;
    if (!ca && ia < ka) {
      ca = a.counts[ia++];
      va = !va;
    }
    remaining += ca;
    cb -= c;
    if (!cb && ib < kb) {
      cb = b.counts[ib++];
      vb = !vb;
    }
    remaining += cb;
  }
  return { intersection: inter, union };
}

/**
 * `rleMerge`: union (or intersection) of run lists of the same size. The lists are merged in pairs,
 * round by round, so k lists of n runs in all cost O(n log k) rather than pycocotools' O(n·k) fold
 * (the same result: union and intersection are associative).
 * @throws ContourError `INVALID_ARGUMENT` for an empty list, `SIZE_MISMATCH` for lists of different sizes.
 */
export function mergeRuns(list: Runs[], intersect = false): Runs {
  if (!Array.isArray(list) || list.length === 0)
    throw new ContourError('INVALID_ARGUMENT', 'mergeRuns needs a non-empty array of run lists');
  // Every list is checked, the first too (a single list is returned as it is).
  for (let i = 0; i < list.length; i++) checkSameSize(list[0], list[i]);
  const { h, w } = list[0];
  let round: ArrayLike<number>[] = list.map((r) => r.counts);
  while (round.length > 1) {
    const next: ArrayLike<number>[] = [];
    for (let i = 0; i + 1 < round.length; i += 2) next.push(mergeTwo(round[i], round[i + 1], intersect));
    if (round.length % 2 === 1) next.push(round[round.length - 1]);
    round = next;
  }
  return { h, w, counts: round[0] instanceof Uint32Array ? round[0] : Uint32Array.from(round[0]) };
}

/** The union (or intersection) of two run lists over the same pixels: pycocotools' merge step. */
function mergeTwo(A: ArrayLike<number>, B: ArrayLike<number>, intersect: boolean): Uint32Array {
  // Each output run ends where a run of A or of B ends: at most |A| + |B| of them.
  const out = new Uint32Array(A.length + B.length);
  let n = 0;
  let ca = A[0];
  let cb = B[0];
  let v = false;
  let va = false;
  let vb = false;
  let ia = 1;
  let ib = 1;
  let cc = 0;
  let remaining = 1;
  while (remaining > 0) {
    const c = Math.min(ca, cb);
    if (c === 0 && ((ca === 0 && ia >= A.length) || (cb === 0 && ib >= B.length))) break;
    cc += c;
    remaining = 0;
    ca -= c;
    if (!ca && ia < A.length) {
      ca = A[ia++];
      va = !va;
    }
    remaining += ca;
    cb -= c;
    if (!cb && ib < B.length) {
      cb = B[ib++];
      vb = !vb;
    }
    remaining += cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || remaining === 0) {
      out[n++] = cc;
      cc = 0;
    }
  }
  return out.slice(0, n);
}

function checkSameSize(a: Runs, b: Runs): void {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object' || !a.counts || !b.counts)
    throw new ContourError('INVALID_ARGUMENT', 'run lists must be { h, w, counts }');
  if (a.h !== b.h || a.w !== b.w)
    throw new ContourError('SIZE_MISMATCH', `run lists of ${a.h}x${a.w} and ${b.h}x${b.w} pixels (h x w)`);
}

/** `bbIou` on `[x, y, w, h]` boxes; `out[d][g]`, crowd flags belong to the ground truths. */
export function bboxIouMatrix(dt: number[][], gt: number[][], iscrowd?: boolean[]): number[][] {
  return dt.map((D) => {
    const da = D[2] * D[3];
    return gt.map((G, g) => {
      const ga = G[2] * G[3];
      const w = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
      if (w <= 0) return 0;
      const hh = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
      if (hh <= 0) return 0;
      const i = w * hh;
      const u = iscrowd?.[g] ? da : da + ga - i;
      return i / u;
    });
  });
}

function checkRleList(rs: unknown, name: string): (CocoRle | UncompressedRle)[] {
  if (!Array.isArray(rs)) throw new ContourError('INVALID_ARGUMENT', `${name} must be an array of RLEs`);
  return rs;
}

function checkCrowd(iscrowd: unknown, n: number): boolean[] {
  if (!Array.isArray(iscrowd) || iscrowd.length !== n) {
    throw new ContourError(
      'SIZE_MISMATCH',
      `iscrowd must be an array with one flag per ground truth (${n}), got ${Array.isArray(iscrowd) ? `length ${iscrowd.length}` : String(iscrowd)}`,
    );
  }
  return iscrowd.map(Boolean);
}

/**
 * RLE IoU matrix, as pycocotools' `mask.iou(dt, gt, iscrowd)`: `out[d][g]`. For a crowd ground
 * truth the union is the detection's area. Boxes are compared first; disjoint boxes give 0.
 * @throws ContourError `SIZE_MISMATCH` when an RLE's size differs from the others or `iscrowd` has the wrong length; `INVALID_RLE` for corrupt RLEs.
 */
function iou(
  dt: (CocoRle | UncompressedRle)[],
  gt: (CocoRle | UncompressedRle)[],
  iscrowd: boolean[],
): number[][] {
  const D = checkRleList(dt, 'dt').map((r, i) => toRuns(r, `dt[${i}]`));
  const G = checkRleList(gt, 'gt').map((r, i) => toRuns(r, `gt[${i}]`));
  const crowd = checkCrowd(iscrowd, G.length);
  const all = [...D, ...G];
  for (let i = 1; i < all.length; i++) {
    if (all[i].h !== all[0].h || all[i].w !== all[0].w) {
      const which = i < D.length ? `dt[${i}]` : `gt[${i - D.length}]`;
      throw new ContourError(
        'SIZE_MISMATCH',
        `rle.iou: ${which} has size [${all[i].h}, ${all[i].w}] but ${D.length > 0 ? 'dt[0]' : 'gt[0]'} has [${all[0].h}, ${all[0].w}]`,
      );
    }
  }
  const boxes = bboxIouMatrix(D.map(runsBbox), G.map(runsBbox));
  return boxes.map((row, d) =>
    row.map((b, g) => {
      if (!(b > 0)) return b;
      const { intersection, union } = runsIntersectionUnion(D[d], G[g]);
      if (intersection === 0) return 0;
      return intersection / (crowd[g] ? runsArea(D[d]) : union);
    }),
  );
}

/**
 * COCO run-length encoding with pycocotools parity (byte-identical `counts` strings).
 * Every function accepts compressed (`counts: string`) or uncompressed (`counts: number[]`) RLEs.
 */
export const rle = {
  /**
   * Encodes a mask as compressed COCO RLE.
   * @example rle.encode({ width: 2, height: 2, data: Uint8Array.from([0, 1, 1, 1]) }); // → { size: [2, 2], counts: '11' }
   */
  encode(mask: Mask): CocoRle {
    return fromRuns(encodeRuns(mask));
  },
  /** Decodes a COCO RLE into a mask. @throws ContourError `INVALID_RLE` (with `offset`) for corrupt strings. */
  decode(r: CocoRle | UncompressedRle): Mask {
    const runs = toRuns(r);
    checkMaskPixels(runs.w, runs.h, 'RLE');
    return decodeRuns(runs);
  },
  /**
   * Rasterises one polygon `[x0, y0, x1, y1, ...]` in pixel coordinates like pycocotools'
   * `frPyObjects([xy], h, w)`: pixel (x, y) is inside when its centre is. Points may lie outside the image.
   * @throws ContourError `INVALID_POINT` for NaN/∞ or an odd-length array, `INVALID_SIZE` for bad
   *   sizes or more than 2^31 − 1 pixels.
   */
  fromPolygon(xy: number[], height: number, width: number): CocoRle {
    checkSize(height, 'height');
    checkSize(width, 'width');
    checkMaskPixels(width, height, 'polygon image');
    if (!Array.isArray(xy) && !ArrayBuffer.isView(xy))
      throw new ContourError('INVALID_POINT', 'xy must be a flat array [x0, y0, x1, y1, ...]');
    if (xy.length % 2 !== 0)
      throw new ContourError('INVALID_POINT', `xy must have an even length, got ${xy.length}`);
    for (let i = 0; i < xy.length; i++) {
      if (!Number.isFinite(xy[i]) || Math.abs(xy[i]) > 1e8) {
        throw new ContourError(
          'INVALID_POINT',
          `xy[${i}] must be a finite number within ±1e8, got ${String(xy[i])}`,
        );
      }
    }
    return fromRuns(polygonRuns(xy, height, width));
  },
  /** Foreground area in pixels (`rleArea`). */
  area(r: CocoRle | UncompressedRle): number {
    return runsArea(toRuns(r));
  },
  /** Bounding box `[x, y, w, h]` (`rleToBbox`), `[0, 0, 0, 0]` when empty. */
  toBbox(r: CocoRle | UncompressedRle): [x: number, y: number, w: number, h: number] {
    return runsBbox(toRuns(r));
  },
  iou,
  /**
   * Union (default) or intersection of RLEs of one size (`rleMerge`). An empty list gives a 0×0 RLE.
   * @throws ContourError `SIZE_MISMATCH` when sizes differ.
   */
  merge(rs: (CocoRle | UncompressedRle)[], intersect = false): CocoRle {
    const runs = checkRleList(rs, 'rs').map((r, i) => toRuns(r, `rs[${i}]`));
    if (runs.length === 0) return { size: [0, 0], counts: '' };
    for (let i = 1; i < runs.length; i++) {
      if (runs[i].h !== runs[0].h || runs[i].w !== runs[0].w) {
        throw new ContourError(
          'SIZE_MISMATCH',
          `rle.merge: rs[${i}] has size [${runs[i].h}, ${runs[i].w}] but rs[0] has [${runs[0].h}, ${runs[0].w}]`,
        );
      }
    }
    return fromRuns(mergeRuns(runs, intersect));
  },
};

/**
 * Box IoU matrix on `[x, y, w, h]` boxes, as pycocotools' `mask.iou` on boxes: `out[d][g]`.
 * @throws ContourError `INVALID_ARGUMENT` for malformed boxes, `SIZE_MISMATCH` for a wrong `iscrowd` length.
 */
export function bboxIou(dt: number[][], gt: number[][], iscrowd: boolean[]): number[][] {
  const check = (boxes: unknown, name: string) => {
    if (!Array.isArray(boxes))
      throw new ContourError('INVALID_ARGUMENT', `${name} must be an array of [x, y, w, h] boxes`);
    boxes.forEach((b, i) => {
      if (!Array.isArray(b) || b.length !== 4 || !b.every(Number.isFinite)) {
        throw new ContourError(
          'INVALID_ARGUMENT',
          `${name}[${i}] must be [x, y, w, h] with finite numbers, got ${JSON.stringify(b)}`,
        );
      }
    });
  };
  check(dt, 'dt');
  check(gt, 'gt');
  return bboxIouMatrix(dt, gt, checkCrowd(iscrowd, gt.length));
}
