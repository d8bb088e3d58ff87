// Where the browser tests find a Chromium (docs site, mllm-runtime and sam-encoder on onnxruntime-web).
// CommonJS so that the ensure step (before any build), the jest helpers and the .mjs tests share it.
'use strict';
const { existsSync } = require('node:fs');

/** The places a Chromium or Chrome is looked for, in order, after $CHROMIUM. */
function candidates() {
  const found = [];
  try {
    // A browser that `npx --no playwright-core install chromium` downloaded (any OS).
    found.push(require('playwright-core').chromium.executablePath());
  } catch {
    // playwright-core knows no browser for this platform, or is not installed yet
  }
  found.push(
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  );
  return found;
}

const HOW =
  'install one (Debian/Ubuntu: apt-get install -y chromium; any OS: npx --no playwright-core install chromium) or set CHROMIUM to a Chromium or Chrome binary';

/** The Chromium to drive: $CHROMIUM if set (it must exist), else the first candidate that exists, else null. */
function findChromium() {
  const env = process.env.CHROMIUM;
  if (env) {
    if (!existsSync(env)) throw new Error(`CHROMIUM=${env} does not exist: ${HOW}`);
    return env;
  }
  return candidates().find((p) => existsSync(p)) ?? null;
}

/** findChromium(), or an error that says where it looked and how to get one. */
function requireChromium() {
  const path = findChromium();
  if (path === null) throw new Error(`no Chromium found (looked in ${candidates().join(', ')}): ${HOW}`);
  return path;
}

module.exports = { findChromium, requireChromium, HOW };

if (require.main === module) {
  // `node scripts/chromium.cjs` prints the path; exit 1: none found; exit 2: $CHROMIUM is wrong.
  try {
    const path = findChromium();
    if (path === null) process.exit(1);
    process.stdout.write(`${path}\n`);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
}
