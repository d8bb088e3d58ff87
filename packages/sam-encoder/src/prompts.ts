import type { Point } from '@seglang/contour';
import { SamError } from './errors';
import { SAM_IMAGE_SIZE } from './image';

/** A box `[x0, y0, x1, y1]` in image pixels. */
export type Box = [x0: number, y0: number, x1: number, y1: number];

/** Point prompts in the 1024 frame, with SAM labels: 1 foreground, 0 background, 2/3 box corners, −1 padding. */
export interface ScaledPrompt {
  coords: number[];
  labels: number[];
  /** The box in the 1024 frame, when one was given. */
  box?: Box;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Validates point and box prompts against the image and scales them to the 1024 frame
 * (`x · 1024 / width`, `y · 1024 / height`).
 * @throws SamError `INVALID_PROMPT` naming the prompt that is malformed or outside the image.
 */
export function scalePrompt(
  prompt: { points?: Point[]; labels?: number[]; box?: Box },
  width: number,
  height: number,
): ScaledPrompt {
  if (prompt === null || typeof prompt !== 'object')
    throw new SamError('INVALID_PROMPT', 'the prompt must be an object { points?, labels?, box? }');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new SamError(
      'INVALID_ARGUMENT',
      `the image size must be positive integers, got ${width}×${height}`,
    );
  const { points = [], labels, box } = prompt;
  if (!Array.isArray(points)) throw new SamError('INVALID_PROMPT', 'points must be an array of [x, y]');
  if (points.length === 0 && !box) throw new SamError('INVALID_PROMPT', 'give at least one point or a box');
  const lab = labels ?? points.map(() => 1);
  if (!Array.isArray(lab) || lab.length !== points.length) {
    throw new SamError(
      'INVALID_PROMPT',
      `labels must have one entry per point: ${points.length} points, ${Array.isArray(lab) ? lab.length : 'no'} labels`,
    );
  }
  const sx = SAM_IMAGE_SIZE / width;
  const sy = SAM_IMAGE_SIZE / height;
  const coords: number[] = [];
  points.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !finite(p[0]) || !finite(p[1]))
      throw new SamError(
        'INVALID_PROMPT',
        `points[${i}] must be [x, y] with finite numbers, got ${JSON.stringify(p)}`,
      );
    const [x, y] = p;
    if (x < 0 || y < 0 || x > width || y > height)
      throw new SamError(
        'INVALID_PROMPT',
        `points[${i}] = (${x}, ${y}) is outside the ${width}×${height} image`,
      );
    if (lab[i] !== 0 && lab[i] !== 1)
      throw new SamError(
        'INVALID_PROMPT',
        `labels[${i}] must be 1 (foreground) or 0 (background), got ${String(lab[i])}`,
      );
    coords.push(x * sx, y * sy);
  });
  const out: ScaledPrompt = { coords, labels: [...lab] };
  if (box !== undefined) {
    if (!Array.isArray(box) || box.length !== 4 || !box.every(finite))
      throw new SamError(
        'INVALID_PROMPT',
        `box must be [x0, y0, x1, y1] with finite numbers, got ${JSON.stringify(box)}`,
      );
    const [x0, y0, x1, y1] = box;
    if (x0 > x1 || y0 > y1)
      throw new SamError('INVALID_PROMPT', `box [${box.join(', ')}] has x0 > x1 or y0 > y1`);
    if (x0 < 0 || y0 < 0 || x1 > width || y1 > height)
      throw new SamError('INVALID_PROMPT', `box [${box.join(', ')}] is outside the ${width}×${height} image`);
    out.box = [x0 * sx, y0 * sy, x1 * sx, y1 * sy];
  }
  return out;
}
