import { type Mask, maskIou, maskToPolygons, polygonsToMask } from '@seglang/contour';
import {
  countTokens,
  extractLocations,
  formatPolygons,
  type Point,
  type TokenCounter,
} from '@seglang/polygon-grammar';

export interface SweepRow {
  /** ε as a fraction of each contour's perimeter (the SimpleSeg script's convention; 0 keeps every vertex). */
  epsilon: number;
  masks: number;
  meanTokens: number;
  meanVertices: number;
  /** Mean IoU of mask → text → parse → raster with the mask: the oracle round trip. */
  meanIou: number;
  minIou: number;
}

/** The SimpleSeg paper's Fig. 4 range: ε from 0 to 1% of the perimeter. */
export const DEFAULT_EPSILONS = [0, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01];

/**
 * For each ε: every mask → polygons (`simpleseg` preset with ε) → text → parsed back → rasterised;
 * mean tokens per mask (with `tokenizer`) and the oracle round-trip IoU.
 */
export function sweepEpsilon(
  masks: Mask[],
  tokenizer: TokenCounter,
  epsilons: number[] = DEFAULT_EPSILONS,
  opts: {
    boundary?: 'pixel-centres' | 'pixel-edges';
    /** Called after each mask at each ε (total = masks × ε values). */
    onProgress?: (done: number, total: number) => void;
  } = {},
): SweepRow[] {
  let done = 0;
  return epsilons.map((epsilon) => {
    let tokens = 0;
    let vertices = 0;
    let iou = 0;
    let minIou = 1;
    for (const mask of masks) {
      const polygons = maskToPolygons(mask, {
        preset: 'simpleseg',
        epsilon: { perimeter: epsilon },
        boundary: opts.boundary,
      });
      const text = formatPolygons(polygons);
      tokens += countTokens(text, tokenizer);
      vertices += polygons.reduce((n, p) => n + p.length, 0);
      const parsed: Point[][] = [];
      for (const { location } of extractLocations(text, { mode: 'strict' }))
        if (location.kind === 'polygons') parsed.push(...location.polygons);
        else if (location.kind === 'polygon') parsed.push(location.points);
      const v = maskIou(mask, polygonsToMask(parsed, mask.width, mask.height, { normalized: true }));
      iou += v;
      minIou = Math.min(minIou, v);
      opts.onProgress?.(++done, epsilons.length * masks.length);
    }
    const n = masks.length || 1;
    return {
      epsilon,
      masks: masks.length,
      meanTokens: tokens / n,
      meanVertices: vertices / n,
      meanIou: iou / n,
      minIou: masks.length ? minIou : 0,
    };
  });
}

export function sweepCsv(rows: SweepRow[]): string {
  const head = 'epsilon,masks,mean_tokens,mean_vertices,mean_iou,min_iou';
  return [
    head,
    ...rows.map((r) =>
      [
        r.epsilon,
        r.masks,
        r.meanTokens.toFixed(2),
        r.meanVertices.toFixed(2),
        r.meanIou.toFixed(5),
        r.minIou.toFixed(5),
      ].join(','),
    ),
  ].join('\n');
}

/**
 * The sweep as an SVG chart: mean tokens per mask (left axis) and mean round-trip IoU (right axis)
 * against ε. Rendered to PNG by the CLI with sharp.
 */
export function sweepSvg(rows: SweepRow[], title = 'SimpleSeg: simplification ε vs tokens and IoU'): string {
  const W = 720;
  const H = 440;
  const m = { l: 70, r: 70, t: 50, b: 60 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const eMax = Math.max(...rows.map((r) => r.epsilon), 1e-9);
  const tMax = Math.max(...rows.map((r) => r.meanTokens), 1) * 1.1;
  const iMin = Math.min(...rows.map((r) => r.meanIou), 1) - 0.02;
  const iLo = Math.max(0, Math.floor(iMin * 50) / 50);
  const x = (e: number) => m.l + (e / eMax) * pw;
  const yT = (t: number) => m.t + ph - (t / tMax) * ph;
  const yI = (v: number) => m.t + ph - ((v - iLo) / (1 - iLo || 1)) * ph;
  const path = (pts: [number, number][]) =>
    pts.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
  const ticks = (n: number, f: (i: number) => string) =>
    Array.from({ length: n + 1 }, (_, i) => f(i)).join('');
  const family = 'font-family="DejaVu Sans, Arial, sans-serif"';
  const font = `${family} font-size="12"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="28" text-anchor="middle" ${family} font-size="15">${title}</text>
<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>
${ticks(5, (i) => {
  const e = (eMax * i) / 5;
  return `<line x1="${x(e)}" y1="${m.t + ph}" x2="${x(e)}" y2="${m.t + ph + 5}" stroke="#888"/><text x="${x(e)}" y="${m.t + ph + 20}" text-anchor="middle" ${font}>${(e * 100).toFixed(2)}%</text>`;
})}
${ticks(5, (i) => {
  const t = (tMax * i) / 5;
  return `<text x="${m.l - 8}" y="${yT(t) + 4}" text-anchor="end" ${font} fill="#1f77b4">${t.toFixed(0)}</text>`;
})}
${ticks(4, (i) => {
  const v = iLo + ((1 - iLo) * i) / 4;
  return `<text x="${m.l + pw + 8}" y="${yI(v) + 4}" ${font} fill="#d62728">${v.toFixed(3)}</text>`;
})}
<text x="${W / 2}" y="${H - 15}" text-anchor="middle" ${font}>ε (fraction of the contour perimeter)</text>
<text x="18" y="${m.t + ph / 2}" transform="rotate(-90 18 ${m.t + ph / 2})" text-anchor="middle" ${font} fill="#1f77b4">mean tokens per mask</text>
<text x="${W - 16}" y="${m.t + ph / 2}" transform="rotate(90 ${W - 16} ${m.t + ph / 2})" text-anchor="middle" ${font} fill="#d62728">mean round-trip IoU</text>
<path d="${path(rows.map((r) => [x(r.epsilon), yT(r.meanTokens)]))}" fill="none" stroke="#1f77b4" stroke-width="2.5"/>
<path d="${path(rows.map((r) => [x(r.epsilon), yI(r.meanIou)]))}" fill="none" stroke="#d62728" stroke-width="2.5"/>
${rows.map((r) => `<circle cx="${x(r.epsilon)}" cy="${yT(r.meanTokens)}" r="3.5" fill="#1f77b4"/><circle cx="${x(r.epsilon)}" cy="${yI(r.meanIou)}" r="3.5" fill="#d62728"/>`).join('')}
</svg>`;
}
