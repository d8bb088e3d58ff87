// prepack of every published package: refuses to pack a package that is not built (a tarball without
// dist/ installs and then fails on import), and copies the repository's LICENSE in beside package.json.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = process.cwd();
if (!existsSync(join(pkg, 'dist'))) {
  process.stderr.write(`${pkg}: dist/ is missing; run npm run build at the repository root first\n`);
  process.exit(1);
}
copyFileSync(fileURLToPath(new URL('../LICENSE', import.meta.url)), join(pkg, 'LICENSE'));
