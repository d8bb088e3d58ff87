/** The README's example is examples/quickstart.ts verbatim, and it runs on the fixture model and a loopback server. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseLocation } from '@seglang/polygon-grammar';
import { quickstart } from '../examples/quickstart';
import { qwenFixture, texture } from './helpers';

test('README embeds the quickstart example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain(readFileSync(join(__dirname, '..', 'examples', 'quickstart.ts'), 'utf8').trim());
});

test('the quickstart example runs end to end', async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: '[[0.2, 0.2], [0.8, 0.2], [0.5, 0.9]]' }, finish_reason: 'stop' }],
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const image = texture(84, 56);
    const out = await quickstart(qwenFixture(), image, url);
    expect(parseLocation(out.answer.text, { kind: 'polygon' }).kind).toBe('polygon');
    expect(out.streamed.join('')).toBe(out.answer.text);
    expect(out.local.kind).toBe('simpleseg');
    expect(out.remote.kind === 'simpleseg' && out.remote.locations[0].kind).toBe('polygon');
    expect(out.remote.mask.data.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  } finally {
    server.close();
  }
});
