/**
 * Arguments of the wrong type or shape: nothing, nulls, empty and odd objects, strings, NaN and ∞
 * coordinates, masks whose data does not match their size, RLEs with numeric counts.
 */
export const BAD_ARGUMENTS: readonly unknown[][] = [
  [],
  [undefined],
  [null],
  [{}],
  ['x'],
  [Number.NaN],
  [[]],
  [[[1]]],
  [{}, {}],
  ['x', 'y'],
  [[], 1, 1],
  [[[Number.NaN, 0]]],
  [
    [
      [
        [0, 0],
        [1, Number.POSITIVE_INFINITY],
      ],
    ],
  ],
  [{ width: 2, height: 2, data: new Uint8Array(3) }],
  [{ size: [2, 2], counts: 5 }],
  [0, 2, 2],
  [{}, 2, 2],
  [{ width: 2, height: 2, data: new Uint8Array(4) }, 0, 0],
  [
    { width: 2, height: 2, data: new Uint8Array(4) },
    { width: 2, height: 2, data: new Uint8Array(4) },
    Number.NaN,
  ],
];

/**
 * Calls every function exported by `api` (constructing the classes) with each of
 * {@link BAD_ARGUMENTS}, awaiting promises, and returns the calls that failed otherwise than with an
 * error `accepted` allows — a TypeError from deep inside, say. Error classes (names ending in
 * `Error`) and the `excluded` names are skipped. A call that hangs hangs the test: that is a
 * failure too.
 */
export async function wrongArgumentFailures(
  api: Record<string, unknown>,
  accepted: (error: unknown) => boolean,
  excluded: Iterable<string> = [],
): Promise<string[]> {
  const skip = new Set(excluded);
  const failures: string[] = [];
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function' || name.endsWith('Error') || skip.has(name)) continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(value));
    for (const args of BAD_ARGUMENTS) {
      try {
        const out = isClass
          ? new (value as new (...a: unknown[]) => unknown)(...args)
          : (value as (...a: unknown[]) => unknown)(...args);
        if (out && typeof (out as Promise<unknown>).then === 'function') await out;
      } catch (e) {
        if (!accepted(e)) failures.push(`${name}(${args.map((a) => String(a)).join(', ')}): ${String(e)}`);
      }
    }
  }
  return failures;
}
