/**
 * Every export with fields of the wrong type inside its arguments (symbols, bigints, numbers for
 * strings, objects for arrays): a GrammarError naming the field, never a TypeError from deep inside.
 */
import * as api from '../src';

/** Fields of wrong types inside otherwise valid arguments: JSON from anywhere reaches these functions. */
test('wrong-typed fields inside arguments give a GrammarError (or a ContourError), never a TypeError', () => {
  const vals: unknown[] = [5, null, undefined, {}, [], 'x', Symbol('s'), [[0.1, 0.2]], { a: 1 }, true, 1n];
  const bad: string[] = [];
  const tryit = (name: string, f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof api.GrammarError) && (e as Error)?.name !== 'ContourError')
        bad.push(`${name}: ${String(e)}`);
    }
  };
  for (const v of vals) {
    for (const key of ['text', 'point', 'bbox', 'polygons', 'maskText']) {
      tryit(`buildQueries ${key}=${String(v)}`, () =>
        api.buildQueries({
          text: 'a',
          polygons: [
            [
              [0.1, 0.1],
              [0.5, 0.1],
              [0.3, 0.5],
            ],
          ],
          [key]: v,
        } as never),
      );
      for (const t of api.QUERY_TASKS)
        tryit(`buildQueries ${t} ${key}=${String(v)}`, () =>
          api.buildQueries(
            {
              text: 'a',
              polygons: [
                [
                  [0.1, 0.1],
                  [0.5, 0.1],
                  [0.3, 0.5],
                ],
              ],
              [key]: v,
            } as never,
            { tasks: [t] },
          ),
        );
    }
    tryit(`createConstraint vocab ${String(v)}`, () =>
      api.createConstraint({ vocabulary: [v] as never, eosTokenIds: [0] }),
    );
    tryit(`createConstraint eos ${String(v)}`, () =>
      api.createConstraint({ vocabulary: ['a'], eosTokenIds: [v] as never }),
    );
    tryit(`countTokens ${String(v)}`, () => api.countTokens('a', { encode: () => v } as never));
    tryit(`formatPolygons ${String(v)}`, () => api.formatPolygons([[v as never]]));
    tryit(`formatLocation ${String(v)}`, () => api.formatLocation({ kind: 'polygon', points: v } as never));
    tryit(`sftRecord ${String(v)}`, () =>
      api.sftRecord('llamafactory', { id: v, image: 'a', question: 'q', answer: 'a' } as never),
    );
    tryit(`weakLabels ${String(v)}`, () => api.weakLabels([[v as never]]));
    tryit(`stream push ${String(v)}`, () => api.createStreamParser().push(v as never));
    tryit(`decodeAnswer ${String(v)}`, () => api.decodeAnswer('x', v as never));
    tryit(`answerMask ${String(v)}`, () => api.answerMask(v as never, 4, 4));
    tryit(`epsilonForBudget ${String(v)}`, () =>
      api.epsilonForBudget({ width: 4, height: 4, data: new Uint8Array(16).fill(1) }, v as never, 5),
    );
    tryit(`buildQueries templates ${String(v)}`, () =>
      api.buildQueries({ text: 'a', point: [0.1, 0.2] }, { templates: { text2point: [v] } as never }),
    );
    tryit(`pythonJson ${String(v)}`, () => api.pythonJson({ a: v }));
  }
  expect(bad).toEqual([]);
});
