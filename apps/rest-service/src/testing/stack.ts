// The real stack for integration tests and benchmarks: the rest-service composed in this process
// on a free port, and the fileserver and gateway as their own processes (their real main.ts, run
// with tsx). Apps may not import one another (docs/architecture.md, boundary rules), so the other
// deployables are started the way they run in production: as separate processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle, listen } from '@cfy/runtime';
import { composeRestService } from '../compose';
import { loadRestServiceConfig } from '../config';
import type { InFlightUploads } from '../in-flight-uploads';

/** The repository root (the folder holding nx.json). */
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

export interface ChildService {
  readonly url: string;
  readonly pid: number;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs `entry` (a main.ts, relative to the repo root) with tsx on a free port and waits until its
 * `/health` answers.
 */
export async function startChildService(name: string, entry: string, env: Record<string, string>): Promise<ChildService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await untilHealthy(name, url, child, () => output);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  return { url, pid: child.pid ?? 0, output: () => output, stop: () => stopChild(child, exited) };
}

/** Polls `/health` until 200; fails at once when the process exits, or after 60 s. */
async function untilHealthy(name: string, url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    const res = await fetch(`${url}/health`).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${name} did not answer /health within 60 s:\n${output()}`);
    await sleep(200);
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The real fileserver over `root`, with small archive limits unless `env` overrides them. */
export function startFileserver(root: string, env: Record<string, string> = {}): Promise<ChildService> {
  return startChildService('fileserver', 'apps/fileserver/src/main.ts', {
    RESOURCES_ROOT: root,
    MAX_EXTRACTED_BYTES: String(20 * 1024 * 1024),
    MAX_ARCHIVE_ENTRIES: '200',
    ...env,
  });
}

/** The real gateway in front of the given services. */
export function startGateway(restServiceUrl: string, fileserverUrl: string): Promise<ChildService> {
  return startChildService('gateway', 'apps/gateway/src/main.ts', { REST_SERVICE_URL: restServiceUrl, FILESERVER_URL: fileserverUrl });
}

export interface InProcessRestService {
  readonly url: string;
  readonly uploads: InFlightUploads;
  readonly lifecycle: ServiceLifecycle;
  /** Runs the ordered shutdown (what SIGTERM does in main.ts). */
  stop(): Promise<void>;
}

/**
 * The rest-service composed in this process exactly as main.ts does, from `env` (config keys),
 * listening on 127.0.0.1 and a free port.
 */
export async function startRestService(env: Record<string, string>, logger: Logger = silentLogger): Promise<InProcessRestService> {
  const config = loadRestServiceConfig({ MIN_AVAILABLE_MEMORY_MB: '0', ...env, PORT: '0', HOST: '127.0.0.1' });
  const lifecycle = new ServiceLifecycle(logger);
  const ctx = { logger, lifecycle, readiness: new Readiness() };
  const { app, uploads } = await composeRestService(ctx, config);
  const address = await listen(createServer(app), ctx, 0, '127.0.0.1');
  lifecycle.markRunning();
  return {
    url: `http://127.0.0.1:${address.port}`,
    uploads,
    lifecycle,
    stop: async () => {
      const report = await lifecycle.shutdown('test finished');
      if (report.state !== 'stopped') throw new Error(`shutdown failed: ${report.failures.join(', ')}`);
    },
  };
}

/**
 * Every path under the resources root (`/`-separated, relative, sorted), directories included,
 * except the fileserver's own empty top-level folders.
 */
export async function listResources(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries.map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
  const layout = new Set(['.staging', 'blueprints', 'uploaded-blueprints']);
  return paths.filter((path) => !layout.has(path)).sort();
}
