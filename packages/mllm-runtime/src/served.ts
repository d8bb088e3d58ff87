import { createParser, type ParseError } from 'eventsource-parser';
import { checkMessages } from './chat';
import { RuntimeError } from './errors';
import { checkImage, type RgbImage } from './image';
import { backoffMs, isTransient, sleep } from './retry';
import { checkSampling } from './sampling';
import type { FinishReason, GenerateRequest, GenerateResult, TextGenerator } from './types';

export interface ServedModelOptions {
  /** The server's base URL, e.g. `http://localhost:8000/v1` (vLLM, SGLang, any OpenAI-compatible server). */
  baseUrl: string;
  /** The served model name (`--served-model-name`, or the checkpoint path vLLM reports). */
  model: string;
  apiKey?: string;
  /** Per attempt, in ms (default 120 000). */
  timeoutMs?: number;
  /** Retries after a network error, a timeout, 429 or 5xx (default 2); other statuses fail at once. */
  maxRetries?: number;
  /** First backoff delay in ms, doubled per retry with jitter (default 500). */
  retryDelayMs?: number;
  /** Stream with server-sent events (default true). */
  stream?: boolean;
  /** Extra fields for the request body, e.g. vLLM's `{ structured_outputs: { regex } }`. */
  extraBody?: Record<string, unknown>;
  /**
   * Encodes pixel images to PNG bytes (sent as data URLs). `@seglang/mllm-runtime/node`'s
   * `servedModel` sets one (pngjs); in the browser pass your own (e.g. an OffscreenCanvas), or pass
   * images as URL / data-URL strings.
   */
  encodeImage?: (image: RgbImage) => Uint8Array | Promise<Uint8Array>;
  fetch?: typeof fetch;
}

/** The longest server-sent event read (64 Mi characters): a guard against a server that never ends one. */
const MAX_EVENT_CHARS = 2 ** 26;

type OpenAiPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/**
 * A model served behind an OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, SGLang), with the
 * same `generate` API as the in-process {@link QwenVlModel}: images go as base64 data URLs, answers
 * stream over server-sent events, attempts time out, transient failures are retried with exponential
 * backoff, and HTTP errors become `RuntimeError`s carrying the status and the server's message.
 *
 * @example
 * const model = new ServedModel({ baseUrl: 'http://localhost:8000/v1', model: 'simpleseg' });
 * const { text } = await model.generate({ messages, maxNewTokens: 512 });
 */
export class ServedModel implements TextGenerator {
  private readonly url: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly o: ServedModelOptions) {
    if (!o || typeof o.baseUrl !== 'string' || !/^https?:\/\//.test(o.baseUrl))
      throw new RuntimeError('INVALID_ARGUMENT', `baseUrl must be an http(s) URL, got ${String(o?.baseUrl)}`);
    if (typeof o.model !== 'string' || o.model.length === 0)
      throw new RuntimeError('INVALID_ARGUMENT', 'model must be the served model name');
    this.url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const f = o.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new RuntimeError('UNSUPPORTED', 'no fetch: pass options.fetch');
    this.fetchFn = f;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (request.constraint)
      throw new RuntimeError(
        'UNSUPPORTED',
        'a served model cannot take a logits constraint; use the server’s guided decoding through extraBody',
      );
    checkSampling(request);
    const maxNew = request.maxNewTokens ?? 256;
    if (!Number.isInteger(maxNew) || maxNew < 1)
      throw new RuntimeError(
        'INVALID_ARGUMENT',
        `maxNewTokens must be a positive integer, got ${String(maxNew)}`,
      );
    const messages = await this.messages(request);
    const stream = this.o.stream ?? true;
    const body: Record<string, unknown> = {
      model: this.o.model,
      messages,
      max_tokens: maxNew,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      temperature: request.temperature ?? 0,
      ...(request.topP !== undefined ? { top_p: request.topP } : {}),
      ...(request.topK ? { top_k: request.topK } : {}),
      ...(request.repetitionPenalty !== undefined ? { repetition_penalty: request.repetitionPenalty } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.stopTokenIds?.length ? { stop_token_ids: request.stopTokenIds } : {}),
      ...this.o.extraBody,
    };
    const retries = this.o.maxRetries ?? 2;
    const base = this.o.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(body, request);
      } catch (e) {
        // A stream that already delivered text is not retried: the caller has seen part of it.
        if (!isTransient(e) || attempt >= retries || (e as { partial?: boolean }).partial) throw e;
        await sleep(backoffMs(base, attempt), request.signal);
      }
    }
  }

  async release(): Promise<void> {}

  private async messages(
    request: GenerateRequest,
  ): Promise<{ role: string; content: string | OpenAiPart[] }[]> {
    let msgs = request.messages;
    if (request.inputIds !== undefined)
      throw new RuntimeError('UNSUPPORTED', 'served models take messages or a prompt, not inputIds');
    if (msgs === undefined) {
      if (typeof request.prompt !== 'string')
        throw new RuntimeError('INVALID_PROMPT', 'a request needs messages or a prompt string');
      const images = request.images ?? [];
      msgs = [
        {
          role: 'user',
          content: [
            ...images.map((image) => ({ type: 'image' as const, image })),
            { type: 'text' as const, text: request.prompt },
          ],
        },
      ];
    }
    checkMessages(msgs);
    const out: { role: string; content: string | OpenAiPart[] }[] = [];
    for (const m of msgs) {
      if (typeof m.content === 'string') {
        out.push({ role: m.role, content: m.content });
        continue;
      }
      const parts: OpenAiPart[] = [];
      for (const p of m.content) {
        if (p.type === 'text') parts.push({ type: 'text', text: p.text });
        else if (typeof p.image === 'string') parts.push({ type: 'image_url', image_url: { url: p.image } });
        else {
          checkImage(p.image);
          if (!this.o.encodeImage)
            throw new RuntimeError(
              'UNSUPPORTED',
              'pixel images need options.encodeImage (servedModel from @seglang/mllm-runtime/node sets one), or pass the image as a URL or data URL',
            );
          const png = await this.o.encodeImage(p.image);
          parts.push({ type: 'image_url', image_url: { url: `data:image/png;base64,${base64(png)}` } });
        }
      }
      out.push({ role: m.role, content: parts });
    }
    return out;
  }

  private async attempt(body: Record<string, unknown>, request: GenerateRequest): Promise<GenerateResult> {
    const timeoutMs = this.o.timeoutMs ?? 120_000;
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    request.signal?.addEventListener('abort', onAbort);
    if (request.signal?.aborted) throw new RuntimeError('ABORTED', 'generation was aborted');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const t0 = now();
    const fail = (cause: unknown): never => {
      if (request.signal?.aborted) throw new RuntimeError('ABORTED', 'generation was aborted', { cause });
      if (timedOut)
        throw new RuntimeError('TIMEOUT', `${this.url} did not answer within ${timeoutMs} ms`, { cause });
      if (cause instanceof RuntimeError) throw cause;
      throw new RuntimeError('NETWORK_ERROR', `${this.url}: ${(cause as Error).message}`, { cause });
    };
    try {
      let res: Response;
      try {
        res = await this.fetchFn(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.o.apiKey ? { authorization: `Bearer ${this.o.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: ctrl.signal,
        });
      } catch (cause) {
        return fail(cause);
      }
      if (!res.ok) {
        let detail = '';
        try {
          const text = await res.text();
          try {
            const j = JSON.parse(text);
            detail = j?.error?.message ?? j?.message ?? j?.detail ?? text;
          } catch {
            detail = text;
          }
        } catch {}
        throw new RuntimeError(
          'HTTP_ERROR',
          `${this.url} answered ${res.status}${detail ? `: ${String(detail).slice(0, 500)}` : ''}`,
          { status: res.status },
        );
      }
      // A server that ignores `stream` answers with plain JSON: read it as such.
      if (body.stream && !(res.headers.get('content-type') ?? '').includes('application/json')) {
        try {
          return await this.readStream(res, request, t0);
        } catch (cause) {
          return fail(cause);
        }
      }
      let json: ChatCompletion;
      try {
        json = (await res.json()) as ChatCompletion;
      } catch (cause) {
        if (timedOut || request.signal?.aborted) return fail(cause);
        throw new RuntimeError(
          'BAD_RESPONSE',
          `${this.url} did not return JSON: ${(cause as Error).message}`,
          { cause },
        );
      }
      const choice = json?.choices?.[0];
      const text = choice?.message?.content;
      if (typeof text !== 'string')
        throw new RuntimeError('BAD_RESPONSE', `${this.url} returned no choices[0].message.content`);
      request.onToken?.({ text });
      return result(text, choice?.finish_reason, json.usage, t0);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async readStream(res: Response, request: GenerateRequest, t0: number): Promise<GenerateResult> {
    if (!res.body) throw new RuntimeError('BAD_RESPONSE', `${this.url} sent no body`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let finish: string | undefined;
    let usage: ChatCompletion['usage'];
    let done = false;
    const handle = (data: string) => {
      if (done || !data) return;
      if (data === '[DONE]') {
        done = true;
        return;
      }
      let chunk: ChatCompletionChunk;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new RuntimeError(
          'BAD_RESPONSE',
          `${this.url} sent an event that is not JSON: ${data.slice(0, 200)}`,
        );
      }
      if (chunk.error)
        throw new RuntimeError('HTTP_ERROR', `${this.url} stream error: ${chunk.error.message ?? ''}`);
      if (chunk.usage) usage = chunk.usage;
      const c = chunk.choices?.[0];
      if (!c) return;
      const delta = c.delta?.content ?? '';
      if (delta) {
        text += delta;
        request.onToken?.({ text: delta });
      }
      if (c.finish_reason) finish = c.finish_reason;
    };
    // Server-sent events (any line ending, events split anywhere across chunks) by
    // eventsource-parser; an event longer than MAX_EVENT_CHARS is refused rather than buffered.
    let tooLong: ParseError | undefined;
    const parser = createParser({
      onEvent: (event) => handle(event.data),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') tooLong = error;
      },
      maxBufferSize: MAX_EVENT_CHARS,
    });
    const feed = (chunk: string) => {
      parser.feed(chunk);
      if (tooLong)
        throw new RuntimeError(
          'BAD_RESPONSE',
          `${this.url} sent an event longer than ${MAX_EVENT_CHARS} characters`,
        );
    };
    try {
      while (!done) {
        const { value, done: end } = await reader.read();
        if (end) break;
        feed(decoder.decode(value, { stream: true }));
      }
      // A last event the server did not close with a blank line still counts.
      if (!done) feed(`${decoder.decode()}\n\n`);
    } catch (e) {
      if (text) Object.assign(e as object, { partial: true });
      throw e;
    } finally {
      reader.releaseLock?.();
    }
    if (!done && finish === undefined)
      throw Object.assign(
        new RuntimeError('BAD_RESPONSE', `${this.url} closed the stream before it finished`),
        {
          partial: text.length > 0,
        },
      );
    return result(text, finish, usage, t0);
  }
}

interface ChatCompletion {
  choices?: { message?: { content?: string }; finish_reason?: string }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
}
interface ChatCompletionChunk {
  choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
  usage?: ChatCompletion['usage'];
  error?: { message?: string };
}

function result(
  text: string,
  finish: string | null | undefined,
  usage: ChatCompletion['usage'],
  t0: number,
): GenerateResult {
  const reason: FinishReason = finish === 'length' ? 'length' : 'eos';
  return {
    text,
    tokenIds: [],
    finishReason: reason,
    usage: {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      cachedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    },
    timings: { prefillMs: 0, decodeMs: now() - t0 },
  };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function base64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
