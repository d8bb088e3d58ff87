// Your first conversion: a mask becomes SimpleSeg text, and the text becomes a mask again.
import { type Mask, maskIou, maskToPolygons, polygonsToMask } from '@seglang/contour';
import { formatPolygons, parseLocation } from '@seglang/polygon-grammar';

/** A 64×48 mask holding a filled ellipse. */
export function ellipse(width = 64, height = 48): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (((x - 30) / 22) ** 2 + ((y - 22) / 14) ** 2 <= 1) data[y * width + x] = 1;
  return { width, height, data };
}

export function firstConversion(mask: Mask = ellipse()) {
  // Mask → polygons in [0, 1] (SimpleSeg's preset: OpenCV contours in OpenCV's order, ε = 0.001 × perimeter).
  const polygons = maskToPolygons(mask, { preset: 'simpleseg' });
  // Polygons → the text a model learns, byte-identical to the SimpleSeg data script.
  const text = formatPolygons(polygons);
  // Text → polygons (strictly parsed) → a mask, rasterised with the COCO rule.
  const parsed = parseLocation(text, { kind: 'polygons' });
  const back = polygonsToMask(parsed.kind === 'polygons' ? parsed.polygons : [], mask.width, mask.height, {
    normalized: true,
  });
  return { text, vertices: polygons[0].length, iou: maskIou(mask, back) };
}

// firstConversion() → { text: '[[[0.797, 0.375], [0.766, 0.333], …]]]', vertices: 60, iou: 0.925… }
