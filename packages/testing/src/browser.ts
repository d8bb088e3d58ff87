import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface Harness {
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles a browser test harness (`entry`, TypeScript) with esbuild and serves it on loopback with
 * the folders in `routes` (URL prefix → folder). Bare imports listed in `importMap` are left out of
 * the bundle and resolved by the page's import map (e.g. `onnxruntime-web` → its own ESM build).
 */
export async function serveHarness(opts: {
  entry: string;
  routes: Record<string, string>;
  importMap?: Record<string, string>;
}): Promise<Harness> {
  const out = await build({
    entryPoints: [opts.entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: Object.keys(opts.importMap ?? {}),
    write: false,
    logLevel: 'silent',
  });
  const bundle = out.outputFiles[0].text;
  const page = `<!doctype html><script type="importmap">${JSON.stringify({ imports: opts.importMap ?? {} })}</script><script type="module" src="/harness.js"></script>`;
  const server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (url === '/harness.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    for (const [prefix, dir] of Object.entries(opts.routes))
      if (url.startsWith(prefix)) {
        const file = normalize(join(dir, url.slice(prefix.length)));
        if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile())
          return res
            .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
            .end(readFileSync(file));
      }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Opens `url` in headless Chromium (`$CHROMIUM`, or the one scripts/chromium.cjs finds) and returns what the page leaves on
 * `window.__seglang`. A page error or a value with `error` fails with that message.
 */
export async function runInChromium<T>(url: string, timeoutMs = 90_000): Promise<T> {
  // The repository's one Chromium finder (scripts/ensure-chromium.sh and the docs test use it too);
  // required here, when a browser test runs under jest, not when the module loads.
  const { requireChromium } = require('../../../scripts/chromium.cjs') as { requireChromium: () => string };
  const executablePath = requireChromium();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => (window as { __seglang?: unknown }).__seglang !== undefined, undefined, {
      timeout: timeoutMs,
    });
    const value = (await page.evaluate(() => (window as { __seglang?: unknown }).__seglang)) as T & {
      error?: string;
    };
    if (errors.length > 0) throw new Error(`page errors: ${errors.join(' | ')}`);
    if (value && typeof value === 'object' && value.error) throw new Error(`in the page: ${value.error}`);
    return value;
  } finally {
    await browser.close();
  }
}
