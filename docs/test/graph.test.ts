/**
 * The package graph the root README shows (its packages table's imports column) is the real one:
 * each workspace's `@seglang` dependencies in package.json, and the `@seglang` packages its src/
 * imports, are exactly that row. A new import fails here until the README says so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** README rows: `[`@seglang/x`](path) … | imports` → x → the names it may import. */
function readmeGraph(): Map<string, Set<string>> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const graph = new Map<string, Set<string>>();
  for (const m of readme.matchAll(/^\| \[`@seglang\/([a-z-]+)`\]\(([^)]+)\)[^|]*\|[^|]*\| ([^|]+) \|$/gm)) {
    const names = m[3].trim() === '—' ? [] : m[3].replace(/\(.*?\)/g, '').split(',');
    graph.set(m[1], new Set(names.map((n) => n.trim()).filter(Boolean)));
  }
  return graph;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|mts|cts|js|mjs)$/.test(f) ? [p] : [];
  });
}

const workspaces = ['packages', 'apps'].flatMap((d) =>
  readdirSync(join(ROOT, d)).map((p) => join(ROOT, d, p)),
);

test('the README lists every published workspace, and only those', () => {
  const published = workspaces
    .map((w) => JSON.parse(readFileSync(join(w, 'package.json'), 'utf8')))
    .filter((p) => !p.private)
    .map((p) => p.name.replace('@seglang/', ''))
    .sort();
  expect([...readmeGraph().keys()].sort()).toEqual(published);
});

describe.each(workspaces.filter((w) => !JSON.parse(readFileSync(join(w, 'package.json'), 'utf8')).private))(
  '%s',
  (w) => {
    const pkg = JSON.parse(readFileSync(join(w, 'package.json'), 'utf8'));
    const name = pkg.name.replace('@seglang/', '');
    const allowed = [...(readmeGraph().get(name) ?? [])].sort();

    test('package.json depends on exactly the packages the README names', () => {
      const declared = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })
        .filter((d) => d.startsWith('@seglang/'))
        .map((d) => d.replace('@seglang/', ''))
        .sort();
      expect(declared).toEqual(allowed);
    });

    test('src/ imports exactly those packages (the private test fixtures aside, as devDependencies)', () => {
      const imported = new Set<string>();
      for (const file of sources(join(w, 'src')))
        for (const m of readFileSync(file, 'utf8').matchAll(
          /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]@seglang\/([a-z-]+)/g,
        ))
          imported.add(m[1]);
      if (imported.has('testing')) {
        expect(pkg.devDependencies?.['@seglang/testing']).toBeDefined();
        imported.delete('testing');
      }
      expect([...imported].sort()).toEqual(allowed);
    });
  },
);

test('the graph has no cycle', () => {
  const graph = readmeGraph();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'open') throw new Error(`cycle: ${[...path, n].join(' → ')}`);
    state.set(n, 'open');
    for (const m of graph.get(n) ?? []) visit(m, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of graph.keys()) visit(n, []);
});
