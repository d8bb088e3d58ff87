import {
  formatMaskAnswer,
  formatMaskWords,
  maskWordTokens,
  parseMaskAnswer,
  parseMaskWords,
  RqError,
} from '../src';

const w = (t: number) => `<|mt_${String(t).padStart(4, '0')}|>`;
const S = '<|mt_start|>';
const E = '<|mt_end|>';

test('the vocabulary: 514 tokens in id order', () => {
  const v = maskWordTokens({ codebookSize: 256, levels: 2 });
  expect(v).toHaveLength(514);
  expect(v[0]).toBe(S);
  expect(v[1]).toBe('<|mt_0000|>');
  expect(v[512]).toBe('<|mt_0511|>');
  expect(v[513]).toBe(E);
});

test('the paper example: level 2 is offset by 256', () => {
  expect(formatMaskWords([12, 47])).toBe('<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>');
});

test('round trip for every code pair', () => {
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      const text = formatMaskWords([a, b]);
      const [m] = parseMaskWords(text, { mode: 'strict' });
      if (m.codes[0] !== a || m.codes[1] !== b || m.start !== 0 || m.end !== text.length || m.repaired) {
        throw new Error(`pair ${a},${b} → ${JSON.stringify(m)}`);
      }
    }
  }
});

describe('the reference repairs (odd code counts)', () => {
  test('start, c1, c2, c3…, end keeps the first two', () => {
    const [m] = parseMaskWords(`${S}${w(5)}${w(300)}${w(7)}${w(301)}${E}`);
    expect(m).toMatchObject({ codes: [5, 44], repaired: true });
  });
  test('start, c1, end: second code missing', () => {
    const text = `${S}${w(5)}${E}`;
    expect(parseMaskWords(text)[0]).toMatchObject({ codes: [5], repaired: true, start: 0, end: text.length });
    expect(parseMaskWords(text, { missingSecondLevel: 'zero' })[0].codes).toEqual([5, 0]);
  });
  test('start, c1 without an end: second code missing', () => {
    const text = `It is ${S}${w(9)}`;
    expect(parseMaskWords(text)[0]).toMatchObject({ codes: [9], repaired: true, start: 6, end: text.length });
    expect(parseMaskWords(text, { missingSecondLevel: 'zero' })[0].codes).toEqual([9, 0]);
  });
  test('strict mode accepts none of them', () => {
    for (const t of [
      `${S}${w(5)}${w(300)}${w(7)}${E}`,
      `${S}${w(5)}${E}`,
      `${S}${w(5)}`,
      `${S}${w(300)}${w(5)}${E}`,
    ]) {
      expect(parseMaskWords(t, { mode: 'strict' })).toEqual([]);
    }
  });
  test('codes at the wrong level cannot be repaired', () => {
    expect(parseMaskWords(`${S}${w(300)}${w(5)}${E}`)).toEqual([]);
    expect(parseMaskWords(`${S}${E}`)).toEqual([]);
  });
});

test('garbage around and between masks', () => {
  const text = `xx<|mt_|>${S}${w(1)}${w(257)}${E} and <mt_0001> then ${S}${w(2)}${w(258)}${E}!! <|mt_9999|>`;
  const got = parseMaskWords(text, { mode: 'strict' });
  expect(got.map((m) => m.codes)).toEqual([
    [1, 1],
    [2, 2],
  ]);
  expect(text.slice(got[1].start, got[1].end)).toBe(formatMaskWords([2, 2]));
});

describe('answers', () => {
  test('the GRES JSON form, ordered by box centre, with labels', () => {
    const answer = formatMaskAnswer([
      { codes: [3, 4], label: 'right dog', box: [50, 0, 70, 10] },
      { codes: [1, 2], label: 'left dog', box: [0, 0, 20, 10] },
    ]);
    expect(answer).toBe(
      '```json\n[{"mask_2d":"<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>","label":"left dog"},{"mask_2d":"<|mt_start|><|mt_0003|><|mt_0260|><|mt_end|>","label":"right dog"}]\n```',
    );
    expect(parseMaskAnswer(answer)).toEqual({
      noTarget: false,
      masks: [
        { codes: [1, 2], label: 'left dog', repaired: false },
        { codes: [3, 4], label: 'right dog', repaired: false },
      ],
    });
  });
  test('JSON with unquoted mask words still keeps its labels', () => {
    const text = `\`\`\`json\n[{"mask_2d": ${formatMaskWords([7, 8])}, "label": "cup \\"A\\""}]\n\`\`\``;
    expect(parseMaskAnswer(text).masks).toEqual([{ codes: [7, 8], label: 'cup "A"', repaired: false }]);
  });
  test('grounded conversation', () => {
    const text = `A <|object_ref_start|>man<|object_ref_end|>${formatMaskWords([1, 2])} holds a <|object_ref_start|>red cup<|object_ref_end|> ${formatMaskWords([3, 4])}.`;
    expect(parseMaskAnswer(text).masks).toEqual([
      { codes: [1, 2], phrase: 'man', repaired: false },
      { codes: [3, 4], phrase: 'red cup', repaired: false },
    ]);
  });
  test('No target.', () => {
    expect(formatMaskAnswer([])).toBe('No target.');
    // Options are checked even when there is no mask to write.
    expect(() => formatMaskAnswer([], { codebookSize: 0 })).toThrow(
      /codebookSize must be a positive integer/,
    );
    expect(parseMaskAnswer('No target.')).toEqual({ noTarget: true, masks: [] });
    expect(parseMaskAnswer('I see nothing')).toEqual({ noTarget: false, masks: [] });
  });
});

describe('bad input', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(RqError);
      return [(e as RqError).code, (e as RqError).message];
    }
    throw new Error('did not throw');
  };
  test('codes out of range and wrong lengths', () => {
    expect(code(() => formatMaskWords([256, 0]))).toEqual([
      'INVALID_CODES',
      expect.stringMatching(/codes\[0\].*\[0, 255\].*256/),
    ]);
    expect(code(() => formatMaskWords([1, -1]))).toEqual([
      'INVALID_CODES',
      expect.stringMatching(/codes\[1\]/),
    ]);
    expect(code(() => formatMaskWords([1], { levels: 2 }))).toEqual([
      'INVALID_CODES',
      expect.stringMatching(/2 codes/),
    ]);
    expect(code(() => formatMaskWords([1.5, 2]))).toEqual([
      'INVALID_CODES',
      expect.stringMatching(/codes\[0\]/),
    ]);
  });
  test('non-string text and unknown options', () => {
    expect(code(() => parseMaskWords(42 as never))[0]).toBe('INVALID_TEXT');
    expect(code(() => parseMaskWords('', { mode: 'fuzzy' as never }))[0]).toBe('INVALID_ARGUMENT');
    expect(code(() => maskWordTokens({ codebookSize: 0 }))[0]).toBe('INVALID_ARGUMENT');
  });
  test('a 1 MB adversarial string parses quickly and finds nothing', () => {
    expect(parseMaskWords('<|mt_start|><|mt_00'.repeat(50000))).toEqual([]);
  });
});

test('parseMaskAnswer: the phrase right before a mask, on long and degenerate texts', () => {
  const w = formatMaskWords([12, 47]);
  const r = parseMaskAnswer(
    `<|object_ref_start|>a cat<|object_ref_end|> sits by <|object_ref_start|>the dog<|object_ref_end|> ${w}`,
  );
  expect(r.masks[0].phrase).toBe('the dog');
  // 16,000 start tokens before a mask: an end-anchored pattern retried at each one (40,000 took
  // 23 s); the cost is measured by `npm run bench`. None is closed, so the mask has no phrase.
  const r2 = parseMaskAnswer(`${'<|object_ref_start|>'.repeat(16000)}${w}`);
  expect(r2.masks).toHaveLength(1);
  expect(r2.masks[0].phrase).toBeUndefined();
  // Closed phrases all the way: the nearest one before each mask.
  const many = Array.from(
    { length: 4000 },
    (_, i) => `<|object_ref_start|>p${i}<|object_ref_end|> ${w}`,
  ).join(' ');
  expect(parseMaskAnswer(many).masks.map((m) => m.phrase)).toEqual(
    Array.from({ length: 4000 }, (_, i) => `p${i}`),
  );
});
