// A deployable started the way it runs in production, as its own process (apps may not import one
// another), for integration tests and benchmarks that need the real service behind a URL.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A service process started by {@link startServiceProcess}. */
export interface ServiceProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number;
  /** The last 20 000 characters the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `stopGraceMs`). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServiceProcessOptions {
  /** Used in error messages, e.g. `'fileserver'`. */
  readonly name: string;
  /** The service's main.ts, relative to the repository root. */
  readonly entry: string;
  /** The config variable that takes the port; the process gets a free one. Default `PORT`. */
  readonly portVariable?: string;
  /** The path polled until it answers 200. Default `/health`. */
  readonly readyPath?: string;
  /**
   * The service's config. The process inherits only PATH and HOME, with LOG_LEVEL=warn (overridable
   * here) and HOST=127.0.0.1.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for `readyPath` to answer 200. Default 60 000 ms. */
  readonly readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in `stop()`. Default 15 000 ms. */
  readonly stopGraceMs?: number;
}

/**
 * Runs `entry` with tsx (`node --import tsx`, so the pid is the service itself) on a free port of
 * 127.0.0.1 and resolves once `readyPath` answers 200. Rejects with the process's output if it
 * exits first or is not ready in time (stopping it).
 *
 * @example
 * const fileserver = await startServiceProcess({ name: 'fileserver', entry: 'apps/fileserver/src/main.ts', env: { RESOURCES_ROOT: root } });
 * try { await fetch(`${fileserver.url}/health`); } finally { await fileserver.stop(); }
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, entry, portVariable = 'PORT', readyPath = '/health', readyTimeoutMs = 60_000, stopGraceMs = 15_000 } = options;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', ...options.env, HOST: '127.0.0.1', [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = (): Promise<number | null> => stopChild(child, exited, stopGraceMs);
  try {
    await untilReady(child, `${url}${readyPath}`, readyTimeoutMs, (reason) => `${name} ${reason}:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, output: () => output, stop };
}

/** Polls `readyUrl` until 200; fails at once when the process exits, or after `timeoutMs`. */
async function untilReady(child: ChildProcess, readyUrl: string, timeoutMs: number, failure: (reason: string) => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(failure(`exited with ${child.exitCode}`));
    const res = await fetch(readyUrl).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(failure(`did not answer ${new URL(readyUrl).pathname} with 200 within ${timeoutMs} ms`));
    await sleep(200);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The repository root: the nearest folder above this file holding nx.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (nx.json) not found');
    dir = parent;
  }
  return dir;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
