// The real stack for integration tests and benchmarks: the rest-service composed in this process
// on a free port, and the fileserver and gateway as their own processes (their real main.ts, run
// with tsx). Apps may not import one another (docs/architecture.md, boundary rules), so the other
// deployables are started the way they run in production: as separate processes.
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import { type Logger, silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle, listen } from '@cfy/runtime';
import { type ServiceProcess, startServiceProcess } from '@cfy/testing';
import { composeRestService } from '../compose';
import { loadRestServiceConfig } from '../config';
import type { InFlightUploads } from '../in-flight-uploads';

/** A deployable running as its own process (see `startServiceProcess` in @cfy/testing). */
export type ChildService = ServiceProcess;

/** The real fileserver over `root`, with small archive limits unless `env` overrides them. */
export function startFileserver(root: string, env: Record<string, string> = {}): Promise<ChildService> {
  return startServiceProcess({
    name: 'fileserver',
    entry: 'apps/fileserver/src/main.ts',
    env: { RESOURCES_ROOT: root, MAX_EXTRACTED_BYTES: String(20 * 1024 * 1024), MAX_ARCHIVE_ENTRIES: '200', ...env },
    stopGraceMs: 10_000,
  });
}

/** The real gateway in front of the given services. */
export function startGateway(restServiceUrl: string, fileserverUrl: string): Promise<ChildService> {
  return startServiceProcess({
    name: 'gateway',
    entry: 'apps/gateway/src/main.ts',
    env: { REST_SERVICE_URL: restServiceUrl, FILESERVER_URL: fileserverUrl },
    stopGraceMs: 10_000,
  });
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
