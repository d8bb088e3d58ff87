import {
  combineRewards,
  formatReward,
  groupAdvantages,
  gspoObjective,
  maskIouReward,
  nonRepeatReward,
  polygonIouReward,
  ReferringSegmentationMeter,
  RewardError,
  recAccuracy,
  samtokReward,
  simplesegReward,
} from '../src';

// Bad options are refused when the scorer is built (or the reward called) with the option named:
// a misspelt weight would otherwise weigh 0 unnoticed, and a NaN weight or scale would turn every
// reward of a training run into NaN.
const gt = { width: 4, height: 4, polygons: [] };
const refused = (f: () => unknown, message: RegExp) =>
  expect(f).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
  );

test('simplesegReward checks its whole config when built', () => {
  refused(
    () => simplesegReward({ weights: { IoU: 1 } as never }),
    /config\.weights\.IoU is not a component; the components are iou, centroid, format, length/,
  );
  refused(
    () => simplesegReward({ weights: { iou: Number.NaN } }),
    /config\.weights\.iou must be a finite number, got NaN/,
  );
  refused(() => simplesegReward({ weights: 'x' as never }), /config\.weights must be an object/);
  refused(() => simplesegReward({ threshold: 1.5 }), /threshold must be a number in \[0, 1\], got 1\.5/);
  refused(() => simplesegReward({ scale: Number.POSITIVE_INFINITY }), /scale must be a finite number/);
  refused(() => simplesegReward({ maxChars: 0 }), /maxChars must be a positive integer, got 0/);
  // Valid configs still score.
  // No polygon: IoU 0 (×2), centroid −1, format 0, 9 characters within the limit.
  expect(simplesegReward({ weights: { iou: 2, length: 0.5 }, maxChars: 100 })('no answer', gt).value).toBe(
    -1,
  );
});

test('maskIouReward and formatReward check their options', () => {
  refused(() => maskIouReward('x', gt, { scale: Number.NaN }), /scale must be a finite number, got NaN/);
  refused(() => maskIouReward('x', gt, null as never), /options must be an object/);
  refused(
    () => formatReward('x', { kind: 'mask' as never }),
    /kind must be point, bbox, polygon, polygons, got mask/,
  );
  expect(formatReward('[0.5, 0.5]', { kind: 'point' }).value).toBe(1);
});

test('samtokReward, nonRepeatReward and combineRewards check weights and limits', () => {
  refused(() => samtokReward({ weights: { acc: 1 } as never }), /config\.weights\.acc is not a component/);
  refused(
    () => samtokReward({ weights: { format: Number.NaN } }),
    /config\.weights\.format must be a finite number/,
  );
  refused(
    () => samtokReward({ noTargetText: 3 as never }),
    /config\.noTargetText must be a non-empty string/,
  );
  refused(() => nonRepeatReward('<|mt_0001|>', Number.NaN), /maxRepeats must be an integer >= 0, got NaN/);
  refused(() => nonRepeatReward('', -1), /maxRepeats/);
  expect(nonRepeatReward('<|mt_0001|>', 0).value).toBe(0);
  refused(
    () => combineRewards({ a: { value: 1, reason: '' } }, { a: Number.NaN }),
    /weights\.a must be a finite number/,
  );
  expect(combineRewards({ a: { value: 1, reason: 'r' } }, { a: 2, b: 3 }).value).toBe(2);
});

test('recAccuracy checks its threshold, also for no predictions', () => {
  refused(
    () => recAccuracy([], [], { threshold: Number.NaN }),
    /threshold must be a number in \[0, 1\], got NaN/,
  );
  refused(() => recAccuracy([], [], { inclusive: 'yes' as never }), /inclusive must be true or false/);
  refused(() => recAccuracy([], [], 0.5 as never), /options must be an object/);
  expect(recAccuracy([], [])).toBe(0);
  expect(() => recAccuracy([], [], { threshold: 2 })).toThrow(RewardError);
});

test('group statistics refuse options that would turn advantages into NaN or ±∞', () => {
  refused(
    () => groupAdvantages([1, 2], 2, { epsilon: Number.NaN }),
    /epsilon must be a finite number >= 0, got NaN/,
  );
  refused(() => groupAdvantages([1, 2], 2, { epsilon: -1 }), /epsilon/);
  refused(
    () => groupAdvantages([1, 2], 2, { normalizeStd: 'no' as never }),
    /normalizeStd must be true or false/,
  );
  refused(() => groupAdvantages([1, 2], 2, null as never), /options must be an object/);
  // ε = 0 is allowed; a group of equal rewards then has advantage 0, not 0/0.
  expect(Array.from(groupAdvantages([0.5, 0.5, 1, 0], 2, { epsilon: 0 }))).toEqual([
    0,
    0,
    0.5 / Math.sqrt(0.5),
    -0.5 / Math.sqrt(0.5),
  ]);
  refused(() => gspoObjective(Number.NaN, 1), /ratio must be a finite number >= 0, got NaN/);
  refused(() => gspoObjective(1, Number.POSITIVE_INFINITY), /advantage must be a finite number/);
  refused(() => gspoObjective(1, 1, { clipLow: Number.NaN }), /clipLow must be a number in \[0, 1\]/);
  refused(() => gspoObjective(1, 1, { clipHigh: -1 }), /clipHigh/);
  expect(gspoObjective(1.1, 1, { clipLow: 0.2, clipHigh: 0.05 }).objective).toBeCloseTo(1.05, 12);
});

test('polygonIouReward and the referring-segmentation meter check their options', () => {
  refused(
    () => polygonIouReward('x', [], { threshold: Number.NaN }),
    /threshold must be a number in \[0, 1\], got NaN/,
  );
  refused(
    () => new ReferringSegmentationMeter({ referenceCompatible: 'yes' as never }),
    /referenceCompatible must be true or false/,
  );
  refused(
    () => new ReferringSegmentationMeter({ thresholds: [0.5, 1.5] }),
    /thresholds\[1\] must be a number in \[0, 1\]/,
  );
  expect(new ReferringSegmentationMeter({ thresholds: [0.25] }).result()).toHaveProperty(['Pr@0.25'], 0);
});
