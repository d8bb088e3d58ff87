export { approxPolyDP, approxPolyDPIndices, arcLength, contourArea } from './approx';
export { ContourError, type ContourErrorCode } from './errors';
export { fillPoly } from './fill-poly';
export {
  type ContourMethod,
  type ContourMode,
  type ContoursResult,
  type FindContoursOptions,
  type FlatContoursResult,
  findContours,
  findContoursFlat,
  type HierarchyEntry,
  toPoints,
} from './find-contours';
export {
  createMask,
  MAX_MASK_PIXELS,
  type Mask,
  maskArea,
  maskBbox,
  maskCentroid,
  maskIou,
  type Point,
} from './mask';
export {
  type Boundary,
  type Epsilon,
  type MaskToPolygonsOptions,
  maskToPolygons,
  type Orientation,
  polygonOrientation,
  polygonsToMask,
  traceCrackBoundary,
} from './polygons';
export {
  bboxIou,
  type CocoRle,
  countsToString,
  // Low-level run lists, without validation: for hot loops that score many masks.
  decodeRuns,
  encodeRuns,
  mergeRuns,
  polygonRuns,
  type Runs,
  rle,
  runsArea,
  runsIntersectionUnion,
  stringToCounts,
  toRuns,
  type UncompressedRle,
} from './rle';
