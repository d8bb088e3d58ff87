/** The model commands (segment, samtok encode|decode) run as child processes on generated fixture models. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskArea, polygonsToMask, rle } from '@seglang/contour';
import { encodeMaskPng, readMaskPng } from '@seglang/contour/node';
import { extractLocations } from '@seglang/polygon-grammar';
import { ResidualQuantizer, writeSafetensors } from '@seglang/rq-tokenizer';
import { SamTok } from '@seglang/sam-encoder';
import { runProcess, samtokCodebooks, writeQwenVlFixture, writeSamFixtures } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'seglang-cli-models-'));

/** Runs the CLI without blocking this process, so the loopback server below can answer it. */
const run = (...args: string[]) => runProcess(process.execPath, [CLI, ...args]);

function writePng(path: string, width: number, height: number, seed: number): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = (i * 7 + seed) & 255;
    png.data[4 * i + 1] = (i * 13 + 3 * seed) & 255;
    png.data[4 * i + 2] = (i * 3) & 255;
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

function readRgb(path: string) {
  const png = PNG.sync.read(readFileSync(path));
  const data = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) data.set(png.data.subarray(4 * i, 4 * i + 3), 3 * i);
  return { width: png.width, height: png.height, data };
}

let dir: string;
let qwen: string;
let samtok: string;
let image: string;
beforeAll(() => {
  dir = tmp();
  qwen = writeQwenVlFixture(join(dir, 'qwen'));
  const sam = writeSamFixtures(join(dir, 'sam'));
  samtok = join(dir, 'sam', 'samtok');
  expect(sam.samtok.imageEncoder).toBe(join(samtok, 'image_encoder.onnx'));
  const [c0, c1] = samtokCodebooks();
  writeFileSync(
    join(samtok, 'codebook.safetensors'),
    writeSafetensors({
      'codebook.0': { shape: [16, 256], data: c0 },
      'codebook.1': { shape: [16, 256], data: c1 },
    }),
  );
  image = join(dir, 'image.png');
  writePng(image, 96, 72, 1);
});

/** An OpenAI-compatible server on loopback, faithful to vLLM: /v1/models, JSON or SSE answers. */
let server: Server;
let base: string;
let answer = '';
const requests: { model: string; stream: boolean; imageUrl: string; text: string }[] = [];
async function handle(req: IncomingMessage, res: ServerResponse) {
  let raw = '';
  for await (const c of req) raw += c;
  if (req.method === 'GET' && req.url === '/v1/models') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: [{ id: 'simpleseg-3b', object: 'model' }] }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404).end();
    return;
  }
  const body = JSON.parse(raw);
  const content = body.messages[0].content as { type: string; text?: string; image_url?: { url: string } }[];
  requests.push({
    model: body.model,
    stream: body.stream === true,
    imageUrl: content.find((p) => p.type === 'image_url')?.image_url?.url ?? '',
    text: content.find((p) => p.type === 'text')?.text ?? '',
  });
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < answer.length; i += 7) {
    const delta = {
      choices: [{ index: 0, delta: { content: answer.slice(i, i + 7) }, finish_reason: null }],
    };
    res.write(`data: ${JSON.stringify(delta)}\n\n`);
  }
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}
beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('segment', () => {
  test('an in-process model folder: JSON whose mask is the COCO raster of the parsed answer; streamed text is the same answer', async () => {
    const inProcess = [
      'segment',
      '--model',
      qwen,
      '--image',
      image,
      '--prompt',
      'the dog',
      '--max-points',
      '6',
    ];
    const out = tmp();
    const r = await run(
      ...inProcess,
      '-o',
      join(out, 'mask.png'),
      '--overlay',
      join(out, 'overlay.png'),
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.out);
    expect(rec.kind).toBe('simpleseg');
    // The grammar constraint: exactly one location, polygons of 3 to 6 points.
    const found = extractLocations(rec.text);
    expect(found).toHaveLength(1);
    const polys =
      found[0].location.kind === 'polygon'
        ? [found[0].location.points]
        : found[0].location.kind === 'polygons'
          ? found[0].location.polygons
          : [];
    for (const p of polys) expect(p.length).toBeGreaterThanOrEqual(3);
    const want = polygonsToMask(polys, 96, 72, { normalized: true });
    expect(rec.rle).toEqual(rle.encode(want));
    expect(rec.area).toBe(maskArea(want));
    expect(readMaskPng(join(out, 'mask.png'))).toEqual(want);
    // The overlay leaves pixels outside the mask untouched.
    const img = readRgb(image);
    const ov = readRgb(join(out, 'overlay.png'));
    for (let i = 0; i < 96 * 72; i++)
      if (!want.data[i])
        expect(Array.from(ov.data.subarray(3 * i, 3 * i + 3))).toEqual(
          Array.from(img.data.subarray(3 * i, 3 * i + 3)),
        );
    // Without --json the tokens stream to stdout: the same (greedy) answer, then the RLE.
    const s = await run(...inProcess, '--rle');
    expect(s.code).toBe(0);
    const [text, rleLine] = s.out.split('\n');
    expect(text).toBe(rec.text);
    expect(JSON.parse(rleLine)).toEqual(rec.rle);
    expect(s.err).toMatch(/1 location\(s\), \d+ px of 96×72, \d+ tokens \((eos|length)\)/);
  });

  test('a served model: the server named at /v1/models gets a PNG data URL; SSE text streams to stdout', async () => {
    answer = 'The dog is at [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]].';
    requests.length = 0;
    const r = await run('segment', '--model', base, '--image', image, '--prompt', 'the dog', '--rle');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(answer);
    const want = polygonsToMask(
      [
        [
          [0.25, 0.25],
          [0.75, 0.25],
          [0.75, 0.75],
          [0.25, 0.75],
        ],
      ],
      96,
      72,
      { normalized: true },
    );
    expect(JSON.parse(r.out.split('\n')[1])).toEqual(rle.encode(want));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ model: 'simpleseg-3b', stream: true, text: 'the dog' });
    const png = PNG.sync.read(
      Buffer.from(requests[0].imageUrl.replace(/^data:image\/png;base64,/, ''), 'base64'),
    );
    expect([png.width, png.height]).toEqual([96, 72]);
  });

  test('Kimi-VL served by vLLM (SimpleSeg-Kimi-VL), --preset simpleseg: the reference prompt and decoder', async () => {
    // What vLLM's OpenAI server sends for sthui/SimpleSeg-Kimi-VL (served with --trust-remote-code):
    // the model listed under its Hugging Face id, a first chunk with the role and empty content, the
    // answer as content deltas, a reasoning delta where a reasoning parser is on (never part of the
    // answer), finish_reason, and a usage chunk. The answer: a list of polygons, numbers without
    // spaces after commas, as Kimi-VL's tokenizer happens to write them.
    const kimiAnswer =
      '[[[0.25,0.25],[0.25,0.75],[0.75,0.75],[0.75,0.25]], [[0.9, 0.9], [0.95, 0.9], [0.95, 0.95]]]';
    const seenKimi: { body: Record<string, unknown>; auth?: string }[] = [];
    const kimi = createServer(async (req, res) => {
      let raw = '';
      for await (const c of req) raw += c;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/v1/models')
        return json(200, {
          object: 'list',
          data: [
            {
              id: 'sthui/SimpleSeg-Kimi-VL',
              object: 'model',
              created: 1769500000,
              owned_by: 'vllm',
              root: 'sthui/SimpleSeg-Kimi-VL',
              parent: null,
              max_model_len: 32768,
            },
          ],
        });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return json(404, { error: 'not found' });
      const body = JSON.parse(raw);
      seenKimi.push({ body });
      const head = {
        id: 'chatcmpl-9f2',
        object: 'chat.completion.chunk',
        created: 1769500001,
        model: body.model,
      };
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(chunk({ role: 'assistant', content: '' }));
      res.write(
        chunk({
          reasoning: 'The octopus sits in the middle.',
          reasoning_content: 'The octopus sits in the middle.',
        }),
      );
      for (let i = 0; i < kimiAnswer.length; i += 4)
        res.write(chunk({ content: kimiAnswer.slice(i, i + 4) }));
      res.write(chunk({}, 'stop'));
      res.write(
        `data: ${JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 812, total_tokens: 860, completion_tokens: 48 } })}\n\n`,
      );
      res.end('data: [DONE]\n\n');
    });
    await new Promise<void>((r) => kimi.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(kimi.address() as AddressInfo).port}/v1`;
    try {
      const out = tmp();
      const r = await run(
        'segment',
        '--model',
        url,
        '--preset',
        'simpleseg',
        '--image',
        image,
        '--prompt',
        'octopus',
        '-o',
        join(out, 'mask.png'),
        '--json',
      );
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const rec = JSON.parse(r.out);
      expect(rec.text).toBe(kimiAnswer);
      const body = seenKimi[0].body as {
        model: string;
        max_tokens: number;
        temperature?: number;
        messages: { role: string; content: { type: string; text?: string; image_url?: { url: string } }[] }[];
      };
      expect(body.model).toBe('sthui/SimpleSeg-Kimi-VL');
      expect(body.max_tokens).toBe(512);
      expect(body.temperature ?? 0).toBe(0);
      // The reference's message: the image first, then the instruction.
      expect(body.messages).toHaveLength(1);
      expect(body.messages[0].content.map((c) => c.type)).toEqual(['image_url', 'text']);
      expect(body.messages[0].content[0].image_url?.url).toMatch(/^data:image\/png;base64,/);
      expect(body.messages[0].content[1].text).toBe(
        'Output the polygon coordinates of octopus in the image.',
      );
      // The SimpleSeg decoder reads both polygons, spaces or not; both are united.
      const want = polygonsToMask(
        [
          [
            [0.25, 0.25],
            [0.25, 0.75],
            [0.75, 0.75],
            [0.75, 0.25],
          ],
          [
            [0.9, 0.9],
            [0.95, 0.9],
            [0.95, 0.95],
          ],
        ],
        96,
        72,
        { normalized: true },
      );
      expect(rec.rle).toEqual(rle.encode(want));
      expect(readMaskPng(join(out, 'mask.png'))).toEqual(want);
      expect(rec.tokens).toEqual({ prompt: 812, completion: 48 });
      // Without the preset, tolerant decoding reads the same polygons here.
      const plain = await run('segment', '--model', url, '--image', image, '--prompt', 'octopus', '--json');
      expect(JSON.parse(plain.out).rle).toEqual(rec.rle);
      expect((seenKimi[1].body as { max_tokens: number }).max_tokens).toBe(1024);
      // --preset samtok needs a SAMTok folder.
      expect(
        (await run('segment', '--model', url, '--preset', 'samtok', '--image', image, '--prompt', 'x')).code,
      ).toBe(2);
    } finally {
      kimi.closeAllConnections();
      await new Promise<void>((r) => kimi.close(() => r()));
    }
  });

  test('a SAMTok model: mask words from the server decoded by the SAMTok folder, equal to the library', async () => {
    const mask = polygonsToMask(
      [
        [
          [20, 15],
          [60, 15],
          [60, 50],
          [20, 50],
        ],
      ],
      96,
      72,
    );
    const maskFile = join(tmp(), 'mask.png');
    const png = new PNG({ width: 96, height: 72 });
    for (let i = 0; i < mask.data.length; i++)
      png.data.set(mask.data[i] ? [255, 255, 255, 255] : [0, 0, 0, 255], 4 * i);
    writeFileSync(maskFile, PNG.sync.write(png));
    const enc = await run(
      'samtok',
      'encode',
      '--model',
      samtok,
      '--image',
      image,
      '--mask',
      maskFile,
      '--json',
    );
    expect(enc.code).toBe(0);
    const { words, codes } = JSON.parse(enc.out);
    expect(words).toMatch(/^<\|mt_start\|><\|mt_\d{4}\|><\|mt_\d{4}\|><\|mt_end\|>$/);
    // The library, in this process, on the same files: the same codes, and the mask they decode to.
    const tok = await SamTok.create({
      ort,
      imageEncoder: join(samtok, 'image_encoder.onnx'),
      encoder: join(samtok, 'samtok_encoder.onnx'),
      decoder: join(samtok, 'samtok_decoder.onnx'),
      quantizer: ResidualQuantizer.fromSafetensors(readFileSync(join(samtok, 'codebook.safetensors'))),
    });
    let decoded: Awaited<ReturnType<SamTok['decode']>>;
    try {
      const rgb = readRgb(image);
      expect((await tok.tokenize(rgb, mask)).codes).toEqual(codes);
      decoded = await tok.decode(rgb, codes);
    } finally {
      await tok.release();
    }
    expect(maskArea(decoded)).toBeGreaterThan(0);

    const out = tmp();
    const dec = await run(
      'samtok',
      'decode',
      '--model',
      samtok,
      '--image',
      image,
      '--words',
      words,
      '-o',
      join(out, 'd.png'),
      '--json',
    );
    expect(dec.code).toBe(0);
    expect(readMaskPng(join(out, 'd.png'))).toEqual(decoded);
    expect(JSON.parse(dec.out).rle).toEqual(rle.encode(decoded));

    answer = `Sure, ${words}.`;
    const seg = await run(
      'segment',
      '--model',
      base,
      '--served-model',
      'samtok-8b',
      '--samtok',
      samtok,
      '--image',
      image,
      '--prompt',
      'the box',
      '--json',
    );
    expect(seg.code).toBe(0);
    const rec = JSON.parse(seg.out);
    expect(rec.kind).toBe('samtok');
    expect(rec.maskWords).toEqual([{ codes, repaired: false }]);
    expect(rec.rle).toEqual(rle.encode(decoded));
    expect(requests[requests.length - 1].model).toBe('samtok-8b');
  });

  test('--batch: JSONL results, a bad job recorded, and resuming after an interruption runs only what is missing', async () => {
    answer = '[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]';
    const d = tmp();
    writePng(join(d, 'a.png'), 40, 30, 2);
    writePng(join(d, 'b.png'), 50, 20, 3);
    const jobs = [
      { id: 'a', image: 'a.png', prompt: 'first' },
      { id: 'b', image: 'b.png', prompt: 'second' },
      { id: 'gone', image: 'missing.png', prompt: 'third' },
      { image: 'a.png', prompt: 'fourth' },
    ];
    writeFileSync(join(d, 'jobs.jsonl'), `${jobs.map((j) => JSON.stringify(j)).join('\n')}\n`);
    const results = join(d, 'results.jsonl');
    const batch = (...extra: string[]) =>
      run('segment', '--model', base, '--batch', join(d, 'jobs.jsonl'), '-o', results, ...extra);
    requests.length = 0;
    const r = await batch();
    expect(r.code).toBe(1); // one job failed
    expect(r.err).toMatch(/3 done, 1 failed, 0 already in/);
    const lines = readFileSync(results, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['a', 'b', 'gone', '4']);
    expect(lines[2].error).toMatch(/cannot read .*missing\.png: ENOENT/);
    expect(lines[1].rle).toEqual(
      rle.encode(
        polygonsToMask(
          [
            [
              [0.1, 0.1],
              [0.9, 0.1],
              [0.5, 0.9],
            ],
          ],
          50,
          20,
          { normalized: true },
        ),
      ),
    );
    expect(requests.map((q) => q.text)).toEqual(['first', 'second', 'fourth']);

    // An interruption: the file ends after job a plus half of job b's line.
    const text = readFileSync(results, 'utf8');
    const firstEnd = text.indexOf('\n') + 1;
    writeFileSync(results, text.slice(0, firstEnd + 25));
    requests.length = 0;
    const again = await batch('--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toEqual({ jobs: 4, skipped: 1, done: 2, failed: 1 });
    expect(requests.map((q) => q.text)).toEqual(['second', 'fourth']);
    const resumed = readFileSync(results, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(resumed.map((l) => l.id)).toEqual(['a', 'b', 'gone', '4']);
    expect(resumed.slice(0, 2)).toEqual(lines.slice(0, 2));

    // The failed job's image appears: the next run does that job only, and its error line goes.
    writePng(join(d, 'missing.png'), 20, 20, 4);
    requests.length = 0;
    const fixed = await batch('--json');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.out)).toEqual({ jobs: 4, skipped: 3, done: 1, failed: 0 });
    expect(requests.map((q) => q.text)).toEqual(['third']);
    const after = readFileSync(results, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(after.map((l) => [l.id, l.error])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['4', undefined],
      ['gone', undefined],
    ]);

    // A finished batch has nothing left to do.
    requests.length = 0;
    writeFileSync(
      join(d, 'jobs.jsonl'),
      `${jobs
        .slice(0, 2)
        .map((j) => JSON.stringify(j))
        .join('\n')}\n`,
    );
    const done = await batch('--json');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toEqual({ jobs: 2, skipped: 2, done: 0, failed: 0 });
    expect(requests).toHaveLength(0);
  });
});

describe('bad input: exit 1 with one line naming what and where; usage errors exit 2', () => {
  test('a model folder missing a file, a SAMTok folder missing its codebook', async () => {
    const broken = join(tmp(), 'model');
    cpSync(qwen, broken, { recursive: true });
    rmSync(join(broken, 'tokenizer.json'));
    const r = await run('segment', '--model', broken, '--image', image, '--prompt', 'x');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`seglang: the model folder ${broken} is missing tokenizer.json\n`);

    const noBook = join(tmp(), 'samtok');
    cpSync(samtok, noBook, { recursive: true });
    rmSync(join(noBook, 'codebook.safetensors'));
    const s = await run(
      'samtok',
      'decode',
      '--model',
      noBook,
      '--image',
      image,
      '--words',
      '<|mt_start|><|mt_0001|><|mt_0017|><|mt_end|>',
      '--rle',
    );
    expect(s.code).toBe(1);
    expect(s.err).toBe(`seglang: the SAMTok folder ${noBook} is missing codebook.safetensors\n`);
  });

  test('malformed mask words, a mask of the wrong size, bad jobs, an unreachable server, usage', async () => {
    const bad = await run(
      'samtok',
      'decode',
      '--model',
      samtok,
      '--image',
      image,
      '--words',
      'no words here',
      '--rle',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^seglang: expected exactly one mask in the text, found 0\n$/);

    const small = join(tmp(), 'small.png');
    writeFileSync(small, encodeMaskPng({ width: 10, height: 10, data: new Uint8Array(100).fill(1) }));
    const wrong = await run('samtok', 'encode', '--model', samtok, '--image', image, '--mask', small);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toBe('seglang: mask is 10×10 but the image is 96×72\n');

    const d = tmp();
    writeFileSync(
      join(d, 'jobs.jsonl'),
      '{"image": "a.png", "prompt": "x"}\n{"image": "a.png" "prompt": "y"}\n',
    );
    const jobs = await run(
      'segment',
      '--model',
      base,
      '--batch',
      join(d, 'jobs.jsonl'),
      '-o',
      join(d, 'r.jsonl'),
    );
    expect(jobs.code).toBe(1);
    expect(jobs.err).toMatch(/jobs\.jsonl:2 is not valid JSON/);

    const down = await run('segment', '--model', 'http://127.0.0.1:9/v1', '--image', image, '--prompt', 'x');
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^seglang: cannot reach http:\/\/127\.0\.0\.1:9\/v1\/models/);

    expect((await run('segment', '--model', qwen, '--prompt', 'x')).code).toBe(2);
    expect((await run('segment', '--model', qwen, '--batch', join(d, 'jobs.jsonl'))).code).toBe(2);
    expect((await run('samtok', 'decode', '--image', image, '--words', 'x')).code).toBe(2);
    const help = await run('segment', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Examples:\n {2}seglang segment --model/);
  });
});
