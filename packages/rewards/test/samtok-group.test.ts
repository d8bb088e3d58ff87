import { formatMaskWords } from '@seglang/rq-tokenizer';
import fc from 'fast-check';
import {
  groupAdvantages,
  groupStats,
  gspoObjective,
  gspoSequenceRatio,
  maskWordMatchReward,
  nonRepeatReward,
  noTargetReward,
  RewardError,
  samtokReward,
  splitThinkAnswer,
  thinkFormatReward,
} from '../src';

const m = (a: number, b: number) => formatMaskWords([a, b]);

describe('SAMTok rewards', () => {
  test('maskWordMatchReward: TP over unique predictions, divided by max(N_pred with duplicates, N_gt)', () => {
    const gt = `${m(1, 2)} ${m(3, 4)}`;
    // Unique predictions: (1,2) exact → 1.0; (3,9) same level-1 code → 0.4. TP 1.4; N_pred 3 (with the duplicate), N_gt 2.
    expect(maskWordMatchReward(`${m(1, 2)}${m(3, 9)}${m(1, 2)}`, gt).value).toBeCloseTo(1.4 / 3, 12);
    expect(maskWordMatchReward(gt, gt).value).toBe(1);
    expect(maskWordMatchReward('No target.', 'No target.').value).toBe(1);
    expect(maskWordMatchReward('nothing', gt).value).toBe(0);
    expect(maskWordMatchReward(m(7, 7), gt).value).toBe(0);
    // Strict extraction: a malformed group does not count.
    expect(maskWordMatchReward('<|mt_start|><|mt_0001|><|mt_end|>', m(1, 2)).value).toBe(0);
  });
  test('noTargetReward, nonRepeatReward, thinkFormatReward', () => {
    expect(noTargetReward('No target.').value).toBe(1);
    expect(noTargetReward('There is nothing.').value).toBe(0.2);
    expect(noTargetReward(`No target. ${m(1, 2)}`).value).toBe(0);
    expect(nonRepeatReward('<|mt_0001|>'.repeat(3)).value).toBe(1);
    expect(nonRepeatReward('<|mt_0001|>'.repeat(4)).value).toBe(0);
    expect(thinkFormatReward('<think>look</think>\n<answer>x</answer>').value).toBe(1);
    expect(thinkFormatReward('<think>look</think><answer>x</answer> extra').value).toBe(0);
    expect(thinkFormatReward(42 as never).value).toBe(0);
  });
  test('splitThinkAnswer makes the split of the think/answer regular expression', () => {
    // The reference: the expression the recipe's format check is written as.
    const THINK = /^<think>([\s\S]*?)<\/think>\s*<answer>([\s\S]*?)<\/answer>$/;
    const piece = fc.constantFrom(
      '<think>',
      '</think>',
      '<answer>',
      '</answer>',
      ' ',
      '\n',
      '\u00a0',
      '\u2028',
      'x',
      '<',
      '</',
      'answer>',
    );
    fc.assert(
      fc.property(
        // Mostly anchored like a real response, so that the middle decides.
        fc.constantFrom('<think>', '<think>', '<think>', 'x<think>', ''),
        fc.array(piece, { maxLength: 14 }),
        fc.constantFrom('</answer>', '</answer>', '</answer>', '</answer> ', ''),
        (head, parts, tail) => {
          const text = head + parts.join('') + tail;
          const m = THINK.exec(text);
          expect(splitThinkAnswer(text)).toEqual(m ? [m[1], m[2]] : null);
          expect(thinkFormatReward(text).value).toBe(m ? 1 : 0);
        },
      ),
      { numRuns: 5000 },
    );
    expect(splitThinkAnswer('<think>a</think> \n<answer>b</answer>')).toEqual(['a', 'b']);
    expect(splitThinkAnswer('<think></think><answer></answer>')).toEqual(['', '']);
  });

  test('a degenerate rollout (1 MB of `</think><answer>`) is split and scored', () => {
    // The regular expression backtracks over every pair here (about 10 s for 1 MB, with the
    // same answers); the split reads the text once.
    const text = `<think>${'</think><answer>'.repeat(1 << 16)}x`;
    expect(thinkFormatReward(text).value).toBe(0);
    expect(splitThinkAnswer(`${text}</answer>`)).toEqual([
      '',
      `${'</think><answer>'.repeat((1 << 16) - 1)}x`,
    ]);
    expect(samtokReward()(`${text}</answer>`, m(1, 2)).components?.format).toBe(1);
  });

  test('the samtok preset: accuracy + format + non-repeat of think + non-repeat of answer', () => {
    const score = samtokReward();
    expect(score(`<think>the cup</think><answer>${m(1, 2)}</answer>`, m(1, 2))).toMatchObject({
      value: 4,
      components: { accuracy: 1, format: 1, thinkRepeat: 1, answerRepeat: 1 },
    });
    expect(score('<think>none</think><answer>No target.</answer>', 'No target.').value).toBe(4);
    expect(score(m(1, 2), m(1, 2))).toMatchObject({
      value: 2,
      components: { accuracy: 1, format: 0, thinkRepeat: 0, answerRepeat: 1 },
    });
  });
});

describe('group statistics', () => {
  test('GRPO advantages with unbiased std', () => {
    const a = groupAdvantages([1, 0, 0, 1, 0.5, 0.5], 2, { epsilon: 0 });
    // Group [1, 0]: mean 0.5, std √(0.5) → ±0.5/0.7071 = ±0.7071; a zero-variance group gives 0/(0+ε).
    expect(a[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(a[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(Array.from(groupAdvantages([1, 0, 0.5, 0.5], 2, { normalizeStd: false }))).toEqual([
      0.5, -0.5, 0, 0,
    ]);
    expect(Array.from(groupAdvantages([0.5, 0.5], 2))).toEqual([0, 0]);
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow(RewardError);
  });
  test('GSPO: sequence ratio and clipped objective', () => {
    expect(gspoSequenceRatio([-1, -2], [-1.5, -2.5])).toBeCloseTo(Math.exp(0.5), 12);
    expect(gspoObjective(1.001, 1)).toMatchObject({ objective: 1.0004, isClipped: true });
    expect(gspoObjective(1.001, -1)).toMatchObject({ objective: -1.001, isClipped: false });
    expect(gspoObjective(0.5, -2, { clipLow: 0.2, clipHigh: 0.2 }).objective).toBeCloseTo(-1.6, 12);
  });
  test('batch monitoring', () => {
    const s = groupStats([1, 0, 0.5, 0.5, 0, 0], 2);
    expect(s.zeroVarianceShare).toBeCloseTo(2 / 3, 12);
    expect(s.groups[0]).toEqual({ mean: 0.5, std: Math.SQRT1_2 });
    expect(s.mean).toBeCloseTo(2 / 6, 12);
  });
});

test('robustness: SAMTok rewards on arbitrary text return a value in range and a reason', () => {
  const score = samtokReward();
  const words = fc.constantFrom(
    '<|mt_start|>',
    '<|mt_end|>',
    '<|mt_0001|>',
    '<|mt_0257|>',
    '<think>',
    '</think>',
    '<answer>',
    '</answer>',
    'No target.',
    'x',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.array(words, { maxLength: 40 }).map((w) => w.join('')),
      ),
      fc.constantFrom(m(1, 1), 'No target.', ''),
      (text, gt) => {
        for (const r of [
          score(text, gt),
          maskWordMatchReward(text, gt),
          noTargetReward(text),
          nonRepeatReward(text),
          thinkFormatReward(text),
        ]) {
          expect(r.value).toBeGreaterThanOrEqual(0);
          expect(r.value).toBeLessThanOrEqual(4);
          expect(typeof r.reason).toBe('string');
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('maskWordMatchReward on 8,000 masks a side: exact, partial, missed and repeated masks', () => {
  // Graded by lookup (against every ground-truth mask per prediction, 16,000 a side took 25 s);
  // the cost is measured by `npm run bench`. The expected grade is counted by construction.
  const words = (codes: [number, number][]) => codes.map((c) => formatMaskWords(c)).join(' ');
  const gt = Array.from({ length: 8000 }, (_, i): [number, number] => [i % 100, Math.floor(i / 100)]);
  const exact = gt.slice(0, 3000); // 1 each
  const partial = Array.from({ length: 2000 }, (_, i): [number, number] => [
    i % 100,
    80 + Math.floor(i / 100),
  ]); // first code right: 0.4
  const missed = Array.from({ length: 1000 }, (_, i): [number, number] => [
    200 + (i % 50),
    Math.floor(i / 50),
  ]); // 0
  const repeated = gt.slice(0, 500); // already counted
  const r = maskWordMatchReward(words([...exact, ...partial, ...missed, ...repeated]), words(gt));
  expect(r.value).toBeCloseTo((3000 + 0.4 * 2000) / Math.max(6500, 8000), 12);
  expect(maskWordMatchReward(words(gt), words(gt)).value).toBe(1);
});
