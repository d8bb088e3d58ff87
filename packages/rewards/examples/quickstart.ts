import { groupAdvantages, maskWordMatchReward, prepareGroundTruth, simplesegReward } from '@seglang/rewards';

// A ground truth decoded once (mask, COCO RLE, or polygons in pixels), scored against many rollouts.
const gt = prepareGroundTruth({
  width: 10,
  height: 10,
  polygons: [
    [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
    ],
  ],
});

// SimpleSeg: mask IoU (0 below τ) + centroid distance + format; every result says why.
const score = simplesegReward({ threshold: 0.5 });
const rollouts = [
  'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].',
  'Sure, you can find it at [[[0.2, 0.2], [0.5, 0.2], [0.5, 0.8], [0.2, 0.8]]].',
  'It is somewhere in the middle.',
  'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8',
];
const results = rollouts.map((r) => score(r, gt));

// GRPO advantages for one group of 4 rollouts.
const advantages = Array.from(
  groupAdvantages(
    results.map((r) => r.value),
    4,
  ),
);

// SAMTok: textual answer matching.
const samtok = maskWordMatchReward(
  '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>',
  '<|mt_start|><|mt_0012|><|mt_0300|><|mt_end|>',
);

export const quickstart = {
  values: results.map((r) => r.value),
  reasons: results.map((r) => r.reason),
  advantages,
  samtok,
};
