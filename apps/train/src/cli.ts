#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { buildRewardServer } from './server.js';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

const cli = new Command('seglang-train').description(
  'Training around existing engines: the reward server (more commands to come).',
);

cli
  .command('reward-server')
  .description('serve SimpleSeg and SAMTok rewards over HTTP: POST /reward, GET /health')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port', int('--port'), 8000)
  .option('--body-limit <bytes>', 'largest request body', int('--body-limit'), 32 * 1024 * 1024)
  .option('--max-pending <n>', 'requests waiting beyond this get 503', int('--max-pending'), 64)
  .option('--tau <t>', 'IoU threshold of the SimpleSeg reward', Number, 0.5)
  .addHelpText(
    'after',
    '\nExample:\n  seglang-train reward-server --port 8000\n  curl -s localhost:8000/health',
  )
  .action(async (opts) => {
    const app = buildRewardServer({
      bodyLimit: opts.bodyLimit,
      maxPending: opts.maxPending,
      simpleseg: { threshold: opts.tau },
    });
    const address = await app.listen({ host: opts.host, port: opts.port });
    console.log(`seglang reward server on ${address}`);
    // Graceful shutdown: stop accepting, let in-flight requests finish.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.close().then(() => process.exit(0));
      });
    }
  });

cli.parseAsync(process.argv).catch((err) => {
  process.stderr.write(`seglang-train: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
