import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** The exit code (null when killed by a signal). */
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs a command and collects its output without blocking the event loop, so that a server in
 * the test's own process (a loopback model server, say) can answer the child.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
