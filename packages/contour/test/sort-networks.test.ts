/** The row sorts behind fillPoly: each network proved by the 0-1 principle, the dispatch by fast-check. */
import fc from 'fast-check';
import { sort4, sort6, sort8, sort10, sort12, sortCrossings, sortWideCrossings } from '../src/sort-networks';

describe('sorting networks', () => {
  // A comparator network sorts every input if and only if it sorts every input of 0s and 1s
  // (the zero-one principle: Knuth, TAOCP 5.3.4, Theorem Z), so these 2^n cases prove each one.
  test.each([
    [4, sort4],
    [6, sort6],
    [8, sort8],
    [10, sort10],
    [12, sort12],
  ] as const)('the %i-input network sorts all 0/1 inputs', (n, sort) => {
    const failures: string[] = [];
    const xs = new Int32Array(n + 2);
    for (let m = 0; m < 1 << n; m++) {
      xs[0] = -7;
      xs[n + 1] = -7;
      for (let i = 0; i < n; i++) xs[1 + i] = (m >> i) & 1;
      sort(xs, 1);
      let ok = xs[0] === -7 && xs[n + 1] === -7;
      for (let i = 2; i <= n; i++) if (xs[i - 1] > xs[i]) ok = false;
      let ones = 0;
      for (let i = 1; i <= n; i++) ones += xs[i];
      if (!ok || ones !== popcount(m)) failures.push(m.toString(2));
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test('sortCrossings sorts any run of int32 values less than 2^31 apart, leaving the rest alone', () => {
    // ±2^30 bounds every difference below 2^31: the comparators' integer arithmetic is exact
    // there, and the extremes are weighted in (fillPoly's crossings reach −2^16 and 32767·2^16).
    const value = fc.oneof(
      fc.integer({ min: -(2 ** 30), max: 2 ** 30 - 1 }),
      fc.constantFrom(-(2 ** 30), 2 ** 30 - 1, -1, 0, 1),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 70 }), fc.nat(5), fc.nat(5), (values, before, after) => {
        const xs = Int32Array.from([...Array(before).fill(3), ...values, ...Array(after).fill(-3)]);
        const expected = sortedRun(xs, before, before + values.length);
        sortCrossings(xs, before, before + values.length);
        expect(Array.from(xs)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  test('sortWideCrossings sorts any run of doubles, leaving the rest alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -(2 ** 40), max: 2 ** 40, noNaN: true }), { maxLength: 70 }),
        fc.nat(5),
        fc.nat(5),
        (values, before, after) => {
          const xs = Float64Array.from([...Array(before).fill(3), ...values, ...Array(after).fill(-3)]);
          const expected = sortedRun(xs, before, before + values.length);
          sortWideCrossings(xs, before, before + values.length);
          expect(Array.from(xs)).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** `xs` as an array, with `xs[s … e)` sorted ascending by an independent sort. */
function sortedRun(xs: Int32Array | Float64Array, s: number, e: number): number[] {
  const all = Array.from(xs);
  all.splice(s, e - s, ...all.slice(s, e).sort((a, b) => a - b));
  return all;
}

function popcount(m: number): number {
  let c = 0;
  for (let v = m; v; v >>= 1) c += v & 1;
  return c;
}
