import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/server.ts', 'src/prepare.ts', 'src/score-worker.ts'],
  // __dirname in ESM output: the server finds score-worker.js beside itself.
  shims: true,
  format: ['esm'],
  dts: { entry: 'src/server.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
