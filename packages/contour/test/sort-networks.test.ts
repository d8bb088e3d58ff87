/** The row sorts behind fillPoly: each network proved by the 0-1 principle, the dispatch by fast-check. */
import fc from 'fast-check';
import { sort4, sort6, sort8, sort10, sort12, sortCrossings } from '../src/sort-networks';

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

  test('sortCrossings sorts any run of any length in place, leaving the rest alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 70 }),
        fc.nat(5),
        fc.nat(5),
        fc.boolean(),
        (values, before, after, doubles) => {
          const all = [...Array(before).fill(3), ...values, ...Array(after).fill(-3)];
          const xs = doubles ? Float64Array.from(all, (v) => v / 7) : Int32Array.from(all);
          const expected = Array.from(xs);
          const run = expected.slice(before, before + values.length).sort((a, b) => a - b);
          expected.splice(before, values.length, ...run);
          sortCrossings(xs, before, before + values.length);
          expect(Array.from(xs)).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

function popcount(m: number): number {
  let c = 0;
  for (let v = m; v; v >>= 1) c += v & 1;
  return c;
}
