// @seglang/rewards: RL rewards for a group of rollouts, and the referring-segmentation metrics.
import { polygonsToMask } from '@seglang/contour';
import {
  groupAdvantages,
  prepareGroundTruth,
  ReferringSegmentationMeter,
  simplesegReward,
} from '@seglang/rewards';

export function rewardsTour() {
  const gt = prepareGroundTruth({
    width: 100,
    height: 80,
    polygons: [
      [
        [20, 16],
        [80, 16],
        [80, 64],
        [20, 64],
      ],
    ],
  });
  const score = simplesegReward({ threshold: 0.5 });
  const group = [
    'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].',
    'It is at [[[0.2, 0.2], [0.6, 0.2], [0.6, 0.8], [0.2, 0.8]]].',
    'I cannot see it.',
  ].map((rollout) => score(rollout, gt));
  const advantages = groupAdvantages(
    group.map((r) => r.value),
    group.length,
  );
  // Benchmark numbers: cIoU, gIoU, Pr@k and Acc@0.5 over predictions and ground truths.
  const meter = new ReferringSegmentationMeter();
  const target = polygonsToMask(
    [
      [
        [20, 16],
        [80, 16],
        [80, 64],
        [20, 64],
      ],
    ],
    100,
    80,
  );
  meter.add(
    polygonsToMask(
      [
        [
          [20, 16],
          [70, 16],
          [70, 64],
          [20, 64],
        ],
      ],
      100,
      80,
    ),
    target,
  );
  return {
    values: group.map((r) => r.value),
    reasons: group.map((r) => r.reason),
    advantages: Array.from(advantages),
    metrics: meter.result(),
  };
}
