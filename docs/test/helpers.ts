import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The records of a JSON-lines file. */
export const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

/**
 * A vLLM-like OpenAI-compatible server: `/v1/models` lists `model`, a chat completion answers
 * `answer()` as JSON or, when streamed, as server-sent events of 9 characters each. `port` 0 picks a
 * free loopback port; another port listens on every interface (`localhost` may resolve to ::1).
 */
export async function openAiServer(
  model: string,
  answer: () => string,
  port = 0,
): Promise<{ base: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (req.url === '/v1/models') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: [{ id: model }] }));
      return;
    }
    const text = answer();
    if (JSON.parse(body).stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 9 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < text.length; i += 9)
      res.write(
        `data: ${JSON.stringify({ choices: [{ delta: { content: text.slice(i, i + 9) }, finish_reason: null }] })}\n\n`,
      );
    res.end(
      `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
    );
  });
  await new Promise<void>((r) => (port === 0 ? server.listen(0, '127.0.0.1', r) : server.listen(port, r)));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
