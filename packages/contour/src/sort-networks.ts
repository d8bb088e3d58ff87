/**
 * Sorting a row's crossings, which come a handful at a time (on COCO-like shapes rows cross 2 to
 * 12 edges). Insertion sort mispredicts a branch for about every element it moves; a sorting
 * network does the same fixed comparisons whatever the order, as branch-free min/max. The
 * networks for 4 to 12 inputs have the fewest comparators known for their size (5, 12, 19, 29,
 * 39; see Knuth, TAOCP vol. 3, 5.3.4). `test/sort-networks.test.ts` runs each on every input of
 * 0s and 1s, which by the zero-one principle proves that it sorts every input. Each function
 * applies its comparator list in order, unrolled over locals.
 */

/** A row's crossings: int32 16.16 or pixel values, or doubles for images 32k pixels wide. */
export type Crossings = Int32Array | Float64Array;

/**
 * Sorts `xs[s … e)` ascending: networks for 2 to 12 values (even counts, as rows have), insertion
 * sort up to 48, and the native sort above that, which keeps a row's cost at k·log k where
 * insertion sort's grows with k².
 */
export function sortCrossings(xs: Crossings, s: number, e: number): void {
  const k = e - s;
  if (k === 2) {
    const a = xs[s];
    const b = xs[s + 1];
    xs[s] = Math.min(a, b);
    xs[s + 1] = Math.max(a, b);
  } else if (k === 4) sort4(xs, s);
  else if (k === 6) sort6(xs, s);
  else if (k === 8) sort8(xs, s);
  else if (k === 10) sort10(xs, s);
  else if (k === 12) sort12(xs, s);
  else if (k > 48) xs.subarray(s, e).sort();
  else
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
export function sort4(xs: Crossings, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let t: number;
  t = Math.min(a0, a1);
  a1 = Math.max(a0, a1);
  a0 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a0, a2);
  a2 = Math.max(a0, a2);
  a0 = t;
  t = Math.min(a1, a3);
  a3 = Math.max(a1, a3);
  a1 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  xs[s] = a0;
  xs[s + 1] = a1;
  xs[s + 2] = a2;
  xs[s + 3] = a3;
}

/**
 * Sorts `xs[s … s + 6)` with 12 comparators, in this order:
 * 0:5 1:3 2:4 1:2 3:4 0:3 2:5 0:1 2:3 4:5 1:2 3:4
 */
export function sort6(xs: Crossings, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let t: number;
  t = Math.min(a0, a5);
  a5 = Math.max(a0, a5);
  a0 = t;
  t = Math.min(a1, a3);
  a3 = Math.max(a1, a3);
  a1 = t;
  t = Math.min(a2, a4);
  a4 = Math.max(a2, a4);
  a2 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
  t = Math.min(a0, a3);
  a3 = Math.max(a0, a3);
  a0 = t;
  t = Math.min(a2, a5);
  a5 = Math.max(a2, a5);
  a2 = t;
  t = Math.min(a0, a1);
  a1 = Math.max(a0, a1);
  a0 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a4, a5);
  a5 = Math.max(a4, a5);
  a4 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
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
export function sort8(xs: Crossings, s: number): void {
  let a0 = xs[s];
  let a1 = xs[s + 1];
  let a2 = xs[s + 2];
  let a3 = xs[s + 3];
  let a4 = xs[s + 4];
  let a5 = xs[s + 5];
  let a6 = xs[s + 6];
  let a7 = xs[s + 7];
  let t: number;
  t = Math.min(a0, a2);
  a2 = Math.max(a0, a2);
  a0 = t;
  t = Math.min(a1, a3);
  a3 = Math.max(a1, a3);
  a1 = t;
  t = Math.min(a4, a6);
  a6 = Math.max(a4, a6);
  a4 = t;
  t = Math.min(a5, a7);
  a7 = Math.max(a5, a7);
  a5 = t;
  t = Math.min(a0, a4);
  a4 = Math.max(a0, a4);
  a0 = t;
  t = Math.min(a1, a5);
  a5 = Math.max(a1, a5);
  a1 = t;
  t = Math.min(a2, a6);
  a6 = Math.max(a2, a6);
  a2 = t;
  t = Math.min(a3, a7);
  a7 = Math.max(a3, a7);
  a3 = t;
  t = Math.min(a0, a1);
  a1 = Math.max(a0, a1);
  a0 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a4, a5);
  a5 = Math.max(a4, a5);
  a4 = t;
  t = Math.min(a6, a7);
  a7 = Math.max(a6, a7);
  a6 = t;
  t = Math.min(a2, a4);
  a4 = Math.max(a2, a4);
  a2 = t;
  t = Math.min(a3, a5);
  a5 = Math.max(a3, a5);
  a3 = t;
  t = Math.min(a1, a4);
  a4 = Math.max(a1, a4);
  a1 = t;
  t = Math.min(a3, a6);
  a6 = Math.max(a3, a6);
  a3 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
  t = Math.min(a5, a6);
  a6 = Math.max(a5, a6);
  a5 = t;
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
 * 0:8 1:9 2:7 3:5 4:6 0:2 1:4 5:8 7:9 0:3 2:4 5:7 6:9 0:1 3:6 8:9 1:5 2:3 4:8 6:7 1:2 3:5
 * 4:6 7:8 2:3 4:5 6:7 3:4 5:6
 */
export function sort10(xs: Crossings, s: number): void {
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
  let t: number;
  t = Math.min(a0, a8);
  a8 = Math.max(a0, a8);
  a0 = t;
  t = Math.min(a1, a9);
  a9 = Math.max(a1, a9);
  a1 = t;
  t = Math.min(a2, a7);
  a7 = Math.max(a2, a7);
  a2 = t;
  t = Math.min(a3, a5);
  a5 = Math.max(a3, a5);
  a3 = t;
  t = Math.min(a4, a6);
  a6 = Math.max(a4, a6);
  a4 = t;
  t = Math.min(a0, a2);
  a2 = Math.max(a0, a2);
  a0 = t;
  t = Math.min(a1, a4);
  a4 = Math.max(a1, a4);
  a1 = t;
  t = Math.min(a5, a8);
  a8 = Math.max(a5, a8);
  a5 = t;
  t = Math.min(a7, a9);
  a9 = Math.max(a7, a9);
  a7 = t;
  t = Math.min(a0, a3);
  a3 = Math.max(a0, a3);
  a0 = t;
  t = Math.min(a2, a4);
  a4 = Math.max(a2, a4);
  a2 = t;
  t = Math.min(a5, a7);
  a7 = Math.max(a5, a7);
  a5 = t;
  t = Math.min(a6, a9);
  a9 = Math.max(a6, a9);
  a6 = t;
  t = Math.min(a0, a1);
  a1 = Math.max(a0, a1);
  a0 = t;
  t = Math.min(a3, a6);
  a6 = Math.max(a3, a6);
  a3 = t;
  t = Math.min(a8, a9);
  a9 = Math.max(a8, a9);
  a8 = t;
  t = Math.min(a1, a5);
  a5 = Math.max(a1, a5);
  a1 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a4, a8);
  a8 = Math.max(a4, a8);
  a4 = t;
  t = Math.min(a6, a7);
  a7 = Math.max(a6, a7);
  a6 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  t = Math.min(a3, a5);
  a5 = Math.max(a3, a5);
  a3 = t;
  t = Math.min(a4, a6);
  a6 = Math.max(a4, a6);
  a4 = t;
  t = Math.min(a7, a8);
  a8 = Math.max(a7, a8);
  a7 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a4, a5);
  a5 = Math.max(a4, a5);
  a4 = t;
  t = Math.min(a6, a7);
  a7 = Math.max(a6, a7);
  a6 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
  t = Math.min(a5, a6);
  a6 = Math.max(a5, a6);
  a5 = t;
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
 * 0:8 1:7 2:6 3:11 4:10 5:9 0:1 2:5 3:4 6:9 7:8 10:11 0:2 1:6 5:10 9:11 0:3 1:2 4:6 5:7 8:11
 * 9:10 1:4 3:5 6:8 7:10 1:3 2:5 6:9 8:10 2:3 4:5 6:7 8:9 4:6 5:7 3:4 5:6 7:8
 */
export function sort12(xs: Crossings, s: number): void {
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
  let t: number;
  t = Math.min(a0, a8);
  a8 = Math.max(a0, a8);
  a0 = t;
  t = Math.min(a1, a7);
  a7 = Math.max(a1, a7);
  a1 = t;
  t = Math.min(a2, a6);
  a6 = Math.max(a2, a6);
  a2 = t;
  t = Math.min(a3, a11);
  a11 = Math.max(a3, a11);
  a3 = t;
  t = Math.min(a4, a10);
  a10 = Math.max(a4, a10);
  a4 = t;
  t = Math.min(a5, a9);
  a9 = Math.max(a5, a9);
  a5 = t;
  t = Math.min(a0, a1);
  a1 = Math.max(a0, a1);
  a0 = t;
  t = Math.min(a2, a5);
  a5 = Math.max(a2, a5);
  a2 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
  t = Math.min(a6, a9);
  a9 = Math.max(a6, a9);
  a6 = t;
  t = Math.min(a7, a8);
  a8 = Math.max(a7, a8);
  a7 = t;
  t = Math.min(a10, a11);
  a11 = Math.max(a10, a11);
  a10 = t;
  t = Math.min(a0, a2);
  a2 = Math.max(a0, a2);
  a0 = t;
  t = Math.min(a1, a6);
  a6 = Math.max(a1, a6);
  a1 = t;
  t = Math.min(a5, a10);
  a10 = Math.max(a5, a10);
  a5 = t;
  t = Math.min(a9, a11);
  a11 = Math.max(a9, a11);
  a9 = t;
  t = Math.min(a0, a3);
  a3 = Math.max(a0, a3);
  a0 = t;
  t = Math.min(a1, a2);
  a2 = Math.max(a1, a2);
  a1 = t;
  t = Math.min(a4, a6);
  a6 = Math.max(a4, a6);
  a4 = t;
  t = Math.min(a5, a7);
  a7 = Math.max(a5, a7);
  a5 = t;
  t = Math.min(a8, a11);
  a11 = Math.max(a8, a11);
  a8 = t;
  t = Math.min(a9, a10);
  a10 = Math.max(a9, a10);
  a9 = t;
  t = Math.min(a1, a4);
  a4 = Math.max(a1, a4);
  a1 = t;
  t = Math.min(a3, a5);
  a5 = Math.max(a3, a5);
  a3 = t;
  t = Math.min(a6, a8);
  a8 = Math.max(a6, a8);
  a6 = t;
  t = Math.min(a7, a10);
  a10 = Math.max(a7, a10);
  a7 = t;
  t = Math.min(a1, a3);
  a3 = Math.max(a1, a3);
  a1 = t;
  t = Math.min(a2, a5);
  a5 = Math.max(a2, a5);
  a2 = t;
  t = Math.min(a6, a9);
  a9 = Math.max(a6, a9);
  a6 = t;
  t = Math.min(a8, a10);
  a10 = Math.max(a8, a10);
  a8 = t;
  t = Math.min(a2, a3);
  a3 = Math.max(a2, a3);
  a2 = t;
  t = Math.min(a4, a5);
  a5 = Math.max(a4, a5);
  a4 = t;
  t = Math.min(a6, a7);
  a7 = Math.max(a6, a7);
  a6 = t;
  t = Math.min(a8, a9);
  a9 = Math.max(a8, a9);
  a8 = t;
  t = Math.min(a4, a6);
  a6 = Math.max(a4, a6);
  a4 = t;
  t = Math.min(a5, a7);
  a7 = Math.max(a5, a7);
  a5 = t;
  t = Math.min(a3, a4);
  a4 = Math.max(a3, a4);
  a3 = t;
  t = Math.min(a5, a6);
  a6 = Math.max(a5, a6);
  a5 = t;
  t = Math.min(a7, a8);
  a8 = Math.max(a7, a8);
  a7 = t;
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
