import type { Mask, Point } from '@seglang/contour';
import { RewardError } from './errors';

// Argument checks for the metric helpers, which are called with data from anywhere (JSON ground
// truth, evaluation files): a wrong shape or a non-finite number is a RewardError naming it, never
// a TypeError from deep inside or a NaN in the result.

export const bad = (message: string): never => {
  throw new RewardError('INVALID_ARGUMENT', message);
};

export function checkObject(value: unknown, name: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(`${name} must be an object`);
}

/**
 * Coordinates and rewards beyond this magnitude are refused: their products and squares would
 * overflow to Infinity (and the metric to NaN) on input that looks finite.
 */
export const MAX_MAGNITUDE = 1e15;

/** A number within ±{@link MAX_MAGNITUDE} (so not NaN, ∞ or a string). */
export const inRange = (v: unknown): v is number => typeof v === 'number' && Math.abs(v) <= MAX_MAGNITUDE;

/** An array (or typed array) of finite numbers within ±{@link MAX_MAGNITUDE}, of the given length if one is given. */
export function checkNumbers(
  value: unknown,
  name: string,
  length?: number,
): asserts value is ArrayLike<number> {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) bad(`${name} must be an array of numbers`);
  const xs = value as ArrayLike<number>;
  if (length !== undefined && xs.length !== length)
    bad(`${name} must hold ${length} numbers, got ${xs.length}`);
  for (let i = 0; i < xs.length; i++)
    if (!inRange(xs[i])) bad(`${name}[${i}] must be a finite number within ±1e15, got ${String(xs[i])}`);
}

/**
 * Reward weights: an object of finite numbers, each named in `names` when given (a misspelt
 * component would otherwise be silently weighted 0, and a NaN weight would make every reward NaN).
 */
export function checkWeights(value: unknown, name: string, names?: readonly string[]): void {
  checkObject(value, name);
  for (const [k, w] of Object.entries(value as object)) {
    if (names && !names.includes(k))
      bad(`${name}.${k} is not a component; the components are ${names.join(', ')}`);
    if (typeof w !== 'number' || !Number.isFinite(w))
      bad(`${name}.${k} must be a finite number, got ${String(w)}`);
  }
}

/** `true` or `false`, when given. */
export function checkFlag(name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') bad(`${name} must be true or false, got ${String(v)}`);
}

/** A number in [0, 1]. */
export function checkUnit(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || v > 1)
    bad(`${name} must be a number in [0, 1], got ${String(v)}`);
  return v as number;
}

export function checkPoints(value: unknown, name: string): asserts value is Point[] {
  if (!Array.isArray(value)) bad(`${name} must be an array of [x, y] points`);
  const pts = value as unknown[];
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i] as unknown[];
    if (!Array.isArray(p) || !inRange(p[0]) || !inRange(p[1]))
      bad(`${name}[${i}] must be [x, y] with finite numbers within ±1e15`);
  }
}

export function checkPolygons(value: unknown, name: string): asserts value is Point[][] {
  if (!Array.isArray(value)) bad(`${name} must be an array of polygons`);
  (value as unknown[]).forEach((poly, k) => checkPoints(poly, `${name}[${k}]`));
}

export function checkMaskArg(value: unknown, name: string): asserts value is Mask {
  const m = value as Partial<Mask> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    !Number.isInteger(m.width) ||
    !Number.isInteger(m.height) ||
    (m.width as number) < 0 ||
    (m.height as number) < 0 ||
    !(m.data instanceof Uint8Array) ||
    m.data.length !== (m.width as number) * (m.height as number)
  )
    bad(`${name} must be a mask { width, height, data: Uint8Array of width·height }`);
}
