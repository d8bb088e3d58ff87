import { RqError } from './errors';

export const MASK_START = '<|mt_start|>';
export const MASK_END = '<|mt_end|>';
/** Qwen-VL's grounding tokens around a phrase in a grounded conversation answer. */
const REF_START = '<|object_ref_start|>';
const REF_END = '<|object_ref_end|>';

export interface MaskWordOptions {
  /** Codes per level (default 256). */
  codebookSize?: number;
  /** Quantiser levels (default 2). */
  levels?: number;
}

const pad4 = (n: number) => String(n).padStart(4, '0');

function vocabulary(opts: MaskWordOptions): { codebookSize: number; levels: number } {
  if (opts === null || typeof opts !== 'object')
    throw new RqError('INVALID_ARGUMENT', 'options must be an object { codebookSize?, levels? }');
  const codebookSize = opts.codebookSize ?? 256;
  const levels = opts.levels ?? 2;
  if (!Number.isInteger(codebookSize) || codebookSize < 1) {
    throw new RqError(
      'INVALID_ARGUMENT',
      `codebookSize must be a positive integer, got ${String(codebookSize)}`,
    );
  }
  if (!Number.isInteger(levels) || levels < 1) {
    throw new RqError('INVALID_ARGUMENT', `levels must be a positive integer, got ${String(levels)}`);
  }
  if (codebookSize * levels > 10000) {
    throw new RqError(
      'INVALID_ARGUMENT',
      `codebookSize × levels must fit 4 digits (≤ 10000), got ${codebookSize * levels}`,
    );
  }
  return { codebookSize, levels };
}

/**
 * The mask-word vocabulary in id order: `<|mt_start|>`, `<|mt_0000|>` … `<|mt_{L·K−1}|>`, `<|mt_end|>`
 * (514 strings for the SAMTok default of 2 levels × 256 codes).
 * @example maskWordTokens({ codebookSize: 256, levels: 2 }).length; // → 514
 */
export function maskWordTokens(opts: MaskWordOptions = {}): string[] {
  const { codebookSize, levels } = vocabulary(opts);
  const out = [MASK_START];
  for (let t = 0; t < codebookSize * levels; t++) out.push(`<|mt_${pad4(t)}|>`);
  out.push(MASK_END);
  return out;
}

/**
 * Writes one mask's codes as mask words: level l, code c → `<|mt_{l·K + c}|>`.
 * @throws RqError `INVALID_CODES` for codes out of range or the wrong count.
 * @example formatMaskWords([12, 47]); // → '<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>'
 */
export function formatMaskWords(codes: number[], opts: MaskWordOptions = {}): string {
  const { codebookSize, levels } = vocabulary({
    levels: Array.isArray(codes) ? codes.length || 1 : 1,
    ...opts,
  });
  if (!Array.isArray(codes) || codes.length !== levels) {
    throw new RqError(
      'INVALID_CODES',
      `codes must be an array of ${levels} codes, got ${JSON.stringify(codes)}`,
    );
  }
  let out = MASK_START;
  codes.forEach((c, l) => {
    if (!Number.isInteger(c) || c < 0 || c >= codebookSize) {
      throw new RqError(
        'INVALID_CODES',
        `codes[${l}] must be an integer in [0, ${codebookSize - 1}], got ${String(c)}`,
      );
    }
    out += `<|mt_${pad4(l * codebookSize + c)}|>`;
  });
  return out + MASK_END;
}

export interface ParsedMaskWords {
  /** One code per level (level offset removed). With `'first-level-only'`, a missing level is absent. */
  codes: number[];
  /** Character offsets of the mask in the text: `text.slice(start, end)`. */
  start: number;
  end: number;
  /** Whether a repair was applied (extra codes dropped, a missing code or end filled in). */
  repaired: boolean;
}

export interface ParseMaskWordsOptions extends MaskWordOptions {
  /**
   * `'strict'`: only complete `start, c1, …, cL, end` groups with each code at its own level.
   * `'repair'` (default): also the malformed groups the SAMTok demo repairs.
   */
  mode?: 'strict' | 'repair';
  /**
   * What a repaired mask with a missing second code becomes:
   * `'zero'` — code 0 at level 2 (what the reference decoder does, an aliasing bug, for reproducing its numbers);
   * `'first-level-only'` (default) — only the level-1 code, so the decoder uses level 1 alone (the intended behaviour).
   */
  missingSecondLevel?: 'zero' | 'first-level-only';
}

const TOKEN = /<\|mt_(start|end|\d{4})\|>/g;

interface Tok {
  kind: 'start' | 'end' | 'code';
  value: number;
  start: number;
  end: number;
}

/**
 * Finds the masks written as mask words in `text`. Text between and around masks is ignored.
 *
 * Repairs in `'repair'` mode, in the reference's order, when a group has the wrong number of codes:
 * `start, c1, c2, c3…, end` keeps the first two; `start, c1, end` and `start, c1` without an end have
 * their second code missing (see `missingSecondLevel`). Codes must be at their level
 * (level-1 codes < K, level-2 codes in [K, 2K)); a group that cannot be repaired is skipped.
 *
 * @throws RqError `INVALID_TEXT` when `text` is not a string.
 * @example
 * parseMaskWords('It is <|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>.');
 * // → [{ codes: [12, 47], start: 6, end: 50, repaired: false }]
 */
export function parseMaskWords(text: string, opts: ParseMaskWordsOptions = {}): ParsedMaskWords[] {
  if (typeof text !== 'string')
    throw new RqError('INVALID_TEXT', `text must be a string, got ${typeof text}`);
  const { codebookSize, levels } = vocabulary(opts);
  const mode = opts.mode ?? 'repair';
  const missing = opts.missingSecondLevel ?? 'first-level-only';
  if (mode !== 'strict' && mode !== 'repair')
    throw new RqError('INVALID_ARGUMENT', `mode must be 'strict' or 'repair', got ${String(mode)}`);
  if (missing !== 'zero' && missing !== 'first-level-only') {
    throw new RqError(
      'INVALID_ARGUMENT',
      `missingSecondLevel must be 'zero' or 'first-level-only', got ${String(missing)}`,
    );
  }
  const toks: Tok[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (m[1] === 'start') toks.push({ kind: 'start', value: -1, start, end });
    else if (m[1] === 'end') toks.push({ kind: 'end', value: -1, start, end });
    else toks.push({ kind: 'code', value: Number(m[1]), start, end });
  }
  const out: ParsedMaskWords[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].kind !== 'start') continue;
    const start = toks[i].start;
    const codes: Tok[] = [];
    let j = i + 1;
    while (j < toks.length && toks[j].kind === 'code') codes.push(toks[j++]);
    const closed = j < toks.length && toks[j].kind === 'end';
    const end = closed ? toks[j].end : codes.length > 0 ? codes[codes.length - 1].end : toks[i].end;
    i = closed ? j : j - 1;
    const atLevel = (t: Tok, l: number) => t.value >= l * codebookSize && t.value < (l + 1) * codebookSize;
    if (codes.length === levels && closed && codes.every(atLevel)) {
      out.push({ codes: codes.map((t, l) => t.value - l * codebookSize), start, end, repaired: false });
      continue;
    }
    if (mode === 'strict' || codes.length === 0 || !atLevel(codes[0], 0)) continue;
    if (codes.length > levels && codes.slice(0, levels).every(atLevel)) {
      out.push({
        codes: codes.slice(0, levels).map((t, l) => t.value - l * codebookSize),
        start,
        end,
        repaired: true,
      });
    } else if (levels === 2 && codes.length === 1) {
      const first = codes[0].value;
      out.push({ codes: missing === 'zero' ? [first, 0] : [first], start, end, repaired: true });
    } else if (codes.length === levels && !closed && codes.every(atLevel)) {
      out.push({ codes: codes.map((t, l) => t.value - l * codebookSize), start, end, repaired: true });
    }
  }
  return out;
}

export interface MaskAnswerEntry {
  codes: number[];
  /** The `label` of a JSON answer entry. */
  label?: string;
  /** The grounded phrase before the mask (`<|object_ref_start|>phrase<|object_ref_end|>`). */
  phrase?: string;
  repaired: boolean;
}

/**
 * Reads a SAMTok answer in any of its forms: the GRES JSON list
 * (```` ```json\n[{"mask_2d": "<mask words>", "label": "..."}]\n``` ````), grounded conversation
 * (`<|object_ref_start|>phrase<|object_ref_end|><mask words>`), plain text with mask words, or
 * `No target.` (no masks).
 * @example
 * parseMaskAnswer('No target.'); // → { noTarget: true, masks: [] }
 */
export function parseMaskAnswer(
  text: string,
  opts: ParseMaskWordsOptions = {},
): { noTarget: boolean; masks: MaskAnswerEntry[] } {
  if (typeof text !== 'string')
    throw new RqError('INVALID_TEXT', `text must be a string, got ${typeof text}`);
  const words = parseMaskWords(text, opts);
  const masks: MaskAnswerEntry[] = words.map((w) => ({ codes: w.codes, repaired: w.repaired }));
  words.forEach((w, k) => {
    // GRES JSON entry: the "label" that follows this mask, before the next one (whether or not
    // the model quoted the mask_2d value, so a not-quite-JSON answer still keeps its labels).
    const after = text.slice(w.end, k + 1 < words.length ? words[k + 1].start : text.length);
    const label = /^\s*"?\s*,\s*"label"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(after);
    if (label) {
      try {
        masks[k].label = JSON.parse(`"${label[1]}"`);
      } catch {
        masks[k].label = label[1];
      }
    }
    // Grounded conversation: the phrase right before the mask, `<|object_ref_start|>phrase
    // <|object_ref_end|>` and only whitespace up to the mask. Found from the mask backwards, in
    // time linear in the text between masks (a regular expression anchored at the end tried every
    // earlier start token: 40,000 of them took 23 s).
    const from = k > 0 ? words[k - 1].end : 0;
    const close = text.lastIndexOf(REF_END, w.start - REF_END.length);
    if (close >= from && text.slice(close + REF_END.length, w.start).trim() === '') {
      const open = text.lastIndexOf(REF_START, close - REF_START.length);
      if (open >= from) masks[k].phrase = text.slice(open + REF_START.length, close);
    }
  });
  const noTarget = masks.length === 0 && /\bno target\b/i.test(text);
  return { noTarget, masks };
}

/**
 * Writes a multi-mask answer in the GRES format: masks ordered by box x-centre then y-centre,
 * `No target.` when there are none.
 */
export function formatMaskAnswer(
  masks: Array<{ codes: number[]; label: string; box?: [x1: number, y1: number, x2: number, y2: number] }>,
  opts: MaskWordOptions = {},
): string {
  if (!Array.isArray(masks))
    throw new RqError('INVALID_ARGUMENT', 'masks must be an array of { codes, label, box? }');
  vocabulary(opts); // checked also when there are no masks
  masks.forEach((m, i) => {
    if (m === null || typeof m !== 'object' || typeof m.label !== 'string')
      throw new RqError('INVALID_ARGUMENT', `masks[${i}] must be { codes, label: string, box? }`);
    if (
      m.box !== undefined &&
      (!Array.isArray(m.box) ||
        m.box.length !== 4 ||
        !m.box.every((v) => typeof v === 'number' && Number.isFinite(v)))
    )
      throw new RqError('INVALID_ARGUMENT', `masks[${i}].box must be [x1, y1, x2, y2] with finite numbers`);
  });
  if (masks.length === 0) return 'No target.';
  const sorted = masks
    .map((m, i) => ({ m, i }))
    .sort((a, b) => {
      const ca = a.m.box ? [(a.m.box[0] + a.m.box[2]) / 2, (a.m.box[1] + a.m.box[3]) / 2] : [0, 0];
      const cb = b.m.box ? [(b.m.box[0] + b.m.box[2]) / 2, (b.m.box[1] + b.m.box[3]) / 2] : [0, 0];
      return ca[0] - cb[0] || ca[1] - cb[1] || a.i - b.i;
    });
  const entries = sorted.map(({ m }) => ({ mask_2d: formatMaskWords(m.codes, opts), label: m.label }));
  return `\`\`\`json\n${JSON.stringify(entries)}\n\`\`\``;
}
