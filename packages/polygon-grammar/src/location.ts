import type { Point } from '@seglang/contour';

export type { Point };
/** A box `[x1, y1, x2, y2]` (top-left, bottom-right). */
export type Box = [x1: number, y1: number, x2: number, y2: number];

/** A parsed location: numbers, never strings. */
export type Location =
  | { kind: 'point'; point: Point }
  | { kind: 'bbox'; bbox: Box }
  | { kind: 'polygon'; points: Point[] }
  | { kind: 'polygons'; polygons: Point[][] };

export type LocationKind = Location['kind'];

/** Every {@link LocationKind}. */
export const LOCATION_KINDS: readonly LocationKind[] = ['point', 'bbox', 'polygon', 'polygons'];
