/**
 * Sorting a row's crossings, which come a handful at a time (on COCO-like shapes rows cross 2 to
 * 12 edges). Insertion sort mispredicts a branch for about every element it moves; a sorting
 * network does the same fixed comparisons whatever the order. The networks for 4 to 12 inputs
 * have the fewest comparators known for their size (5, 12, 19, 29, 39; see Knuth, TAOCP vol. 3,
 * 5.3.4). `test/sort-networks.test.ts` runs each on every input of 0s and 1s, which by the
 * zero-one principle proves that it sorts every input. Each function applies its comparator list
 * in order, unrolled over locals.
 *
 * A comparator is integer arithmetic, d = min(aj − ai, 0) as (aj − ai) & ((aj − ai) >> 31), then
 * ai + d and aj − d: no branch, so unordered rows cost what ordered ones do (a compare and a
 * branch would mispredict half the time on them). The arithmetic is exact while every difference
 * aj − ai fits in int32, which is why these take int32 values within ±2^30 (or any two values
 * less than 2^31 apart, as fillPoly's crossings are).
 */

/**
 * Sorts `xs[s … e)` ascending, for int32 values any two of which differ by less than 2^31:
 * networks for 2 to 12 values (even counts, as rows have), insertion sort up to 48, and the native
 * sort above that, which keeps a row's cost at k·log k where insertion sort's grows with k².
 */
export function sortCrossings(xs: Int32Array, s: number, e: number): void {
  const k = e - s;
  if (k === 2) {
    const a = xs[s];
    const b = xs[s + 1];
    const d = (b - a) & ((b - a) >> 31);
    xs[s] = (a + d) | 0;
    xs[s + 1] = (b - d) | 0;
  } else if (k === 4) sort4(xs, s);
  else if (k === 6) sort6(xs, s);
  else if (k === 8) sort8(xs, s);
  else if (k === 10) sort10(xs, s);
  else if (k === 12) sort12(xs, s);
  else if (k > 48) xs.subarray(s, e).sort();
  else insertionSort(xs, s, e);
}

/**
 * Sorts `xs[s … e)` ascending for crossings held as doubles (images 32k pixels wide or more, a
 * rare case): insertion sort up to 48 values, the native sort above.
 */
export function sortWideCrossings(xs: Float64Array, s: number, e: number): void {
  if (e - s > 48) xs.subarray(s, e).sort();
  else insertionSort(xs, s, e);
}

function insertionSort(xs: Int32Array | Float64Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const v = xs[i];
    let j = i - 1;
    while (j >= s && xs[j] > v) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = v;
  }
}

/**
 * Sorts `xs[s … s + 4)` with 5 comparators, in this order:
 * 0:1 2:3 0:2 1:3 1:2
 */
export function sort4(xs: Int32Array, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let d: number;
  d = (a1 - a0) & ((a1 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a1 = (a1 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a2 - a0) & ((a2 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a3 - a1) & ((a3 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
}

/**
 * Sorts `xs[s … s + 6)` with 12 comparators, in this order:
 * 0:5 1:3 2:4 1:2 3:4 0:3 2:5 0:1 2:3 4:5 1:2 3:4
 */
export function sort6(xs: Int32Array, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let d: number;
  d = (a5 - a0) & ((a5 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a3 - a1) & ((a3 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a4 - a2) & ((a4 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a3 - a0) & ((a3 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a2) & ((a5 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a1 - a0) & ((a1 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a1 = (a1 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a4) & ((a5 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
  xs[s + 4] = a4;
  xs[s + 5] = a5;
}

/**
 * Sorts `xs[s … s + 8)` with 19 comparators, in this order:
 * 0:2 1:3 4:6 5:7 0:4 1:5 2:6 3:7 0:1 2:3 4:5 6:7 2:4 3:5 1:4 3:6 1:2 3:4 5:6
 */
export function sort8(xs: Int32Array, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let a6 = xs[s + 6];
  let a7 = xs[s + 7];
  let d: number;
  d = (a2 - a0) & ((a2 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a3 - a1) & ((a3 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a6 - a4) & ((a6 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a7 - a5) & ((a7 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a4 - a0) & ((a4 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a5 - a1) & ((a5 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a6 - a2) & ((a6 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a7 - a3) & ((a7 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a1 - a0) & ((a1 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a1 = (a1 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a4) & ((a5 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a7 - a6) & ((a7 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a4 - a2) & ((a4 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a5 - a3) & ((a5 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a4 - a1) & ((a4 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a6 - a3) & ((a6 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a6 - a5) & ((a6 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a6 = (a6 - d) | 0;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
  xs[s + 4] = a4;
  xs[s + 5] = a5;
  xs[s + 6] = a6;
  xs[s + 7] = a7;
}

/**
 * Sorts `xs[s … s + 10)` with 29 comparators, in this order:
 * 0:8 1:9 2:7 3:5 4:6 0:2 1:4 5:8 7:9 0:3 2:4 5:7 6:9 0:1 3:6 8:9 1:5 2:3 4:8 6:7 1:2 3:5 4:6 7:8
 * 2:3 4:5 6:7 3:4 5:6
 */
export function sort10(xs: Int32Array, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let a6 = xs[s + 6];
  let a7 = xs[s + 7];
  let a8 = xs[s + 8];
  let a9 = xs[s + 9];
  let d: number;
  d = (a8 - a0) & ((a8 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a9 - a1) & ((a9 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a7 - a2) & ((a7 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a5 - a3) & ((a5 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a6 - a4) & ((a6 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a2 - a0) & ((a2 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a4 - a1) & ((a4 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a8 - a5) & ((a8 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a9 - a7) & ((a9 - a7) >> 31);
  a7 = (a7 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a3 - a0) & ((a3 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a4 - a2) & ((a4 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a7 - a5) & ((a7 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a9 - a6) & ((a9 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a1 - a0) & ((a1 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a1 = (a1 - d) | 0;
  d = (a6 - a3) & ((a6 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a9 - a8) & ((a9 - a8) >> 31);
  a8 = (a8 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a5 - a1) & ((a5 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a8 - a4) & ((a8 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a7 - a6) & ((a7 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a5 - a3) & ((a5 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a6 - a4) & ((a6 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a8 - a7) & ((a8 - a7) >> 31);
  a7 = (a7 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a4) & ((a5 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a7 - a6) & ((a7 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a6 - a5) & ((a6 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a6 = (a6 - d) | 0;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
  xs[s + 4] = a4;
  xs[s + 5] = a5;
  xs[s + 6] = a6;
  xs[s + 7] = a7;
  xs[s + 8] = a8;
  xs[s + 9] = a9;
}

/**
 * Sorts `xs[s … s + 12)` with 39 comparators, in this order:
 * 0:8 1:7 2:6 3:11 4:10 5:9 0:1 2:5 3:4 6:9 7:8 10:11 0:2 1:6 5:10 9:11 0:3 1:2 4:6 5:7 8:11 9:10
 * 1:4 3:5 6:8 7:10 1:3 2:5 6:9 8:10 2:3 4:5 6:7 8:9 4:6 5:7 3:4 5:6 7:8
 */
export function sort12(xs: Int32Array, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let a6 = xs[s + 6];
  let a7 = xs[s + 7];
  let a8 = xs[s + 8];
  let a9 = xs[s + 9];
  let a10 = xs[s + 10];
  let a11 = xs[s + 11];
  let d: number;
  d = (a8 - a0) & ((a8 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a7 - a1) & ((a7 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a6 - a2) & ((a6 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a11 - a3) & ((a11 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a11 = (a11 - d) | 0;
  d = (a10 - a4) & ((a10 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a10 = (a10 - d) | 0;
  d = (a9 - a5) & ((a9 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a1 - a0) & ((a1 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a1 = (a1 - d) | 0;
  d = (a5 - a2) & ((a5 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a9 - a6) & ((a9 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a8 - a7) & ((a8 - a7) >> 31);
  a7 = (a7 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a11 - a10) & ((a11 - a10) >> 31);
  a10 = (a10 + d) | 0;
  a11 = (a11 - d) | 0;
  d = (a2 - a0) & ((a2 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a6 - a1) & ((a6 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a10 - a5) & ((a10 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a10 = (a10 - d) | 0;
  d = (a11 - a9) & ((a11 - a9) >> 31);
  a9 = (a9 + d) | 0;
  a11 = (a11 - d) | 0;
  d = (a3 - a0) & ((a3 - a0) >> 31);
  a0 = (a0 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a2 - a1) & ((a2 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a2 = (a2 - d) | 0;
  d = (a6 - a4) & ((a6 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a7 - a5) & ((a7 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a11 - a8) & ((a11 - a8) >> 31);
  a8 = (a8 + d) | 0;
  a11 = (a11 - d) | 0;
  d = (a10 - a9) & ((a10 - a9) >> 31);
  a9 = (a9 + d) | 0;
  a10 = (a10 - d) | 0;
  d = (a4 - a1) & ((a4 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a5 - a3) & ((a5 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a8 - a6) & ((a8 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a8 = (a8 - d) | 0;
  d = (a10 - a7) & ((a10 - a7) >> 31);
  a7 = (a7 + d) | 0;
  a10 = (a10 - d) | 0;
  d = (a3 - a1) & ((a3 - a1) >> 31);
  a1 = (a1 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a2) & ((a5 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a9 - a6) & ((a9 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a10 - a8) & ((a10 - a8) >> 31);
  a8 = (a8 + d) | 0;
  a10 = (a10 - d) | 0;
  d = (a3 - a2) & ((a3 - a2) >> 31);
  a2 = (a2 + d) | 0;
  a3 = (a3 - d) | 0;
  d = (a5 - a4) & ((a5 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a5 = (a5 - d) | 0;
  d = (a7 - a6) & ((a7 - a6) >> 31);
  a6 = (a6 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a9 - a8) & ((a9 - a8) >> 31);
  a8 = (a8 + d) | 0;
  a9 = (a9 - d) | 0;
  d = (a6 - a4) & ((a6 - a4) >> 31);
  a4 = (a4 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a7 - a5) & ((a7 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a7 = (a7 - d) | 0;
  d = (a4 - a3) & ((a4 - a3) >> 31);
  a3 = (a3 + d) | 0;
  a4 = (a4 - d) | 0;
  d = (a6 - a5) & ((a6 - a5) >> 31);
  a5 = (a5 + d) | 0;
  a6 = (a6 - d) | 0;
  d = (a8 - a7) & ((a8 - a7) >> 31);
  a7 = (a7 + d) | 0;
  a8 = (a8 - d) | 0;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
  xs[s + 4] = a4;
  xs[s + 5] = a5;
  xs[s + 6] = a6;
  xs[s + 7] = a7;
  xs[s + 8] = a8;
  xs[s + 9] = a9;
  xs[s + 10] = a10;
  xs[s + 11] = a11;
}
