export { RewardError, type RewardErrorCode } from './errors';
export { type PreparedGroundTruth, prepareGroundTruth, type SimplesegGroundTruth } from './ground-truth';
export { groupAdvantages, groupStats, gspoObjective, gspoSequenceRatio } from './group';
export {
  boundaryFScore,
  boxFromPolygons,
  boxIou,
  chamferDistance,
  ReferringSegmentationMeter,
  type Region,
  recAccuracy,
  tokensPerMaskStats,
} from './metrics';
export { polygonIou, polygonIouDetailed, polygonIouReward } from './polygon-iou';
export { combineRewards, type RewardResult } from './result';
export {
  decodeRlGroundTruth,
  encodeRlGroundTruth,
  RL_GROUND_TRUTH_KINDS,
  type RlGroundTruth,
} from './rl-ground-truth';
export {
  maskWordMatchReward,
  nonRepeatReward,
  noTargetReward,
  samtokReward,
  splitThinkAnswer,
  thinkFormatReward,
} from './samtok';
export {
  centroidDistanceReward,
  formatReward,
  lengthPenalty,
  type MaskIouOptions,
  maskIouReward,
  rleCentroid,
  type SimplesegRewardConfig,
  simplesegReward,
} from './simpleseg';
