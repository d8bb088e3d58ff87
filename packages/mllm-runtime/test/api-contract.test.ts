/**
 * Every export answers arguments of the wrong type or shape with a typed error (a stable `code`
 * and a message naming the argument) or a plain value — never a TypeError from deep inside, a hang
 * or a crash. JavaScript callers and JSON inputs get no help from the type checker.
 */
import { wrongArgumentFailures } from '@seglang/testing';
import * as api from '../src';

// The runtime passes on the typed errors of the packages it builds on (tokenizer files are checked
// by @seglang/rq-tokenizer, masks by @seglang/contour).
const SEGLANG_ERRORS = new Set(['ContourError', 'GrammarError', 'RqError', 'SamError']);

test('wrong-typed arguments give RuntimeError (or a seglang error it passes on) or a value', async () => {
  const typed = (e: unknown) => e instanceof api.RuntimeError || SEGLANG_ERRORS.has((e as Error)?.name);
  expect(await wrongArgumentFailures(api, typed)).toEqual([]);
});
