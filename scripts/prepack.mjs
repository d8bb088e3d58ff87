// prepack of every published package: the repository's LICENSE goes into the tarball beside its package.json.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

copyFileSync(fileURLToPath(new URL('../LICENSE', import.meta.url)), join(process.cwd(), 'LICENSE'));
