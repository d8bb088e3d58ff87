/**
 * Every export answers arguments of the wrong type or shape with a typed error (a stable `code`
 * and a message naming the argument) or a plain value — never a TypeError from deep inside, a hang
 * or a crash. JavaScript callers and JSON inputs get no help from the type checker.
 */
import { wrongArgumentFailures } from '@seglang/testing';
import * as api from '../src';

test('wrong-typed arguments give RqError or a value', async () => {
  expect(await wrongArgumentFailures(api, (e) => e instanceof api.RqError)).toEqual([]);
});
