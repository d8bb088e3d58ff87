import { findContours, type Mask, maskIou, maskToPolygons, polygonsToMask, rle } from '@seglang/contour';

// A 6×5 mask with an L-shaped object (row-major, non-zero = foreground).
const mask: Mask = {
  width: 6,
  height: 5,
  // biome-ignore format: one line per mask row
  data: Uint8Array.from([
    0, 0, 0, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 0, 0, 0,
    0, 1, 1, 1, 1, 0,
    0, 0, 0, 0, 0, 0,
  ]),
};

// OpenCV-exact contours (cv.findContours parity): outer borders counter-clockwise on screen.
const { contours } = findContours(mask, { mode: 'external', method: 'simple' });

// SimpleSeg polygons: OpenCV's vertex order, normalised to [0, 1] (the public data script, byte for byte).
const polygons = maskToPolygons(mask, { preset: 'simpleseg' });

// The same outline clockwise on screen, on request.
const clockwise = maskToPolygons(mask, { orientation: 'screen-clockwise' });

// Pixel-edge polygons rasterise back to exactly the same mask with the COCO rule.
const edges = maskToPolygons(mask, { boundary: 'pixel-edges' });
const roundTrip = maskIou(mask, polygonsToMask(edges, mask.width, mask.height, { normalized: true }));

// COCO RLE, byte-identical to pycocotools.
const encoded = rle.encode(mask);

export const quickstart = {
  contours,
  polygons,
  clockwise,
  edges,
  roundTrip,
  encoded,
  area: rle.area(encoded),
};
