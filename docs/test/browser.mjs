// The browser test of the built site (run after `vitepress build`): serves .vitepress/dist on
// loopback, drives Chromium (scripts/chromium.cjs finds it) with playwright-core, and checks that every page loads without
// console errors and that the demo works — the ε slider changes the token count, editing the text
// changes the mask, malformed text shows its repairs. Screenshots go to test-artifacts/ for CI.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(docs, '.vitepress', 'dist');
const artifacts = join(docs, 'test-artifacts');
const executablePath = createRequire(import.meta.url)('../../scripts/chromium.cjs').requireChromium();
if (!existsSync(dist))
  throw new Error(`${dist} does not exist: run \`npm run build -w @seglang/docs\` first`);
mkdirSync(artifacts, { recursive: true });

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const server = createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = normalize(join(dist, url));
  if (!file.startsWith(dist)) return res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`; // clean URLs
  if (!existsSync(file))
    return res.writeHead(404, { 'content-type': 'text/html' }).end(readFileSync(join(dist, '404.html')));
  res
    .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    .end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const pages = [];
(function walk(dir) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.html') && f !== '404.html')
      pages.push(
        `/${relative(dist, p)
          .replace(/\\/g, '/')
          .replace(/(index)?\.html$/, '')}`,
      );
  }
})(dist);

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-quic',
    '--no-first-run',
    '--disable-sync',
  ],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on(
    'response',
    (r) => r.url().startsWith(base) && r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`),
  );

  const links = new Map(); // every same-origin link on every page → the page it is on
  for (const path of pages.sort()) {
    errors = [];
    const res = await page.goto(base + path, { waitUntil: 'load' });
    await page.waitForTimeout(50);
    for (const href of await page.$$eval('a[href]', (as) => as.map((a) => a.href)))
      if (href.startsWith(base)) links.set(href.split('#')[0], path);
    if (
      ['/', '/guide/getting-started', '/guide/concepts', '/packages/contour', '/reference/cli'].includes(path)
    ) {
      const name = `page${path.replace(/\//g, '-')}`.replace(/^page-$/, 'page-home');
      await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
      await page.screenshot({ path: join(artifacts, `${name}-first-screen.png`) }); // what a visitor sees first
    }
    check(
      res?.status() === 200 && errors.length === 0,
      `${path} loads without console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`,
    );
    // Everything fits the page: no code block or table scrolls sideways, nor the page itself.
    const wide = await page.evaluate(() => [
      ...(document.documentElement.scrollWidth > window.innerWidth ? ['the page'] : []),
      ...[...document.querySelectorAll('.vp-doc pre, .vp-doc table')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}…"`),
    ]);
    check(
      wide.length === 0,
      `${path} fits 1280 px${wide.length ? `: ${wide.join(', ')} scroll sideways` : ''}`,
    );
  }

  // No broken links: VitePress fails the build on dead markdown links; this also covers the theme's.
  const broken = [];
  for (const [href, from] of links) {
    const r = await fetch(href);
    if (r.status !== 200) broken.push(`${href} (on ${from}) → ${r.status}`);
  }
  check(
    broken.length === 0,
    `${links.size} internal links resolve${broken.length ? `: ${broken.join(', ')}` : ''}`,
  );

  // The demo.
  errors = [];
  await page.goto(`${base}/demo`, { waitUntil: 'load' });
  await page.waitForSelector('[data-status="ready"]', { timeout: 60_000 });
  const tokens = async () => Number(await page.getAttribute('#token-count', 'data-tokens'));
  const area = async () => Number(await page.getAttribute('#canvas', 'data-area'));
  const t0 = await tokens();
  const text0 = await page.inputValue('#text');
  check(t0 > 0 && text0.startsWith('[[['), `demo: the bundled mask's text (${t0} Qwen3 tokens)`);
  await page.screenshot({ path: join(artifacts, 'demo-start.png'), fullPage: true });

  await page.locator('#epsilon').fill('0.02');
  await page.waitForFunction(
    (t) => Number(document.querySelector('#token-count')?.getAttribute('data-tokens')) !== t,
    t0,
  );
  const t1 = await tokens();
  check(t1 > 0 && t1 < t0, `demo: ε 0.002 → 0.02 lowers the token count (${t0} → ${t1})`);
  await page.screenshot({ path: join(artifacts, 'demo-epsilon.png'), fullPage: true });

  const a0 = await area();
  await page.locator('#text').fill('[[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]]');
  await page.waitForFunction(
    (a) => Number(document.querySelector('#canvas')?.getAttribute('data-area')) !== a,
    a0,
  );
  const a1 = await area();
  check(
    a1 === 128 * 96,
    `demo: editing the text redraws the mask (${a0} → ${a1} px, the COCO raster of the square)`,
  );

  await page.locator('#text').fill('[[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5');
  await page.waitForSelector('#repairs');
  const repairs = await page.textContent('#repairs');
  check(
    /truncated/.test(repairs ?? '') && (await area()) > 0,
    `demo: malformed text is repaired and the repairs are shown (${repairs?.trim()})`,
  );
  await page.screenshot({ path: join(artifacts, 'demo-repairs.png'), fullPage: true });

  await page.locator('#clear').click();
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 10, { steps: 5 });
  await page.mouse.up();
  const drawn = await area();
  check(
    drawn > 0 && (await page.inputValue('#text')).startsWith('[[['),
    `demo: drawing makes a mask and its text (${drawn} px)`,
  );
  const before = await page.inputValue('#text');
  await page.selectOption('#scene', '1');
  await page.waitForFunction((t) => document.querySelector('#text')?.value !== t, before);
  check((await area()) > 10000, `demo: another bundled image comes with its mask (${await area()} px)`);
  await page.screenshot({ path: join(artifacts, 'demo-draw.png'), fullPage: true });
  check(errors.length === 0, `demo: no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
} finally {
  await browser.close();
  server.close();
}
console.log(`\n${pages.length} pages; screenshots in ${relative(process.cwd(), artifacts)}/`);
if (failures.length > 0) {
  console.error(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
