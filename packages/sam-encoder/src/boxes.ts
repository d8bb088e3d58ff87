import { type MaskToPolygonsOptions, maskToPolygons, type Point } from '@seglang/contour';
import { SamError } from './errors';
import type { RgbImage } from './image';
import type { SamPredictor } from './predictor';
import type { Box } from './prompts';

/**
 * SimpleSeg's annotation pipeline: each detector box → SAM's best mask → polygons in the SimpleSeg
 * data script's order (`maskToPolygons` with `polygonOptions`, the `simpleseg` preset by default:
 * OpenCV's, counter-clockwise on screen). The image is encoded once.
 * @returns one list of polygons per box, in box order (empty when SAM finds nothing in a box).
 */
export async function boxesToPolygons(
  predictor: SamPredictor,
  image: RgbImage,
  boxes: Box[],
  polygonOptions: MaskToPolygonsOptions = {},
): Promise<Point[][][]> {
  if (predictor === null || typeof predictor !== 'object' || typeof predictor.setImage !== 'function')
    throw new SamError('INVALID_ARGUMENT', 'predictor must be a SamPredictor');
  if (!Array.isArray(boxes))
    throw new SamError('INVALID_PROMPT', 'boxes must be an array of [x1, y1, x2, y2]');
  // The polygon options are checked before any model runs (maskToPolygons checks them on an empty mask too).
  maskToPolygons({ width: 0, height: 0, data: new Uint8Array(0) }, polygonOptions);
  await predictor.setImage(image);
  const out: Point[][][] = [];
  for (const box of boxes) {
    const { masks } = await predictor.predict({ box, multimask: false });
    out.push(maskToPolygons(masks[0], polygonOptions));
  }
  return out;
}
