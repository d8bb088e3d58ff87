// @seglang/contour: OpenCV-exact contours, Douglas–Peucker, COCO rasterisation and pycocotools RLE.
import {
  approxPolyDP,
  arcLength,
  findContours,
  type Mask,
  maskToPolygons,
  polygonsToMask,
  rle,
} from '@seglang/contour';

export function contourTour(mask: Mask) {
  // cv.findContours(mask, RETR_TREE, CHAIN_APPROX_SIMPLE): the same points, order and hierarchy.
  const { contours, hierarchy } = findContours(mask, { mode: 'tree', method: 'simple' });
  // cv.approxPolyDP(c, 0.01 * cv.arcLength(c, true), true).
  const simplified = contours.map((c) => approxPolyDP(c, 0.01 * arcLength(c, true), true));
  // Pixel-edge polygons rasterise back to exactly the mask (holes aside).
  const edges = maskToPolygons(mask, { boundary: 'pixel-edges', epsilon: 0 });
  const exact = polygonsToMask(edges, mask.width, mask.height, { normalized: true });
  // COCO RLE, byte-identical to pycocotools; IoU between RLEs as pycocotools computes it.
  const encoded = rle.encode(mask);
  const iou = rle.iou([rle.encode(exact)], [encoded], [false])[0][0];
  return {
    contours: contours.length,
    hierarchy,
    simplified,
    encoded,
    area: rle.area(encoded),
    bbox: rle.toBbox(encoded),
    iou,
  };
}
