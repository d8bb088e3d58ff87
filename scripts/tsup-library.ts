import { rmSync } from 'node:fs';
import type { Options } from 'tsup';

/**
 * The tsup build of a library package. ESM: one output module per source module (shared code in
 * chunks), so that a bundler honouring `sideEffects: false` leaves out the modules an import does not
 * reach, and their dependencies with them (polygon-clipping for a reward that never clips). CJS: one
 * file per entry. `entries` are the package's entry points (`src/index.ts`, and `src/node.ts` where
 * there is one), which get the `.d.ts` / `.d.cts` types.
 */
export function library(entries: string[]): Options[] {
  // The two builds write into dist/ at the same time, so neither may clean it (tsup's clean empties
  // the folder when its own build starts, and its types step deletes every .d.ts and .d.cts): dist/
  // is emptied once, here, before either starts.
  rmSync('dist', { recursive: true, force: true });
  return [
    {
      entry: ['src/*.ts', '!src/*.d.ts'],
      format: ['esm'],
      splitting: true,
      dts: { entry: entries },
      sourcemap: true,
      target: 'es2022',
    },
    { entry: entries, format: ['cjs'], dts: { entry: entries }, sourcemap: true, target: 'es2022' },
  ];
}
