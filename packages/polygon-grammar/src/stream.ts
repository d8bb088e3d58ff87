import type { Location, Point } from './location';
import { checkParseOptions, type ParseOptions, parseLocationWithRepairs, type Repair } from './parse';

/** A point completed while streaming: `part` is its polygon's index (0 outside a list of polygons). */
export interface StreamPointEvent {
  type: 'point';
  point: Point;
  part: number;
  index: number;
}

export interface StreamParser {
  /** Feeds more text; returns the points completed by it. Constant work per character. */
  push(chunk: string): StreamPointEvent[];
  /** Ends the stream: the tolerant (or strict) parse of everything pushed. @throws GrammarError */
  end(): { location: Location; repairs: Repair[] };
}

/**
 * Parses a location while a model is still generating it, so points can be drawn as they arrive.
 * Text before the first '[' is ignored.
 * @example
 * const p = createStreamParser();
 * p.push('[[[0.1, 0.'); // → []
 * p.push('2], [0.3'); // → [{ type: 'point', point: [0.1, 0.2], part: 0, index: 0 }]
 */
export function createStreamParser(opts: ParseOptions = {}): StreamParser {
  checkParseOptions(opts);
  let text = '';
  let started = -1;
  let depth = 0;
  let pendingPart = false;
  let number = '';
  let values: number[] = [];
  let part = -1;
  let index = 0;
  const flush = () => {
    if (number !== '') {
      const v = Number(number);
      if (Number.isFinite(v)) values.push(v);
      number = '';
    }
  };
  return {
    push(chunk: string): StreamPointEvent[] {
      const events: StreamPointEvent[] = [];
      const from = text.length;
      text += chunk;
      for (let i = from; i < text.length; i++) {
        const ch = text[i];
        if (started < 0) {
          if (ch !== '[') continue;
          started = i;
        }
        if (ch === '[') {
          flush();
          depth++;
          // A third level means a list of polygons: each polygon's first point starts a new part.
          if (depth === 2) pendingPart = true;
          if (depth === 3 && pendingPart) {
            part++;
            index = 0;
            pendingPart = false;
          }
          values = [];
        } else if (ch === ']') {
          flush();
          // An innermost list of two numbers below the top level is a point of a polygon.
          if (depth >= 2 && values.length === 2) {
            events.push({ type: 'point', point: [values[0], values[1]], part: Math.max(part, 0), index });
            index++;
          }
          values = [];
          depth = Math.max(0, depth - 1);
        } else if (ch === ',' || ch === ' ' || ch === '\n' || ch === '\t') {
          flush();
        } else {
          number += ch;
        }
      }
      return events;
    },
    end() {
      return parseLocationWithRepairs(started < 0 ? text : text.slice(started), {
        mode: 'tolerant',
        ...opts,
      });
    },
  };
}
