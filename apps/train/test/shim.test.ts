/**
 * The Python shim (`python/seglang_reward.py`) against the real reward server, the built CLI in a
 * child process, called as the engines call it: verl's NaiveRewardManager (`compute_score(
 * data_source=, solution_str=, ground_truth=, extra_info=)`, verl/workers/reward_manager/naive.py)
 * and BatchRewardManager (`compute_score(data_sources=, solution_strs=, ground_truths=,
 * extra_infos=)`, verl/workers/reward_manager/batch.py), and EasyR1's batch reward function
 * (`reward_fn(reward_inputs)` with `response`, `response_length`, `ground_truth`, reading
 * `REWARD_TYPE`, verl/workers/reward/function.py). Plus a 400 item, 503s retried, a dead server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const SHIM = join(__dirname, '..', 'python', 'seglang_reward.py');
const hasPython = spawnSync('python3', ['-c', 'import json, urllib.request']).status === 0;
const py = hasPython ? test : test.skip;
if (!hasPython) console.warn('python3 is not on this machine: the shim tests are skipped');

let server: ChildProcess;
let url: string;
beforeAll(async () => {
  server = spawn(process.execPath, [CLI, 'reward-server', '--port', '0', '--workers', '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const m = /on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(`${m[1]}/reward`);
    });
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
});
afterAll(() => {
  server.kill('SIGTERM');
});

/** Runs Python with the shim imported as `s`; prints JSON. */
function python(code: string, env: Record<string, string> = {}) {
  const r = spawnSync(
    'python3',
    [
      '-c',
      `import importlib.util, json, sys\nspec = importlib.util.spec_from_file_location("s", ${JSON.stringify(SHIM)})\ns = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)\n${code}`,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, SEGLANG_REWARD_URL: url, ...env },
    },
  );
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

const simpleseg = JSON.stringify({
  kind: 'simpleseg',
  width: 10,
  height: 10,
  polygons: [
    [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
    ],
  ],
});
const samtok = JSON.stringify({ kind: 'samtok', answer: '<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>' });
const exact = 'It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].';

py("verl's single and batch calling conventions, EasyR1's batch function", () => {
  const r = python(`
single = s.compute_score(data_source="refcoco", solution_str=${JSON.stringify(exact)}, ground_truth=${JSON.stringify(simpleseg)}, extra_info={"index": 0})
batch = s.compute_score(data_sources=["refcoco", "grefcoco"], solution_strs=[${JSON.stringify(exact)}, "<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>"], ground_truths=[${JSON.stringify(simpleseg)}, ${JSON.stringify(samtok)}], extra_infos=[{}, {}])
easy = s.compute_score_batch([{"response": ${JSON.stringify(exact)}, "response_length": 20, "ground_truth": ${JSON.stringify(simpleseg)}}, {"response": "nothing", "response_length": 2, "ground_truth": ${JSON.stringify(samtok)}}])
print(json.dumps({"single": single, "batch": batch, "easy": easy, "type": s.REWARD_TYPE}))`);
  expect(r.err).toBe('');
  const out = JSON.parse(r.out);
  expect(out.type).toBe('batch');
  expect(out.single).toEqual({ score: 2, iou: 1, centroid: expect.any(Number), format: 1, accuracy: 0 });
  // Every dict has the same keys, whatever the kind (verl builds one array a key).
  expect(out.batch.map((d: Record<string, number>) => Object.keys(d).sort())).toEqual([
    ['accuracy', 'centroid', 'format', 'iou', 'score'],
    ['accuracy', 'centroid', 'format', 'iou', 'score'],
  ]);
  expect(out.batch[1]).toMatchObject({ score: 1, accuracy: 1 });
  expect(out.easy.map((d: { overall: number }) => d.overall)).toEqual([2, 0]);
});

py('a ground truth the server cannot read raises, naming the item; so does one without a kind', () => {
  const broken = JSON.stringify({ kind: 'samtok', answer: '<|mt_start|><|mt_0001|>' });
  const r = python(`
try:
    s.compute_score(data_sources=["a", "b"], solution_strs=["x", "y"], ground_truths=[${JSON.stringify(samtok)}, ${JSON.stringify(broken)}], extra_infos=[{}, {}])
except s.SeglangRewardError as e:
    print(str(e))
try:
    s.compute_score(data_source="a", solution_str="x", ground_truth='{"width": 10}')
except s.SeglangRewardError as e:
    print(str(e))`);
  const [first, second] = r.out.split('\n');
  expect(first).toMatch(
    /^item 1: items\[1\]: ground_truth: the ground truth's mask words do not read strictly/,
  );
  expect(second).toMatch(/ground_truth must carry "kind"/);
});

py(
  '503s are retried with backoff (Retry-After honoured); a dead server is an error, not a hang',
  async () => {
    // A proxy that sheds the first two requests, as a loaded server does, then passes them on.
    let seen = 0;
    const proxy: Server = createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      if (seen++ < 2) {
        res
          .writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' })
          .end('{"error": "busy"}');
        return;
      }
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/reward`;
    try {
      const child = spawn(
        'python3',
        [
          '-c',
          `import importlib.util, json\nspec = importlib.util.spec_from_file_location("s", ${JSON.stringify(SHIM)})\ns = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)\nprint(json.dumps(s.compute_score(data_source="a", solution_str=${JSON.stringify(exact)}, ground_truth=${JSON.stringify(simpleseg)})))`,
        ],
        {
          env: { ...process.env, SEGLANG_REWARD_URL: proxied },
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await new Promise((r) => child.on('exit', r));
      expect(JSON.parse(out).score).toBe(2);
      expect(seen).toBe(3);
    } finally {
      proxy.close();
    }
    // Nothing listens on port 9: two attempts, then SeglangRewardError.
    const dead = python(
      `
try:
    s.compute_score(data_source="a", solution_str="x", ground_truth=${JSON.stringify(simpleseg)})
except s.SeglangRewardError as e:
    print(str(e))`,
      { SEGLANG_REWARD_URL: 'http://127.0.0.1:9/reward', SEGLANG_REWARD_RETRIES: '2' },
    );
    expect(dead.out).toMatch(/unreachable after 2 attempts/);
  },
);

py('SAMTok responses with no mask word at all, where the ground truths have some: one warning, once', () => {
  // What verl and EasyR1 hand over when mask words were added as special tokens: decoded with
  // skip_special_tokens=True, the words are gone.
  const r = python(`
import warnings
warnings.simplefilter("always")
items = [{"response": "The dog is here.", "response_length": 5, "ground_truth": ${JSON.stringify(samtok)}}] * 8
first = s.compute_score_batch(items)
second = s.compute_score_batch(items)
fewer = s.compute_score_batch(items[:7])
print(json.dumps([r["overall"] for r in first + second + fewer]))`);
  expect(JSON.parse(r.out)).toEqual(new Array(23).fill(0));
  const warnings = r.err.split('\n').filter((l) => l.includes('RuntimeWarning'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(
    /none of 8 SAMTok responses holds a mask word .* skip_special_tokens=True strips them before the reward .*seglang-train add-mask-words.*worker\.reward\.skip_special_tokens=false/,
  );
  // Responses with mask words, or too few rollouts to tell: no warning.
  const quiet = python(`
import warnings
warnings.simplefilter("always")
s.compute_score_batch([{"response": "<|mt_start|><|mt_0001|><|mt_0258|><|mt_end|>", "response_length": 4, "ground_truth": ${JSON.stringify(samtok)}}] + [{"response": "x", "response_length": 1, "ground_truth": ${JSON.stringify(samtok)}}] * 9)
s.compute_score_batch([{"response": "x", "response_length": 1, "ground_truth": ${JSON.stringify(samtok)}}] * 7)
print("ok")`);
  expect(quiet.out).toBe('ok');
  expect(quiet.err).toBe('');
});
