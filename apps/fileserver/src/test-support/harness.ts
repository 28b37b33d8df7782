// An in-process fileserver on a fresh temporary resources root, for supertest.
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Express } from 'express';
import { silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle } from '@cfy/runtime';
import { createFileserverApp } from '../app';
import type { ArchiveLimits } from '../archive/budget';
import { ResourceStore } from '../resource-store';

export const TEST_LIMITS: ArchiveLimits = { maxExtractedBytes: 8 * 1024 * 1024, maxEntries: 50, maxCompressionRatio: 200 };

export interface TestFileserver {
  readonly app: Express;
  readonly store: ResourceStore;
  /** The resources root (resolved). */
  readonly root: string;
  /** The temporary folder holding the root; a file here is "outside the root". */
  readonly outside: string;
  readonly cleanup: () => Promise<void>;
}

export interface TestFileserverOptions {
  readonly limits?: Partial<ArchiveLimits>;
  readonly maxArchiveBytes?: number;
  readonly internalToken?: string;
}

/** What a fresh resources root holds: the three folders and nothing else. */
export const EMPTY_RESOURCES_TREE = ['.staging', 'blueprints', 'uploaded-blueprints'];

async function startTestFileserver(options: TestFileserverOptions = {}): Promise<TestFileserver> {
  const outside = await mkdtemp(join(tmpdir(), 'cfy-fileserver-test-'));
  const store = await ResourceStore.open({
    root: join(outside, 'resources'),
    maxArchiveBytes: options.maxArchiveBytes ?? 16 * 1024 * 1024,
    limits: { ...TEST_LIMITS, ...options.limits },
    logger: silentLogger,
  });
  const lifecycle = new ServiceLifecycle(silentLogger);
  lifecycle.markRunning();
  const app = createFileserverApp({ store, internalToken: options.internalToken, logger: silentLogger, lifecycle, readiness: new Readiness() });
  return { app, store, root: store.root, outside, cleanup: () => rm(outside, { recursive: true, force: true }) };
}

/**
 * One fileserver for the tests of a describe block: started in beforeAll, its folder removed in
 * afterAll. Call it at describe level; read its fields inside tests and hooks.
 * @example const fs = useTestFileserver({ maxArchiveBytes: 4096 }); it('…', () => request(fs.app)…);
 */
export function useTestFileserver(options: TestFileserverOptions = {}): TestFileserver {
  let started: TestFileserver | undefined;
  beforeAll(async () => {
    started = await startTestFileserver(options);
  });
  afterAll(() => started?.cleanup());
  const current = (): TestFileserver => {
    if (started === undefined) throw new Error('useTestFileserver: read it inside a test or hook, not at describe level');
    return started;
  };
  return {
    get app() {
      return current().app;
    },
    get store() {
      return current().store;
    },
    get root() {
      return current().root;
    },
    get outside() {
      return current().outside;
    },
    cleanup: () => current().cleanup(),
  };
}

/** Every file and folder under `dir`, relative and `/`-separated, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')).sort();
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * Sends a request exactly as given (raw path, chunked body, …) to `app` on a loopback port, for
 * what supertest would normalise away.
 */
export async function rawRequest(
  app: Express,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    chunks?: readonly Buffer[];
    /** false: leave the request unfinished (a client still uploading) and drop it after the response. */
    end?: boolean;
  },
): Promise<RawResponse> {
  const server = createServer(app).listen(0, '127.0.0.1');
  try {
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          if (options.end === false) req.destroy();
        });
      });
      req.on('error', reject);
      for (const chunk of options.chunks ?? []) req.write(chunk);
      if (options.end !== false) req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
