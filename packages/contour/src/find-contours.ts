import { ContourError } from './errors';
import { checkMask, type Mask, type Point, setBytes, subarrayOf } from './mask';

/** Which contours to retrieve, as OpenCV's `RETR_*` modes. */
export type ContourMode = 'external' | 'list' | 'ccomp' | 'tree';
/** How to store a contour, as OpenCV's `CHAIN_APPROX_NONE` / `CHAIN_APPROX_SIMPLE`. */
export type ContourMethod = 'none' | 'simple';

export interface FindContoursOptions {
  /** Default `'list'`. */
  mode?: ContourMode;
  /** Default `'none'`. */
  method?: ContourMethod;
}

/** `[next, prev, firstChild, parent]` indices into `contours`, -1 when absent (OpenCV's layout). */
export type HierarchyEntry = [next: number, prev: number, firstChild: number, parent: number];

export interface ContoursResult {
  contours: Point[][];
  hierarchy: HierarchyEntry[];
}

/** Contours as flat `[x0, y0, x1, y1, ...]` arrays: the allocation-free form used internally. */
export interface FlatContoursResult {
  contours: Int32Array[];
  holes: boolean[];
  hierarchy: HierarchyEntry[];
}

const MODES: Record<ContourMode, number> = { external: 0, list: 1, ccomp: 2, tree: 3 };
// Chain code s → (dx, dy): 0 = right, counting counter-clockwise on screen (2 = up).
const CODE_DX = [1, 1, 0, -1, -1, -1, 0, 1];
const CODE_DY = [0, -1, -1, -1, 0, 1, 1, 1];

class PointBuffer {
  data = new Int32Array(256);
  length = 0;
  push(x: number, y: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
    this.data[this.length++] = y;
  }
  take(): Int32Array {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** A growable list of indices. */
class IndexList {
  data = new Int32Array(1024);
  length = 0;
  push(i: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = i;
  }
}

/**
 * Scratch memory reused across calls: a fresh multi-megabyte array costs a page fault on every
 * first touch, which dominated the run time on large masks. Labels are cleared after each call by
 * walking the list of written indices.
 */
const scratch = { fg: new Uint8Array(0), labels: new Int32Array(0), written: new IndexList() };

/** True when no byte of the 32-bit word is zero. */
const noZeroByte = (v: number) => ((v - 0x01010101) & ~v & 0x80808080) === 0;

/**
 * Follows one border (Suzuki & Abe, 1985, as OpenCV implements it) starting at `i0` in the padded
 * image, marking its pixels in `labels` with `label` (or `-label` where the right neighbour is
 * background and was examined), and appends its points (unpadded coordinates) to `out`.
 * `fg` holds the padded mask (non-zero = foreground) and is never written.
 */
function followBorder(
  fg: Uint8Array,
  labels: Int32Array,
  written: IndexList,
  deltas: Int32Array,
  i0: number,
  x0: number,
  y0: number,
  isHole: boolean,
  label: number,
  simple: boolean,
  out: PointBuffer,
): void {
  const sStart = isHole ? 0 : 4;
  let s = sStart;
  let i1 = 0;
  // Clockwise search for the first non-zero neighbour, starting next to the background pixel.
  do {
    s = (s - 1) & 7;
    i1 = i0 + deltas[s];
  } while (fg[i1] === 0 && s !== sStart);

  if (s === sStart) {
    labels[i0] = -label; // isolated pixel
    written.push(i0);
    out.push(x0, y0);
    return;
  }

  let i3 = i0;
  let prevS = s ^ 4;
  let x = x0;
  let y = y0;
  for (;;) {
    const sEnd = s;
    let i4 = 0;
    // Counter-clockwise search for the next border pixel, after the one we came from.
    do {
      s++;
      i4 = i3 + deltas[s];
    } while (fg[i4] === 0);
    s &= 7;

    if (s >= 1 && s <= sEnd) {
      if (labels[i3] === 0) written.push(i3);
      labels[i3] = -label;
    } else if (labels[i3] === 0) {
      labels[i3] = label;
      written.push(i3);
    }

    if (!simple || s !== prevS) {
      out.push(x, y);
      prevS = s;
    }
    x += CODE_DX[s];
    y += CODE_DY[s];

    if (i4 === i0 && i3 === i1) break;
    i3 = i4;
    s = (s + 4) & 7;
  }
}

/**
 * Finds contours like OpenCV's `cv.findContours`, returning flat `Int32Array` contours.
 * Same contours, order, start points and hierarchy as {@link findContours}.
 */
export function findContoursFlat(mask: Mask, options: FindContoursOptions = {}): FlatContoursResult {
  checkMask(mask);
  const modeName = options.mode ?? 'list';
  const methodName = options.method ?? 'none';
  const mode = MODES[modeName];
  if (mode === undefined) {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.mode must be 'external', 'list', 'ccomp' or 'tree', got ${String(modeName)}`,
    );
  }
  if (methodName !== 'none' && methodName !== 'simple') {
    throw new ContourError(
      'INVALID_ARGUMENT',
      `options.method must be 'none' or 'simple', got ${String(methodName)}`,
    );
  }
  const simple = methodName === 'simple';
  const { width: w, height: h, data } = mask;
  if (w === 0 || h === 0) return { contours: [], holes: [], hierarchy: [] };

  // Pad with a zero border (as cv.findContours does) so that edge pixels are traced normally.
  // OpenCV keeps one image whose foreground pixels turn into border labels; here the mask stays
  // as it is (any non-zero byte is foreground) and labels live in a separate array that only
  // border pixels ever touch. The scan then reads bytes, and LNBD (the last border met on the
  // row) is looked up in the labels only when a border starts.
  // Rows are padded to a multiple of 4 bytes so that the scan can skip uniform words.
  const stride = (w + 2 + 3) & ~3;
  const size = stride * (h + 2);
  if (scratch.fg.length < size) {
    scratch.fg = new Uint8Array(size);
    scratch.labels = new Int32Array(size);
  }
  const fg = scratch.fg;
  const labels = scratch.labels;
  const written = scratch.written;
  written.length = 0;
  fg.fill(0, 0, stride);
  fg.fill(0, (h + 1) * stride, size);
  for (let y = 0; y < h; y++) {
    const row = (y + 1) * stride;
    fg[row] = 0;
    setBytes.call(fg, subarrayOf.call(data, y * w, y * w + w), row + 1);
    // The right padding, 1 to 4 bytes: cheaper as stores than as a `fill` call.
    for (let x = row + w + 1; x < row + stride; x++) fg[x] = 0;
  }
  const words = new Uint32Array(fg.buffer, fg.byteOffset, size >> 2);
  const deltas = new Int32Array(16);
  for (let s = 0; s < 16; s++) deltas[s] = CODE_DX[s & 7] + CODE_DY[s & 7] * stride;

  const found: Int32Array[] = [];
  const isHoleOf: boolean[] = [];
  const parentOf: number[] = [];
  const buf = new PointBuffer();

  for (let y = 1; y <= h; y++) {
    const row = y * stride;
    const end = row + w;
    let prevFg = false;
    let lastStart = 0; // index of the last border start on this row, 0: none (the frame)
    for (let i = row + 1; i <= end; i++) {
      // Skip whole words of background (or of foreground) at once.
      while ((i & 3) === 0 && i + 3 <= end) {
        const v = words[i >> 2];
        if (prevFg ? v !== 0 && noZeroByte(v) : v === 0) i += 4;
        else break;
      }
      if (i > end) break;
      const isFg = fg[i] !== 0;
      if (isFg === prevFg) continue;
      prevFg = isFg;
      // Outer border: background then an unlabelled foreground pixel.
      // Hole border: a foreground pixel not marked as a right edge (label >= 0), then background.
      const isHole = !isFg;
      const startAt = isHole ? i - 1 : i;
      if (isHole ? labels[startAt] < 0 : labels[startAt] !== 0) continue;
      if (mode === 0 && isHole) continue;

      // LNBD: the nearest labelled pixel to the left (at most back to the last start).
      let lnbdVal = 0;
      let k = i - 1;
      const stop = lastStart > 0 ? lastStart : row;
      while (k > stop && labels[k] === 0) k--;
      if (k > stop || lastStart > 0) lnbdVal = labels[k];
      const hasLnbd = k > stop || lastStart > 0;
      if (mode === 0 && lnbdVal > 0) continue;

      let parent = -1;
      if (!(mode <= 1 || (!isHole && mode === 2) || !hasLnbd)) {
        const c = Math.abs(lnbdVal) - 2;
        parent = isHoleOf[c] === isHole ? parentOf[c] : c;
      }
      const label = found.length + 2;
      followBorder(
        fg,
        labels,
        written,
        deltas,
        startAt,
        startAt - row - 1,
        y - 1,
        isHole,
        label,
        simple,
        buf,
      );
      found.push(buf.take());
      isHoleOf.push(isHole);
      parentOf.push(parent);
      lastStart = startAt;
    }
  }
  for (let k = 0; k < written.length; k++) labels[written.data[k]] = 0;
  return arrangeAsOpenCV(found, isHoleOf, parentOf);
}

/**
 * Orders contours as OpenCV does: a pre-order walk of the contour tree in which each new contour
 * was inserted at the head of its parent's child list (so the sibling found last comes first).
 */
function arrangeAsOpenCV(found: Int32Array[], isHoleOf: boolean[], parentOf: number[]): FlatContoursResult {
  const n = found.length;
  const firstChild = new Int32Array(n + 1).fill(-1); // slot n: the frame
  const nextSibling = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = parentOf[i] < 0 ? n : parentOf[i];
    nextSibling[i] = firstChild[p];
    firstChild[p] = i;
  }
  const order: number[] = [];
  const stack: number[] = [];
  for (let c = firstChild[n]; c >= 0 || stack.length > 0; ) {
    if (c < 0) c = stack.pop()!;
    order.push(c);
    if (nextSibling[c] >= 0) stack.push(nextSibling[c]);
    c = firstChild[c];
  }
  const indexOf = new Int32Array(n);
  for (let k = 0; k < n; k++) indexOf[order[k]] = k;
  const prevSibling = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (nextSibling[i] >= 0) prevSibling[nextSibling[i]] = i;
  const at = (i: number) => (i < 0 ? -1 : indexOf[i]);
  return {
    contours: order.map((i) => found[i]),
    holes: order.map((i) => isHoleOf[i]),
    hierarchy: order.map((i) => [at(nextSibling[i]), at(prevSibling[i]), at(firstChild[i]), at(parentOf[i])]),
  };
}

/** Converts a flat `[x0, y0, x1, y1, ...]` array to `[x, y]` points. */
export function toPoints(flat: ArrayLike<number>): Point[] {
  if (flat === null || typeof flat !== 'object' || typeof flat.length !== 'number')
    throw new ContourError('INVALID_POINT', 'flat must be an array of coordinates [x0, y0, x1, y1, …]');
  const out: Point[] = new Array(flat.length >> 1);
  for (let i = 0, k = 0; k < out.length; i += 2, k++) out[k] = [flat[i], flat[i + 1]];
  return out;
}

/**
 * Finds the borders of the foreground with Suzuki–Abe border following, with OpenCV's conventions
 * (`cv.findContours` parity): the same contours in the same order (the sibling found last comes
 * first), the same start points, outer borders counter-clockwise on screen and holes clockwise,
 * and the same `[next, prev, firstChild, parent]` hierarchy. Pixels on the image edge are traced
 * normally (the image is padded with background, as OpenCV does). Foreground is 8-connected.
 *
 * @returns `{ contours, hierarchy }`; an empty mask gives empty arrays.
 * @throws ContourError `INVALID_MASK` / `INVALID_SIZE` for a malformed mask, `INVALID_ARGUMENT` for an unknown mode or method.
 * @example
 * const mask = { width: 4, height: 3, data: Uint8Array.from([0,0,0,0, 0,1,1,0, 0,1,1,0]) };
 * findContours(mask, { mode: 'external', method: 'simple' }).contours;
 * // → [[[1, 1], [1, 2], [2, 2], [2, 1]]]
 */
export function findContours(mask: Mask, options: FindContoursOptions = {}): ContoursResult {
  const flat = findContoursFlat(mask, options);
  return { contours: flat.contours.map(toPoints), hierarchy: flat.hierarchy };
}
