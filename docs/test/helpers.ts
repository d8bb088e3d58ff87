import { readFileSync } from 'node:fs';

/** The records of a JSON-lines file. */
export const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
