import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** The exit code (null when killed by a signal). */
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs a command and collects its output without blocking the event loop, so that a server in
 * the test's own process (a loopback model server, say) can answer the child. With
 * `stopChildrenOnExit`, the command runs in a process group of its own, and what it left running
 * (a server a script started with `&`) is stopped when it exits; the result still holds all output.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stopChildrenOnExit?: boolean } = {},
): Promise<ProcessResult> {
  const { stopChildrenOnExit, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...spawnOptions,
      detached: stopChildrenOnExit === true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (stopChildrenOnExit)
      child.on('exit', () => {
        try {
          process.kill(-(child.pid as number), 'SIGTERM');
        } catch {
          // nothing was left running
        }
      });
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
