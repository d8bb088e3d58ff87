import { ropeIndex } from '@seglang/mllm-runtime';
import { loadGolden } from './helpers';

describe('ropeIndex', () => {
  it.each(loadGolden().ropeIndex.map((c) => [c.name, c] as const))(
    'equals the reference get_rope_index: %s',
    (_, c) => {
      const { positionIds, deltas } = ropeIndex(c.inputIds, c.attentionMask, c.imageGridThw, {
        imageTokenId: 151655,
      });
      expect(Array.from(positionIds, Number)).toEqual(c.positionIds.flat(2));
      expect(deltas).toEqual(c.deltas);
    },
  );

  it('text-only: 0, 1, 2, … on all three axes and a decode delta of 0 (max + 1 − S, as the Python reference)', () => {
    const { positionIds, deltas } = ropeIndex([[5, 6, 7, 8]], undefined, [], { imageTokenId: 151655 });
    expect(Array.from(positionIds, Number)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    expect(deltas).toEqual([0]);
    // transformers.js 4.3 computes max + 1 + S here (8), so its decode steps sit S + 8 positions ahead.
  });

  it('refuses image runs that do not match their grid', () => {
    expect(() =>
      ropeIndex([[1, 151655, 151655, 2]], undefined, [[1, 4, 4]], { imageTokenId: 151655 }),
    ).toThrow(/image 0 has 2 <\|image_pad\|> tokens, its grid \[1, 4, 4\] needs 4/);
    expect(() => ropeIndex([[1, 151655]], undefined, [], { imageTokenId: 151655 })).toThrow(
      /only 0 image grid/,
    );
  });
});
