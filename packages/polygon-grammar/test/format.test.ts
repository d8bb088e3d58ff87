/**
 * Byte-identical formatting: 10,000 generated polygons against reference strings produced by
 * python3 itself — `str(np.round(p, 3).tolist())`, as the SimpleSeg data script writes answers
 * (falling back to Python's own round-half-even and float repr where numpy is missing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatBox,
  formatLocation,
  formatNumber,
  formatPoint,
  formatPolygon,
  formatPolygons,
  type Point,
  pythonFloatRepr,
} from '../src';
import { rng } from './helpers';

const PYTHON = `
import json, sys
data = json.load(open(sys.argv[1]))
try:
    import numpy as np
    py = [str([np.round(np.array(poly, dtype=np.float64), 3).tolist() for poly in p]) for p in data['python']]
except ImportError:
    py = [str([[[round(v * 1000) / 1000 for v in pt] for pt in poly] for poly in p]) for p in data['python']]
fixed = [str([[['%s%d.%03d' % ('-' if round(v * 1000) < 0 else '', abs(round(v * 1000)) // 1000, abs(round(v * 1000)) % 1000) for v in pt] for pt in poly] for poly in p]).replace("'", '') for p in data['python']]
json.dump({'python': py, 'fixed': fixed}, sys.stdout)
`;

/** Coordinates that stress rounding: exact halves at the 4th decimal, values next to them, ends of [0, 1]. */
function coordinate(r: () => number): number {
  const kind = r();
  if (kind < 0.3) return (Math.floor(r() * 2000) + 0.5) / 2000; // x.xxx5
  if (kind < 0.4) return [0, 1, 0.5, 0.001, 0.999, 0.0005, 0.9995, 0.1235, 0.0015][Math.floor(r() * 9)];
  if (kind < 0.5) return Math.floor(r() * 1001) / 1000;
  if (kind < 0.6) return (Math.floor(r() * 1001) + (r() < 0.5 ? 1e-9 : -1e-9)) / 1000;
  return r();
}

test('10,000 polygons: python and fixed styles match python3 byte for byte', () => {
  const r = rng(42);
  const polygons: Point[][][] = Array.from({ length: 10000 }, () =>
    Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
      Array.from({ length: 1 + Math.floor(r() * 12) }, () => [coordinate(r), coordinate(r)] as Point),
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'seglang-grammar-'));
  writeFileSync(join(dir, 'in.json'), JSON.stringify({ python: polygons }));
  writeFileSync(join(dir, 'ref.py'), PYTHON);
  const ref = JSON.parse(
    execFileSync('python3', [join(dir, 'ref.py'), join(dir, 'in.json')], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );
  const mismatches: string[] = [];
  polygons.forEach((p, i) => {
    if (formatPolygons(p) !== ref.python[i])
      mismatches.push(`python #${i}: ${formatPolygons(p)} vs ${ref.python[i]}`);
    if (formatPolygons(p, { style: 'fixed' }) !== ref.fixed[i])
      mismatches.push(`fixed #${i}: ${formatPolygons(p, { style: 'fixed' })} vs ${ref.fixed[i]}`);
  });
  expect(mismatches.slice(0, 5)).toEqual([]);
});

test('worked examples', () => {
  expect(
    formatPolygons([
      [
        [0.005, 0.008],
        [0.156, 0.417],
      ],
    ]),
  ).toBe('[[[0.005, 0.008], [0.156, 0.417]]]');
  expect(
    formatPolygon([
      [0, 1],
      [1, 0],
    ]),
  ).toBe('[[0.0, 1.0], [1.0, 0.0]]');
  expect(formatPoint([0.05, 0.5], { style: 'fixed' })).toBe('[0.050, 0.500]');
  expect(formatBox([0.0005, 0.0015, 0.0025, 0.9995])).toBe('[0.0, 0.002, 0.002, 1.0]'); // half to even
  expect(formatNumber(0.5, { decimals: 0 })).toBe('0.0');
  expect(pythonFloatRepr(1e-5)).toBe('1e-05');
  expect(pythonFloatRepr(1.5e16)).toBe('1.5e+16');
  expect(pythonFloatRepr(-0)).toBe('-0.0');
});

test('bad input to the formatters → GrammarError naming the value', () => {
  expect(() => formatPoint([Number.NaN, 0.5])).toThrow(
    expect.objectContaining({ code: 'INVALID_NUMBER', message: expect.stringMatching(/point\[0\]/) }),
  );
  expect(() =>
    formatPolygons([
      [
        [0.1, 0.2],
        [0.3, Number.POSITIVE_INFINITY],
      ],
    ]),
  ).toThrow(
    expect.objectContaining({
      code: 'INVALID_NUMBER',
      message: expect.stringMatching(/polygons\[0\]\[1\]\[1\]/),
    }),
  );
  expect(() => formatBox([0, 0, 1] as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  expect(() => formatPoint([0.5, 0.5], { style: 'sci' as never })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
  );
  expect(() => formatPoint([0.5, 0.5], { decimals: -1 })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
  );
});

test('format options are checked also for an empty input', () => {
  const bad = expect.objectContaining({
    code: 'INVALID_ARGUMENT',
    message: expect.stringMatching(/style|decimals|options/),
  });
  expect(() => formatPolygons([], { style: 'sci' as never })).toThrow(bad);
  expect(() => formatPolygons([[]], { decimals: 1.5 })).toThrow(bad);
  expect(() => formatPolygon([], { decimals: 16 })).toThrow(bad);
  expect(() => formatLocation({ kind: 'polygons', polygons: [] }, { style: 'sci' as never })).toThrow(bad);
  expect(() => formatPolygons([], null as never)).toThrow(bad);
  expect(formatPolygons([], { style: 'fixed', decimals: 2 })).toBe('[]');
});
