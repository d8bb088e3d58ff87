import type { Options } from 'tsup';

/**
 * The tsup build of a library package. ESM: one output module per source module (shared code in
 * chunks), so that a bundler honouring `sideEffects: false` leaves out the modules an import does not
 * reach, and their dependencies with them (polygon-clipping for a reward that never clips). CJS: one
 * file per entry. `entries` are the package's entry points (`src/index.ts`, and `src/node.ts` where
 * there is one), which get the `.d.ts` / `.d.cts` types.
 */
export function library(entries: string[]): Options[] {
  return [
    {
      entry: ['src/*.ts', '!src/*.d.ts'],
      format: ['esm'],
      splitting: true,
      dts: { entry: entries },
      clean: true,
      sourcemap: true,
      target: 'es2022',
    },
    { entry: entries, format: ['cjs'], dts: { entry: entries }, sourcemap: true, target: 'es2022' },
  ];
}
