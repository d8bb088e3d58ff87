import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/cli.ts', 'src/server.ts', 'src/prepare.ts'],
  format: ['esm'],
  dts: { entry: 'src/server.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
