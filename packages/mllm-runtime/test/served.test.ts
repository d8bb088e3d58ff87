import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polygonsToMask } from '@seglang/contour';
import { loadModel, RuntimeError, Segmenter, servedModel } from '@seglang/mllm-runtime/node';
import { ResidualQuantizer } from '@seglang/rq-tokenizer';
import { SamTok } from '@seglang/sam-encoder';
import { samtokCodebooks, writeSamFixtures } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { qwenFixture, texture } from './helpers';

/**
 * A small OpenAI-compatible server on loopback, faithful to vLLM's protocol: JSON answers, or
 * server-sent events with `data: {chunk}` lines, a usage chunk and `data: [DONE]`. The model name
 * picks a behaviour; the answer text is set per test.
 */
let server: Server;
let baseUrl: string;
let answer = 'Sure: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]';
const seen: { model: string; body: Record<string, unknown> }[] = [];
let flaky = 0;

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  let raw = '';
  for await (const c of req) raw += c;
  if (req.url !== '/v1/chat/completions' || req.method !== 'POST')
    return send(res, 404, { error: { message: 'not found' } });
  const body = JSON.parse(raw);
  seen.push({ model: body.model, body });
  if (body.model === 'bad') return send(res, 400, { error: { message: 'max_tokens is too large: 99999' } });
  if (body.model === 'flaky' && flaky++ < 2) return send(res, 503, { error: { message: 'overloaded' } });
  if (body.model === 'slow') return; // never answers
  const usage = { prompt_tokens: 42, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 40 } };
  if (!body.stream)
    return send(res, 200, {
      choices: [{ message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage,
    });
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const pieces = answer.match(/.{1,5}/gs) ?? [];
  const cut = body.model === 'cut';
  for (const [i, p] of pieces.entries()) {
    if (cut && i === 2) return res.destroy();
    res.write(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })}\n\n`,
    );
  }
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
  res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const image = texture(40, 30);
const messages = [
  {
    role: 'user' as const,
    content: [
      { type: 'image' as const, image },
      { type: 'text' as const, text: 'Segment the dog.' },
    ],
  },
];

describe('ServedModel', () => {
  it('streams the answer over server-sent events and sends the image as a PNG data URL', async () => {
    const deltas: string[] = [];
    const r = await servedModel({ baseUrl, model: 'ok' }).generate({
      messages,
      maxNewTokens: 64,
      onToken: (e) => deltas.push(e.text),
    });
    expect(r.text).toBe(answer);
    expect(deltas.join('')).toBe(answer);
    expect(deltas.length).toBeGreaterThan(3);
    expect(r.usage).toEqual({ promptTokens: 42, completionTokens: 7, cachedTokens: 40 });
    const body = seen.at(-1)?.body as {
      messages: { content: { type: string; image_url?: { url: string } }[] }[];
      max_tokens: number;
    };
    expect(body.max_tokens).toBe(64);
    const url = body.messages[0].content[0].image_url?.url as string;
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = PNG.sync.read(Buffer.from(url.slice(22), 'base64'));
    expect([png.width, png.height]).toEqual([40, 30]);
    for (let i = 0; i < 40 * 30; i++)
      expect([png.data[i * 4], png.data[i * 4 + 1], png.data[i * 4 + 2]]).toEqual(
        Array.from(image.data.subarray(i * 3, i * 3 + 3)),
      );
  });

  it('reads non-streamed JSON answers', async () => {
    const r = await servedModel({ baseUrl, model: 'ok', stream: false }).generate({ prompt: 'hi' });
    expect(r.text).toBe(answer);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    flaky = 0;
    const r = await servedModel({ baseUrl, model: 'flaky', retryDelayMs: 5 }).generate({ prompt: 'hi' });
    expect(r.text).toBe(answer);
    expect(flaky).toBe(3);
  });

  it('turns HTTP errors into RuntimeError with the status and the server’s message, without retrying 4xx', async () => {
    const n = seen.length;
    const e = await servedModel({ baseUrl, model: 'bad' })
      .generate({ prompt: 'hi' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e).toMatchObject({ code: 'HTTP_ERROR', status: 400 });
    expect(e.message).toMatch(/400: max_tokens is too large/);
    expect(seen.length).toBe(n + 1);
  });

  it('times out each attempt and gives up after the retries', async () => {
    const n = seen.length;
    const e = await servedModel({ baseUrl, model: 'slow', timeoutMs: 50, maxRetries: 1, retryDelayMs: 1 })
      .generate({ prompt: 'hi' })
      .catch((x) => x);
    expect(e).toMatchObject({ code: 'TIMEOUT' });
    expect(seen.length).toBe(n + 2);
  });

  it('a stream cut short is BAD_RESPONSE or NETWORK_ERROR, not a silently short answer', async () => {
    const e = await servedModel({ baseUrl, model: 'cut', maxRetries: 0 })
      .generate({ prompt: 'hi' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(['BAD_RESPONSE', 'NETWORK_ERROR']).toContain(e.code);
  });

  describe('server-sent events', () => {
    /** A fetch that answers with these byte chunks as an event stream, the way a network may cut it. */
    const streamOf =
      (chunks: Iterable<Uint8Array>): typeof fetch =>
      async () => {
        const it = chunks[Symbol.iterator]();
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            const n = it.next();
            if (n.done) c.close();
            else c.enqueue(n.value);
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      };
    const sse = (text: string, eol: string) =>
      [
        ...(text.match(/.{1,3}/gsu) ?? []).map((p) =>
          JSON.stringify({ choices: [{ index: 0, delta: { content: p }, finish_reason: null }] }),
        ),
        JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
        '[DONE]',
      ]
        // Each JSON payload on two data lines (joined by a newline, which JSON reads as space).
        .map(
          (d) =>
            `: keep-alive${eol}data: ${d.replace(/^\{"choices":/, `{"choices":${eol}data: `)}${eol}${eol}`,
        )
        .join('');
    function* cut(bytes: Uint8Array, at: (i: number) => boolean) {
      let from = 0;
      for (let i = 1; i < bytes.length; i++)
        if (at(i)) {
          yield bytes.subarray(from, i);
          from = i;
        }
      yield bytes.subarray(from);
    }
    const text = 'Ici : [[0.1, 0.2], [0.5, 0.1], [0.45, 0.5]] — 点';

    it('reads events with CRLF, CR or LF line endings, however the stream is cut', async () => {
      const cuts: [string, (b: Uint8Array) => (i: number) => boolean][] = [
        ['every byte', () => () => true],
        ['every 7 bytes', () => (i) => i % 7 === 0],
        // Right after each CR: a CRLF split in two must stay one line end.
        ['after each CR', (b) => (i) => b[i - 1] === 13],
      ];
      for (const eol of ['\r\n', '\r', '\n'])
        for (const [name, at] of cuts) {
          const bytes = new TextEncoder().encode(sse(text, eol));
          const deltas: string[] = [];
          const r = await servedModel({
            baseUrl,
            model: 'x',
            fetch: streamOf(cut(bytes, at(bytes))),
          }).generate({
            prompt: 'hi',
            onToken: (e) => deltas.push(e.text),
          });
          expect({ eol, name, text: r.text, finish: r.finishReason }).toEqual({
            eol,
            name,
            text,
            finish: 'eos',
          });
          expect(deltas.join('')).toBe(text);
        }
    });

    it('takes a last event that the server did not close with a blank line', async () => {
      const bytes = new TextEncoder().encode(sse(text, '\n').replace(/\n\n$/, ''));
      const r = await servedModel({ baseUrl, model: 'x', fetch: streamOf([bytes]) }).generate({
        prompt: 'hi',
      });
      expect(r.text).toBe(text);
    });

    it('reads an event of megabytes sent in thousands of small chunks', async () => {
      // 4 MB of text in one event, in 1 KiB pieces: each piece is read once (rescanning the
      // growing buffer on every piece would take minutes).
      const long = 'x'.repeat(4 << 20);
      const bytes = new TextEncoder().encode(
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: long }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
      );
      const r = await servedModel({
        baseUrl,
        model: 'x',
        fetch: streamOf(cut(bytes, (i) => i % 1024 === 0)),
      }).generate({ prompt: 'hi' });
      expect(r.text.length).toBe(long.length);
    });

    it('refuses an event that never ends instead of buffering it', async () => {
      const piece = new TextEncoder().encode('x'.repeat(1 << 20));
      function* endless() {
        yield new TextEncoder().encode('data: ');
        for (let i = 0; i < 80; i++) yield piece;
      }
      const e = await servedModel({ baseUrl, model: 'x', fetch: streamOf(endless()), maxRetries: 0 })
        .generate({ prompt: 'hi' })
        .catch((x) => x);
      expect(e).toMatchObject({ code: 'BAD_RESPONSE' });
      expect(e.message).toMatch(/event longer than 67108864 characters/);
    });
  });

  it('a refused connection is NETWORK_ERROR', async () => {
    const e = await servedModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x', maxRetries: 0 })
      .generate({ prompt: 'hi' })
      .catch((x) => x);
    expect(e).toMatchObject({ code: 'NETWORK_ERROR' });
  });
});

describe('Segmenter', () => {
  it('SimpleSeg over a served model: parses the polygon, rasterises it at the image size', async () => {
    answer = 'It is here: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]] and there [0.6, 0.6, 0.9, 0.8].';
    const seg = new Segmenter({ model: servedModel({ baseUrl, model: 'ok' }), kind: 'simpleseg' });
    const r = await seg.segment(image, 'the dog');
    if (r.kind !== 'simpleseg') throw new Error('kind');
    expect(r.locations.map((l) => l.kind)).toEqual(['polygon', 'bbox']);
    const want = polygonsToMask(
      [
        [
          [0.1, 0.1],
          [0.5, 0.1],
          [0.5, 0.5],
          [0.1, 0.5],
        ],
        [
          [0.6, 0.6],
          [0.9, 0.6],
          [0.9, 0.8],
          [0.6, 0.8],
        ],
      ],
      40,
      30,
      { normalized: true },
    );
    expect(Array.from(r.mask.data)).toEqual(Array.from(want.data));
  });

  it("preset 'simpleseg': the reference prompt, 512 tokens, greedy, read by the SimpleSeg decoder", async () => {
    // No spaces and a value above 1: the reference decoder reads both; tolerant decoding clamps
    // within 0.02 and refuses 1.5.
    answer = '[[0.1,0.1],[0.5,0.1],[0.5,0.5],[1.5,0.5]]';
    const model = servedModel({ baseUrl, model: 'ok' });
    seen.length = 0;
    const r = await new Segmenter({ model, preset: 'simpleseg' }).segment(image, 'the dog');
    if (r.kind !== 'simpleseg') throw new Error('kind');
    const body = seen[0].body as {
      max_tokens: number;
      temperature?: number;
      messages: { content: { type: string; text?: string }[] }[];
    };
    expect(body.max_tokens).toBe(512);
    expect(body.temperature ?? 0).toBe(0);
    expect(body.messages[0].content.find((c) => c.type === 'text')?.text).toBe(
      'Output the polygon coordinates of the dog in the image.',
    );
    expect(r.decoded.mode).toBe('reference');
    const want = polygonsToMask(
      [
        [
          [0.1, 0.1],
          [0.5, 0.1],
          [0.5, 0.5],
          [1.5, 0.5],
        ],
      ],
      40,
      30,
      { normalized: true },
    );
    expect(Array.from(r.mask.data)).toEqual(Array.from(want.data));
    // Without the preset the same answer is read tolerantly: 1.5 is out of range, nothing is found.
    const plain = await new Segmenter({ model, kind: 'simpleseg' }).segment(image, 'the dog');
    expect(plain.mask.data.some((v) => v > 0)).toBe(false);
    // Options given beside a preset win.
    seen.length = 0;
    await new Segmenter({ model, preset: 'simpleseg', generation: { maxNewTokens: 64 } }).segment(image, 'x');
    expect(seen[0].body.max_tokens).toBe(64);
  });

  it('SimpleSeg in-process: the grammar constraint makes even a random model answer a polygon', async () => {
    const model = await loadModel(qwenFixture(), { ort });
    try {
      const seg = new Segmenter({ model, kind: 'simpleseg', constrain: { kind: 'polygon', maxPoints: 5 } });
      const r = await seg.segment(texture(84, 56), 'the dog');
      if (r.kind !== 'simpleseg') throw new Error('kind');
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0].kind).toBe('polygon');
      const pts = r.locations[0].kind === 'polygon' ? r.locations[0].points : [];
      expect(Array.from(r.mask.data)).toEqual(
        Array.from(polygonsToMask([pts], 84, 56, { normalized: true }).data),
      );
    } finally {
      await model.release();
    }
  });

  it('SAMTok: parses the mask words (repairing a missing end) and decodes them through SAMTok', async () => {
    const paths = writeSamFixtures(mkdtempSync(join(tmpdir(), 'seglang-sam-')));
    const quantizer = new ResidualQuantizer(samtokCodebooks(), { codebookSize: 16, dim: 256 });
    const samtok = await SamTok.create({ ort, ...paths.samtok, quantizer });
    try {
      const img = texture(64, 48);
      const truth = { width: 64, height: 48, data: new Uint8Array(64 * 48) };
      for (let y = 10; y < 40; y++) for (let x = 8; x < 50; x++) truth.data[y * 64 + x] = 1;
      const { codes, words } = await samtok.tokenize(img, truth);
      answer = `The dog is ${words.replace('<|mt_end|>', '')} and nothing else.`;
      const seg = new Segmenter({ model: servedModel({ baseUrl, model: 'ok' }), kind: 'samtok', samtok });
      const r = await seg.segment(img, 'the dog');
      if (r.kind !== 'samtok') throw new Error('kind');
      expect(r.maskWords.map((w) => w.codes)).toEqual([codes]);
      expect(r.maskWords[0].repaired).toBe(true);
      const direct = await samtok.decode(img, codes);
      expect(Array.from(r.mask.data)).toEqual(Array.from(direct.data));
      expect(direct.data.some((v) => v > 0)).toBe(true);
    } finally {
      await samtok.release();
    }
  });

  it('refuses a SAMTok segmenter without a decoder, and an empty prompt', async () => {
    const model = servedModel({ baseUrl, model: 'ok' });
    expect(() => new Segmenter({ model, kind: 'samtok' })).toThrow(/needs options.samtok/);
    await expect(new Segmenter({ model, kind: 'simpleseg' }).segment(image, ' ')).rejects.toMatchObject({
      code: 'INVALID_PROMPT',
    });
    // Options are checked when the segmenter is built, not on the first image.
    const refused = (o: object, message: RegExp) =>
      expect(() => new Segmenter({ model, kind: 'simpleseg', ...o })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
      );
    refused({ instruction: 'Segment {x}' }, /instruction must be a function/);
    refused({ constrain: 'yes' }, /constrain must be true, false or constraint options/);
    refused({ generation: { temperature: -1 } }, /temperature must be a finite number ≥ 0, got -1/);
    refused({ decode: 'loose' }, /decode must be 'reference', 'strict', 'tolerant'/);
    expect(() => new Segmenter({ model, preset: 'kimi' as never })).toThrow(
      /preset must be simpleseg or samtok/,
    );
    expect(() => new Segmenter({ model })).toThrow(
      /kind must be 'simpleseg' or 'samtok' \(or give a preset\)/,
    );
  });
});
