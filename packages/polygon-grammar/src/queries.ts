import polylabel from '@mapbox/polylabel';
import { approxPolyDP } from '@seglang/contour';
import { GrammarError, show } from './errors';
import { checkFormatOptions, type FormatOptions, formatBox, formatPoint, formatPolygons } from './format';
import type { Box, Point } from './location';

/** The public SimpleSeg data script's question templates (text → mask). */
export const SIMPLESEG_QUESTIONS = [
  '"{q}"\'s polygon',
  'What is the polygon of {q} in the image?',
  'Output the polygon coordinates of {q} in the image.',
  'Tell me the polygon coordinates of {q} in the image.',
  'Give me the polygon coordinates of {q} in the image.',
  'Help me locate the polygon of {q}.',
  'Locate the polygon of {q}.',
];

/**
 * The public SimpleSeg data script's answer templates, as listed there: the bare answer twice, so
 * that a uniform choice gives it 40% of the time.
 */
export const SIMPLESEG_ANSWERS = [
  '{a}.',
  '{a}.',
  'Sure, you can find it at {a}.',
  'It is found at {a}.',
  'It is at {a}.',
];

export type QueryTask =
  | 'text2point'
  | 'text2bbox'
  | 'text2mask'
  | 'point2mask'
  | 'bbox2mask'
  | 'point2text'
  | 'bbox2text'
  | 'mask2text';

export const QUERY_TASKS: QueryTask[] = [
  'text2point',
  'text2bbox',
  'text2mask',
  'point2mask',
  'bbox2mask',
  'point2text',
  'bbox2text',
  'mask2text',
];

/** What each task reads and writes: its input first, then its output. */
export const TASK_INPUTS: Readonly<Record<QueryTask, readonly ('text' | 'point' | 'bbox' | 'mask')[]>> = {
  text2point: ['text', 'point'],
  text2bbox: ['text', 'bbox'],
  text2mask: ['text', 'mask'],
  point2mask: ['point', 'mask'],
  bbox2mask: ['bbox', 'mask'],
  point2text: ['point', 'text'],
  bbox2text: ['bbox', 'text'],
  mask2text: ['mask', 'text'],
};

/** Question templates per task: `{q}` is the referring text, `{p}`/`{b}`/`{m}` the point, box, mask. */
export const DEFAULT_QUESTIONS: Record<QueryTask, string[]> = {
  text2point: ['Point to {q} in the image.', 'Where is {q}? Answer with a point.', 'Give one point on {q}.'],
  text2bbox: [
    'What is the bounding box of {q} in the image?',
    'Output the bounding box of {q}.',
    'Locate {q} with a box.',
  ],
  text2mask: SIMPLESEG_QUESTIONS,
  point2mask: [
    'Output the polygon of the object at {p}.',
    'Segment the object containing the point {p}.',
    'What is the polygon of the object at {p}?',
  ],
  bbox2mask: [
    'Output the polygon of the object in {b}.',
    'Segment the object inside the box {b}.',
    'What is the polygon of the object in the box {b}?',
  ],
  point2text: ['What is the object at {p}?', 'Describe the object at the point {p}.'],
  bbox2text: ['What is the object in {b}?', 'Describe the object inside the box {b}.'],
  mask2text: ['What is the object with the polygon {m}?', 'Describe the region {m}.'],
};

export interface QueryTarget {
  /** The referring expression. */
  text?: string;
  /** A point on the object, normalised. */
  point?: Point;
  /** `[x1, y1, x2, y2]`, normalised. */
  bbox?: Box;
  /** The mask as polygons (SimpleSeg's answer), normalised. */
  polygons?: Point[][];
  /**
   * The mask written another way, e.g. SAMTok mask words: replaces the polygon text in questions
   * (`{m}`) and answers. The box and point are still derived from `polygons` when given.
   */
  maskText?: string;
}

export interface BuildQueriesOptions extends FormatOptions {
  /** Tasks to build (default: every task the target's inputs allow). */
  tasks?: QueryTask[];
  /** Seed for template choice (default 0): the same seed gives the same queries. */
  seed?: number;
  /** Replace the question templates of some tasks. */
  templates?: Partial<Record<QueryTask, string[]>>;
  /** Replace the answer templates (default: SimpleSeg's). */
  answers?: string[];
}

export interface Query {
  task: QueryTask;
  question: string;
  answer: string;
}

/** Mulberry32: the small seeded generator behind `buildQueries({ seed })` (floats in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shoelace = (poly: Point[]) => {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++)
    a += poly[j][0] * poly[i][1] - poly[j][1] * poly[i][0];
  return Math.abs(a) / 2;
};

/** Parts longer than this are simplified before the pole search, which visits every edge per cell. */
const POLE_MAX_POINTS = 2000;

/** Even-odd point in polygon. */
function inside(ring: Point[], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/**
 * polylabel's pole of inaccessibility. A part of more than {@link POLE_MAX_POINTS} points (a raw
 * traced contour, say) is first simplified to within 0.1% of its size, since polylabel's cost grows
 * with points × cells (300,000 points took minutes); that pole is kept if it lies inside the part,
 * as it does unless the part is thinner than the tolerance, and otherwise the exact search runs.
 */
function poleOfInaccessibility(part: Point[], bbox: Box): number[] {
  if (part.length > POLE_MAX_POINTS) {
    const simplified = approxPolyDP(part, 1e-3 * Math.max(bbox[2] - bbox[0], bbox[3] - bbox[1]), true);
    if (simplified.length >= 3) {
      const p = polylabel([simplified], 1e-5) as unknown as number[];
      if (inside(part, p[0], p[1])) return p;
    }
  }
  return polylabel([part], 1e-5) as unknown as number[];
}

/** Weak labels: the box of the polygons (min/max) and a point inside the largest part (its pole of inaccessibility). */
export function weakLabels(polygons: Point[][]): { bbox: Box; point: Point } {
  if (!Array.isArray(polygons))
    throw new GrammarError('INVALID_ARGUMENT', 'polygons must be an array of [x, y] point arrays');
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  // The largest non-empty part by area (the first on ties).
  let largest: Point[] = [];
  let largestArea = -1;
  polygons.forEach((poly, k) => {
    if (!Array.isArray(poly))
      throw new GrammarError('INVALID_ARGUMENT', `polygons[${k}] must be an array of [x, y] points`);
    poly.forEach((p, i) => {
      if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
        throw new GrammarError('INVALID_ARGUMENT', `polygons[${k}][${i}] must be [x, y] with finite numbers`);
      if (p[0] < x1) x1 = p[0];
      if (p[1] < y1) y1 = p[1];
      if (p[0] > x2) x2 = p[0];
      if (p[1] > y2) y2 = p[1];
    });
    const area = poly.length > 0 ? shoelace(poly) : -1;
    if (area > largestArea) {
      largestArea = area;
      largest = poly;
    }
  });
  if (largest.length === 0) throw new GrammarError('EMPTY', 'polygons have no points');
  const bbox: Box = [x1, y1, x2, y2];
  const pole = largest.length >= 3 ? poleOfInaccessibility(largest, bbox) : largest[0];
  return { bbox, point: [pole[0], pole[1]] };
}

/** Each field of a query target of the type it must have (JSON from anywhere gets no type checks). */
function checkTarget(target: QueryTarget): void {
  const bad = (field: string, want: string, v: unknown): never => {
    throw new GrammarError('INVALID_ARGUMENT', `target.${field} must be ${want}, got ${show(v)}`);
  };
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const { text, point, bbox, polygons, maskText } = target;
  if (text !== undefined && typeof text !== 'string') bad('text', 'a string', text);
  if (maskText !== undefined && typeof maskText !== 'string') bad('maskText', 'a string', maskText);
  if (point !== undefined && (!Array.isArray(point) || point.length !== 2 || !point.every(finite)))
    bad('point', '[x, y] with finite numbers', point);
  if (bbox !== undefined && (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(finite)))
    bad('bbox', '[x1, y1, x2, y2] with finite numbers', bbox);
  if (polygons !== undefined) {
    if (!Array.isArray(polygons)) bad('polygons', 'an array of polygons', polygons);
    polygons.forEach((poly, k) => {
      if (!Array.isArray(poly)) bad(`polygons[${k}]`, 'an array of [x, y] points', poly);
      poly.forEach((p, i) => {
        if (!Array.isArray(p) || p.length !== 2 || !p.every(finite))
          bad(`polygons[${k}][${i}]`, '[x, y] with finite numbers', p);
      });
    });
  }
}

/**
 * The unified query interface over the 4-tuple [text, point, bbox, mask]: one question–answer
 * pair per available input → output task (text→point, text→bbox, text→mask, point→mask, bbox→mask,
 * and the reverse grounding questions point→text, bbox→text, mask→text). A missing box or point is
 * derived from the polygons. Templates are chosen by a seeded generator.
 * @throws GrammarError `INVALID_ARGUMENT` for an unknown task or a task whose inputs are missing.
 * @example
 * buildQueries({ text: 'the dog', polygons: [[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]] }, { tasks: ['text2mask'] });
 */
export function buildQueries(target: QueryTarget, opts: BuildQueriesOptions = {}): Query[] {
  if (target === null || typeof target !== 'object')
    throw new GrammarError(
      'INVALID_ARGUMENT',
      'target must be an object { text?, point?, bbox?, polygons? }',
    );
  if (opts === null || typeof opts !== 'object')
    throw new GrammarError('INVALID_ARGUMENT', 'options must be an object');
  checkTarget(target);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed))
    throw new GrammarError('INVALID_ARGUMENT', `options.seed must be an integer, got ${String(seed)}`);
  const templateList = (xs: unknown, where: string): void => {
    if (!Array.isArray(xs) || xs.length === 0 || xs.some((t) => typeof t !== 'string'))
      throw new GrammarError('INVALID_ARGUMENT', `${where} must be a non-empty array of strings`);
  };
  if (opts.answers !== undefined) templateList(opts.answers, 'options.answers');
  if (opts.templates !== undefined) {
    if (opts.templates === null || typeof opts.templates !== 'object')
      throw new GrammarError('INVALID_ARGUMENT', 'options.templates must be an object of task → templates');
    for (const [task, list] of Object.entries(opts.templates))
      if (list !== undefined) templateList(list, `options.templates.${task}`);
  }
  if (opts.tasks !== undefined && !Array.isArray(opts.tasks))
    throw new GrammarError('INVALID_ARGUMENT', 'options.tasks must be an array of task names');
  checkFormatOptions(opts);
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const hasPolygons = !!target.polygons && target.polygons.flat().length > 0;
  const has = {
    text: typeof target.text === 'string' && target.text.length > 0,
    // A missing point or box is derived from the polygons.
    point: !!target.point || hasPolygons,
    bbox: !!target.bbox || hasPolygons,
    mask: hasPolygons || (typeof target.maskText === 'string' && target.maskText.length > 0),
  };
  const needs = TASK_INPUTS;
  const tasks = opts.tasks ?? QUERY_TASKS.filter((t) => needs[t].every((k) => has[k]));
  const answers = opts.answers ?? SIMPLESEG_ANSWERS;
  // Weak labels only for what the tasks use and the target does not give (the pole of
  // inaccessibility is not free).
  const usesPoint = tasks.some((t) => needs[t]?.includes('point'));
  const usesBox = tasks.some((t) => needs[t]?.includes('bbox'));
  const derived =
    hasPolygons && ((usesPoint && !target.point) || (usesBox && !target.bbox))
      ? weakLabels(target.polygons as Point[][])
      : undefined;
  const point = target.point ?? derived?.point;
  const bbox = target.bbox ?? derived?.bbox;
  return tasks.map((task) => {
    if (!needs[task])
      throw new GrammarError(
        'INVALID_ARGUMENT',
        `unknown task ${JSON.stringify(task)}; tasks are ${QUERY_TASKS.join(', ')}`,
      );
    const missing = needs[task].filter((k) => !has[k]);
    if (missing.length > 0)
      throw new GrammarError(
        'INVALID_ARGUMENT',
        `task ${task} needs ${missing.join(' and ')}, which the target lacks`,
      );
    const p = point ? formatPoint(point, opts) : '';
    const b = bbox ? formatBox(bbox, opts) : '';
    const m = target.maskText ?? (target.polygons ? formatPolygons(target.polygons, opts) : '');
    // One pass, as Python's str.format: a referring text holding "{p}" stays as it is.
    const values: Record<string, string> = { q: target.text ?? '', p, b, m };
    const fill = (t: string) => t.replace(/\{([qpbm])\}/g, (_, k: string) => values[k]);
    const question = fill(pick(opts.templates?.[task] ?? DEFAULT_QUESTIONS[task]));
    const output = task.endsWith('2text') ? null : task.endsWith('point') ? p : task.endsWith('bbox') ? b : m;
    const answer =
      output === null
        ? `${(target.text ?? '').replace(/^./, (c) => c.toUpperCase())}.`
        : pick(answers).replace(/\{a\}/g, () => output);
    return { task, question, answer };
  });
}
