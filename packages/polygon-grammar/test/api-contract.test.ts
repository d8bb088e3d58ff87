/**
 * Every export answers arguments of the wrong type or shape with a typed error (a stable `code`
 * and a message naming the argument) or a plain value — never a TypeError from deep inside, a hang
 * or a crash. JavaScript callers and JSON inputs get no help from the type checker.
 */
import { ContourError } from '@seglang/contour';
import { wrongArgumentFailures } from '@seglang/testing';
import * as api from '../src';

test('wrong-typed arguments give GrammarError (ContourError for masks) or a value', async () => {
  // Masks are checked by @seglang/contour, whose ContourError names the argument too.
  const typed = (e: unknown) => e instanceof api.GrammarError || e instanceof ContourError;
  expect(await wrongArgumentFailures(api, typed)).toEqual([]);
});
