/**
 * Every export answers arguments of the wrong type or shape with RuntimeError (a stable `code` and
 * a message naming the argument) or a plain value — never a TypeError from deep inside, a hang
 * or a crash. JavaScript callers and JSON inputs get no help from the type checker.
 */
import * as api from '../src';

const BAD_ARGUMENTS: unknown[][] = [
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
const EXCLUDED = new Set<string>();
const SEGLANG_ERRORS = new Set(['ContourError', 'GrammarError', 'RqError', 'SamError']);

test('wrong-typed arguments give RuntimeError or a value', async () => {
  const failures: string[] = [];
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function' || name.endsWith('Error') || EXCLUDED.has(name)) continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(value));
    for (const args of BAD_ARGUMENTS) {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: calling every export with wrong arguments on purpose
        const out = isClass ? new (value as any)(...args) : (value as any)(...args);
        if (out && typeof out.then === 'function') await out;
      } catch (e) {
        // The runtime passes on the typed errors of the packages it builds on (tokenizer files are
        // checked by @seglang/rq-tokenizer, masks by @seglang/contour).
        if (!(e instanceof api.RuntimeError || SEGLANG_ERRORS.has((e as Error)?.name)))
          failures.push(`${name}(${args.map((a) => String(a)).join(', ')}): ${String(e)}`);
      }
    }
  }
  expect(failures).toEqual([]);
});
