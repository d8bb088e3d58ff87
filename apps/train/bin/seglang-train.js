#!/usr/bin/env node
// The `seglang-train` command. A committed launcher, so that npm links it at install time, before the build
// that writes dist/ (npm links a bin only if its file exists then).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'seglang-train: dist/cli.js is not built yet; run npm run build in the seglang repository\n',
  );
  process.exit(1);
}
await import(cli.href);
