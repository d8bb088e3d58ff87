import { GrammarError, show } from './errors';
import type { Box, Location, Point } from './location';

export interface FormatOptions {
  /**
   * `'python'` (default): byte-identical to the public SimpleSeg data script — Python's `str()` of the
   * list after `np.round(p, decimals)`: half-to-even rounding, shortest repr, trailing zeros dropped,
   * whole numbers as `0.0` / `1.0`. `'fixed'`: exactly `decimals` digits (`0.050`), as in the paper's figures.
   */
  style?: 'python' | 'fixed';
  /** Default 3. */
  decimals?: number;
}

/** Round half to even, as `np.rint` (which keeps the sign of a zero result: rint(-0.3) is -0). */
function rint(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  const r = diff > 0.5 ? f + 1 : diff < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return r === 0 && (v < 0 || Object.is(v, -0)) ? -0 : r;
}

/** Python's `repr(float)`: the shortest round-tripping digits, in Python's layout. */
export function pythonFloatRepr(v: number): string {
  if (Object.is(v, -0)) return '-0.0';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    // Python: exponent with a sign and at least two digits, e.g. 1e-05, 1.5e+16.
    const [mantissa, exp] = v.toExponential().split('e');
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(v);
  return s.includes('.') ? s : `${s}.0`;
}

/** Format options with the defaults filled in. */
type Resolved = { style: 'python' | 'fixed'; decimals: number };

/**
 * Checks format options (every formatter does, before looking at its input, so that an empty
 * input checks them too) and fills in the defaults.
 * @throws GrammarError `INVALID_ARGUMENT` naming the option.
 */
export function checkFormatOptions(opts: FormatOptions): Resolved {
  if (opts === null || typeof opts !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', 'options must be an object { style?, decimals? }');
  const style = opts.style ?? 'python';
  const decimals = opts.decimals ?? 3;
  if (style !== 'python' && style !== 'fixed')
    throw new GrammarError('INVALID_ARGUMENT', `style must be 'python' or 'fixed', got ${String(style)}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new GrammarError(
      'INVALID_ARGUMENT',
      `decimals must be an integer in [0, 15], got ${String(decimals)}`,
    );
  }
  return { style, decimals };
}

/**
 * One coordinate in the chosen style: `np.round(v, decimals)` then Python's repr, or fixed digits.
 * @throws GrammarError `INVALID_NUMBER` for NaN/∞.
 */
export function formatNumber(v: number, opts: FormatOptions = {}, where = 'value'): string {
  return number(v, checkFormatOptions(opts), where);
}

/** {@link formatNumber} with options already checked (the formatters check them once a call). */
function number(v: number, { style, decimals }: Resolved, where: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new GrammarError('INVALID_NUMBER', `${where} must be a finite number, got ${String(v)}`);
  const scale = 10 ** decimals;
  const k = rint(v * scale);
  if (style === 'python') return pythonFloatRepr(k / scale);
  const sign = k < 0 ? '-' : '';
  const a = Math.abs(k);
  const whole = Math.floor(a / scale);
  return decimals === 0
    ? `${sign}${whole}`
    : `${sign}${whole}.${String(a - whole * scale).padStart(decimals, '0')}`;
}

const list = (items: string[]) => `[${items.join(', ')}]`;

function point(p: Point, o: Resolved, where: string): string {
  if (!Array.isArray(p) || p.length !== 2)
    throw new GrammarError('INVALID_ARGUMENT', `${where} must be [x, y], got ${show(p)}`);
  return list([number(p[0], o, `${where}[0]`), number(p[1], o, `${where}[1]`)]);
}

/** `[x, y]`. @example formatPoint([0.5, 0.25]); // → '[0.5, 0.25]' */
export function formatPoint(p: Point, opts: FormatOptions = {}): string {
  return point(p, checkFormatOptions(opts), 'point');
}

/** `[x1, y1, x2, y2]`. @example formatBox([0.1, 0.2, 0.3, 0.4], { style: 'fixed' }); // → '[0.100, 0.200, 0.300, 0.400]' */
export function formatBox(b: Box, opts: FormatOptions = {}): string {
  const o = checkFormatOptions(opts);
  if (!Array.isArray(b) || b.length !== 4)
    throw new GrammarError('INVALID_ARGUMENT', `box must be [x1, y1, x2, y2], got ${show(b)}`);
  return list(b.map((v, i) => number(v, o, `box[${i}]`)));
}

/** `[[x, y], [x, y], ...]`. @example formatPolygon([[0, 0], [1, 0], [1, 1]]); // → '[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]' */
export function formatPolygon(points: Point[], opts: FormatOptions = {}): string {
  const o = checkFormatOptions(opts);
  if (!Array.isArray(points)) throw new GrammarError('INVALID_ARGUMENT', 'points must be an array of [x, y]');
  return list(points.map((p, i) => point(p, o, `points[${i}]`)));
}

/**
 * A SimpleSeg answer: a list of polygons, `[[[x, y], ...], ...]`; one part is still wrapped.
 * @example formatPolygons([[[0.0051, 0.008], [0.1555, 0.4165]]]); // → '[[[0.005, 0.008], [0.156, 0.416]]]'
 */
export function formatPolygons(polygons: Point[][], opts: FormatOptions = {}): string {
  const o = checkFormatOptions(opts);
  if (!Array.isArray(polygons))
    throw new GrammarError('INVALID_ARGUMENT', 'polygons must be an array of polygons');
  return list(
    polygons.map((poly, k) => list((poly ?? []).map((p, i) => point(p, o, `polygons[${k}][${i}]`)))),
  );
}

/** Formats any {@link Location}. */
export function formatLocation(location: Location, opts: FormatOptions = {}): string {
  switch (location?.kind) {
    case 'point':
      return formatPoint(location.point, opts);
    case 'bbox':
      return formatBox(location.bbox, opts);
    case 'polygon':
      return formatPolygon(location.points, opts);
    case 'polygons':
      return formatPolygons(location.polygons, opts);
    default:
      throw new GrammarError(
        'INVALID_ARGUMENT',
        `location.kind must be point, bbox, polygon or polygons, got ${show((location as { kind?: unknown })?.kind)}`,
      );
  }
}
