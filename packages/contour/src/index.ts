export { ContourError, type ContourErrorCode } from './errors';
export {
  type Mask,
  type Point,
  createMask,
  maskArea,
  maskBbox,
  maskCentroid,
  maskIou,
} from './mask';
export {
  findContours,
  findContoursFlat,
  toPoints,
  type ContourMode,
  type ContourMethod,
  type ContoursResult,
  type FindContoursOptions,
  type FlatContoursResult,
  type HierarchyEntry,
} from './find-contours';
export { approxPolyDP, approxPolyDPIndices, arcLength, contourArea } from './approx';
export { fillPoly } from './fill-poly';
export {
  maskToPolygons,
  polygonsToMask,
  polygonOrientation,
  traceCrackBoundary,
  type Boundary,
  type Epsilon,
  type MaskToPolygonsOptions,
} from './polygons';
export {
  rle,
  bboxIou,
  countsToString,
  stringToCounts,
  type CocoRle,
  type UncompressedRle,
  type Runs,
} from './rle';
