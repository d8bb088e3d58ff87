/** Bad input gets a ContourError with a stable code and a message naming the argument. */
import {
  approxPolyDP,
  approxPolyDPIndices,
  arcLength,
  bboxIou,
  ContourError,
  contourArea,
  countsToString,
  createMask,
  fillPoly,
  findContours,
  type Mask,
  maskIou,
  maskToPolygons,
  mergeRuns,
  polygonsToMask,
  rle,
  runsIntersectionUnion,
  stringToCounts,
  traceCrackBoundary,
} from '../src';

function expectError(fn: () => unknown, code: string, message: RegExp, offset?: number): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ContourError);
  const e = thrown as ContourError;
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  if (offset !== undefined) expect(e.offset).toBe(offset);
}

const good: Mask = { width: 2, height: 2, data: new Uint8Array(4) };

describe('masks', () => {
  test('data length differs from width*height', () => {
    expectError(
      () => findContours({ width: 3, height: 2, data: new Uint8Array(5) }),
      'INVALID_MASK',
      /mask\.data has length 5, expected .*6/,
    );
  });
  test('non-integer, negative and NaN sizes', () => {
    expectError(
      () => findContours({ width: 1.5, height: 2, data: new Uint8Array(3) }),
      'INVALID_SIZE',
      /mask\.width/,
    );
    expectError(
      () => maskToPolygons({ width: 2, height: -1, data: new Uint8Array(0) }),
      'INVALID_SIZE',
      /mask\.height/,
    );
    expectError(() => fillPoly([], Number.NaN, 2), 'INVALID_SIZE', /width/);
    expectError(() => fillPoly([], 65536, 32768), 'INVALID_SIZE', /2\^31 - 1 pixels, got 65536x32768/);
    expectError(() => rle.fromPolygon([0, 0, 1, 1, 1, 0], 2.5, 3), 'INVALID_SIZE', /height/);
    // Beyond 2^31 − 1 pixels the runs would overflow their uint32 counts.
    expectError(() => rle.fromPolygon([0, 0, 9, 0, 9, 9], 70000, 70000), 'INVALID_SIZE', /70000x70000/);
  });
  test('masks of more than 2^31 − 1 pixels are refused before anything is allocated', () => {
    expectError(
      () => createMask(100_000, 100_000),
      'INVALID_SIZE',
      /100000x100000 mask has 10000000000 pixels/,
    );
    expectError(
      () =>
        polygonsToMask(
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
          100_000,
          100_000,
        ),
      'INVALID_SIZE',
      /more than 2\^31 - 1/,
    );
    // A valid RLE of a 100000x100000 image: its area is fine, decoding it is not.
    const big = {
      size: [100_000, 100_000] as [number, number],
      counts: [2 ** 32 - 1, 2 ** 32 - 1, 1e10 - 2 * (2 ** 32 - 1)],
    };
    expect(rle.area(big)).toBe(2 ** 32 - 1);
    expectError(() => rle.decode(big), 'INVALID_SIZE', /RLE has 10000000000 pixels/);
  });
  test('data that is not a Uint8Array', () => {
    expectError(
      () => findContours({ width: 1, height: 1, data: [1] } as unknown as Mask),
      'INVALID_MASK',
      /Uint8Array/,
    );
  });
  test('unknown mode, method, boundary, orientation and preset', () => {
    expectError(() => findContours(good, { mode: 'all' as never }), 'INVALID_ARGUMENT', /options\.mode/);
    expectError(() => findContours(good, { method: 'tc89' as never }), 'INVALID_ARGUMENT', /options\.method/);
    expectError(
      () => maskToPolygons(good, { boundary: 'corners' as never }),
      'INVALID_ARGUMENT',
      /options\.boundary/,
    );
    // 'clockwise' alone is ambiguous (the SimpleSeg paper calls OpenCV's order clockwise): refused.
    expectError(
      () => maskToPolygons(good, { orientation: 'clockwise' as never }),
      'INVALID_ARGUMENT',
      /options\.orientation must be 'opencv' or 'screen-clockwise'/,
    );
    expectError(
      () => maskToPolygons(good, { preset: 'kimi' as never }),
      'INVALID_ARGUMENT',
      /options\.preset/,
    );
  });
  test('maskIou on different sizes', () => {
    expectError(
      () => maskIou(good, { width: 1, height: 4, data: new Uint8Array(4) }),
      'SIZE_MISMATCH',
      /2x2 .* 1x4/,
    );
  });
});

describe('points and ε', () => {
  test('NaN and ∞ coordinates', () => {
    expectError(
      () =>
        approxPolyDP(
          [
            [0, 0],
            [Number.NaN, 1],
          ],
          1,
          true,
        ),
      'INVALID_POINT',
      /curve\[1\]/,
    );
    expectError(() => arcLength([[0, Number.POSITIVE_INFINITY]], true), 'INVALID_POINT', /curve\[0\]/);
    expectError(() => contourArea([[0, 0], [1]] as never), 'INVALID_POINT', /curve\[1\]/);
    expectError(
      () =>
        fillPoly(
          [
            [
              [0, 0],
              [1, Number.NaN],
              [2, 2],
            ],
          ],
          4,
          4,
        ),
      'INVALID_POINT',
      /polygons\[0\]\[1\]/,
    );
    expectError(() => rle.fromPolygon([0, 0, Number.NaN, 1], 4, 4), 'INVALID_POINT', /xy\[2\]/);
    expectError(
      () =>
        polygonsToMask(
          [
            [
              [0, 0],
              [1, Number.NaN],
            ],
          ],
          4,
          4,
        ),
      'INVALID_POINT',
      /polygons\[0\]\[1\]/,
    );
  });
  test('fillPoly needs integer points', () => {
    expectError(
      () =>
        fillPoly(
          [
            [
              [0.5, 0],
              [1, 1],
              [0, 1],
            ],
          ],
          4,
          4,
        ),
      'INVALID_POINT',
      /integer/,
    );
  });
  test('approxPolyDPIndices checks its flat input', () => {
    expect([...approxPolyDPIndices(Int32Array.of(0, 0, 1, 0, 2, 0, 2, 2, 0, 2), 5, true, 0.5)]).toEqual([
      0, 2, 3, 4,
    ]);
    expectError(
      () => approxPolyDPIndices(Int32Array.of(0, 0), 2, true, 1),
      'INVALID_POINT',
      /2 numbers, fewer than 2·count = 4/,
    );
    expectError(
      () => approxPolyDPIndices([0, Number.NaN], 1, true, 1),
      'INVALID_POINT',
      /points\[1\] must be a finite number, got NaN/,
    );
    expectError(
      () => approxPolyDPIndices([0, 0], 1.5, true, 1),
      'INVALID_ARGUMENT',
      /count must be a non-negative integer/,
    );
    expectError(() => approxPolyDPIndices([0, 0], 1, true, -1), 'INVALID_ARGUMENT', /epsilon/);
    expectError(
      () => approxPolyDPIndices(null as never, 1, true, 1),
      'INVALID_POINT',
      /array or typed array/,
    );
  });
  test('ε < 0 or not finite', () => {
    expectError(() => approxPolyDP([[0, 0]], -1, true), 'INVALID_ARGUMENT', /epsilon/);
    expectError(() => approxPolyDP([[0, 0]], Number.POSITIVE_INFINITY, true), 'INVALID_ARGUMENT', /epsilon/);
    const m: Mask = { width: 3, height: 3, data: Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]) };
    expectError(() => maskToPolygons(m, { epsilon: { perimeter: -0.1 } }), 'INVALID_ARGUMENT', /epsilon/);
    expectError(() => maskToPolygons(m, { epsilon: { percent: 1 } as never }), 'INVALID_ARGUMENT', /epsilon/);
  });
  test('maskToPolygons checks its options also when the mask has no foreground', () => {
    const empty: Mask = { width: 3, height: 3, data: new Uint8Array(9) };
    for (const epsilon of [-1, Number.NaN, { pixels: Number.POSITIVE_INFINITY }, { normalized: -0.01 }])
      expectError(() => maskToPolygons(empty, { epsilon }), 'INVALID_ARGUMENT', /options\.epsilon/);
    expectError(
      () => maskToPolygons(empty, { epsilon: 'x' as never }),
      'INVALID_ARGUMENT',
      /options\.epsilon/,
    );
    expectError(
      () => maskToPolygons(empty, { normalize: 'yes' as never }),
      'INVALID_ARGUMENT',
      /options\.normalize must be true or false, got "yes"/,
    );
    expectError(() => maskToPolygons(empty, { minArea: -1 }), 'INVALID_ARGUMENT', /options\.minArea/);
  });
  test('odd-length polygon arrays', () => {
    expectError(() => rle.fromPolygon([0, 0, 1], 4, 4), 'INVALID_POINT', /even length/);
  });
});

describe('RLE', () => {
  test('a corrupt string reports the character offset', () => {
    expectError(() => rle.decode({ size: [2, 2], counts: '1 1' }), 'INVALID_RLE', /offset 1/, 1);
    expectError(() => rle.decode({ size: [2, 2], counts: '1\u00e91' }), 'INVALID_RLE', /offset 1/, 1);
  });
  test('a truncated value', () => {
    expectError(() => rle.area({ size: [4, 4], counts: '0P' }), 'INVALID_RLE', /truncated/, 2);
  });
  test('runs that do not add up to height*width', () => {
    expectError(() => rle.decode({ size: [3, 3], counts: '12' }), 'INVALID_RLE', /sum to 3, expected .* 9/);
    expectError(() => rle.decode({ size: [1, 1], counts: '12' }), 'INVALID_RLE', /exceed/);
  });
  test('a run of 2^32 pixels or more is refused: it wrapped in the uint32 runs', () => {
    // 2^20 × 2^20 pixels, all foreground: rle.area gave 0.
    const side = 2 ** 20;
    expectError(
      () => rle.area({ size: [side, side], counts: [0, side * side] }),
      'INVALID_SIZE',
      /counts\[1\] is 1099511627776 pixels long/,
    );
    // Compressed: 0, then 2^33 written in seven 5-bit groups (six of them 0 with the continuation bit).
    expectError(
      () => rle.area({ size: [2 ** 17, 2 ** 16], counts: '0PPPPPP8' }),
      'INVALID_SIZE',
      /the run at offset 1 is 8589934592 pixels long/,
    );
    // Runs that fit are summed in doubles: a 2^17 × 2^16 image, 2^32 − 1 foreground pixels.
    expect(rle.area({ size: [2 ** 17, 2 ** 16], counts: [2 ** 32 - 1, 2 ** 32 - 1, 2] })).toBe(2 ** 32 - 1);
  });
  test('bad size and counts types', () => {
    expectError(() => rle.decode({ size: [2], counts: '' } as never), 'INVALID_RLE', /size/);
    expectError(() => rle.decode({ size: [1, 1], counts: 5 } as never), 'INVALID_RLE', /counts/);
    expectError(() => rle.decode({ size: [1, 2], counts: [1, -1] }), 'INVALID_RLE', /counts\[1\]/);
  });
  test('size mismatches in iou and merge', () => {
    const a = rle.encode(good);
    const b = rle.encode({ width: 3, height: 2, data: new Uint8Array(6) });
    expectError(() => rle.iou([a], [b], [false]), 'SIZE_MISMATCH', /gt\[0\] has size \[2, 3\]/);
    expectError(() => rle.iou([a], [a], []), 'SIZE_MISMATCH', /iscrowd/);
    expectError(() => rle.merge([a, b]), 'SIZE_MISMATCH', /rs\[1\]/);
    expectError(() => bboxIou([[0, 0, 1]], [[0, 0, 1, 1]], [false]), 'INVALID_ARGUMENT', /dt\[0\]/);
  });
  test('counts that never finish encoding (NaN, ∞, fractions, negatives)', () => {
    // Each of these looped forever before: its 5-bit groups never reach 0.
    expectError(() => countsToString([1, Number.NaN]), 'INVALID_RLE', /counts\[1\].*NaN/);
    expectError(() => countsToString([3, Number.POSITIVE_INFINITY]), 'INVALID_RLE', /counts\[1\].*Infinity/);
    expectError(() => countsToString([0.5]), 'INVALID_RLE', /counts\[0\]/);
    expectError(() => countsToString([-1]), 'INVALID_RLE', /counts\[0\]/);
    expectError(() => countsToString('12' as never), 'INVALID_RLE', /array of run lengths/);
    expect(Array.from(stringToCounts(countsToString([3, 4, 5]), 3, 4))).toEqual([3, 4, 5]);
  });
  test('run lists of different sizes, or whose runs do not add up alike, end', () => {
    const a = { h: 2, w: 2, counts: Uint32Array.of(4) };
    expectError(
      () => mergeRuns([a, { h: 3, w: 3, counts: Uint32Array.of(9) }]),
      'SIZE_MISMATCH',
      /2x2 and 3x3/,
    );
    expectError(
      () => runsIntersectionUnion(a, { h: 2, w: 3, counts: Uint32Array.of(6) }),
      'SIZE_MISMATCH',
      /2x2 and 2x3/,
    );
    expectError(() => mergeRuns([]), 'INVALID_ARGUMENT', /non-empty/);
    // Unchecked runs (1 + 2 ≠ 4 pixels): a result, not an endless loop.
    const short = { h: 2, w: 2, counts: Uint32Array.of(1, 2) };
    expect(runsIntersectionUnion(a, short)).toEqual({ intersection: 0, union: 2 });
    expect(mergeRuns([a, short]).h).toBe(2);
  });
  test('traceCrackBoundary needs a boundary to start on', () => {
    const m: Mask = { width: 3, height: 3, data: Uint8Array.from([0, 1, 0, 1, 1, 1, 0, 1, 0]) };
    for (const [x, y] of [
      [0, 0],
      [1, 1],
      [5, 5],
      [Number.NaN, 0],
    ])
      expectError(
        () => traceCrackBoundary(m, x, y),
        'INVALID_ARGUMENT',
        /foreground pixel .* background above/,
      );
    expectError(() => traceCrackBoundary(null as never, 0, 0), 'INVALID_MASK', /mask/);
    // The plus sign's 12 corners, clockwise from its top-left.
    expect(Array.from(traceCrackBoundary(m, 1, 0))).toEqual([
      1, 0, 2, 0, 2, 1, 3, 1, 3, 2, 2, 2, 2, 3, 1, 3, 1, 2, 0, 2, 0, 1, 1, 1,
    ]);
  });
});

describe('valid edge cases give empty results, not errors', () => {
  test('empty and zero-sized masks', () => {
    expect(findContours({ width: 0, height: 0, data: new Uint8Array(0) })).toEqual({
      contours: [],
      hierarchy: [],
    });
    expect(findContours(good)).toEqual({ contours: [], hierarchy: [] });
    expect(maskToPolygons(good)).toEqual([]);
    const empty = rle.encode({ width: 0, height: 0, data: new Uint8Array(0) });
    expect(empty).toEqual({ size: [0, 0], counts: '0' }); // pycocotools: one run of 0
    expect(rle.decode(empty).data.length).toBe(0);
    expect(rle.toBbox(rle.encode(good))).toEqual([0, 0, 0, 0]);
    expect(maskIou(good, good)).toBe(0);
  });
  test('0-area polygons', () => {
    expect(rle.area(rle.fromPolygon([], 4, 4))).toBe(0);
    expect(rle.area(rle.fromPolygon([1, 1, 1, 1, 1, 1], 4, 4))).toBe(0);
    expect(approxPolyDP([], 1, true)).toEqual([]);
    expect(fillPoly([[]], 3, 3).data.every((v) => v === 0)).toBe(true);
  });
});
