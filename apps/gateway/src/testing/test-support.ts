// Helpers for the gateway's tests: small real HTTP servers standing in for the upstream services,
// a gateway listening on a free port, and a raw HTTP client (keep-alive, chunked, abort control).
import { createHash } from 'node:crypto';
import { type Agent, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readiness, ServiceLifecycle } from '@cfy/runtime';
import { type Reply, RecordingLogger, freePort, readReply, writeInChunks } from '@cfy/testing';
import { createGatewayApp } from '../app';
import { InFlightRequests } from '../in-flight';
import { cloudifyRoutes } from '../routes';
import { type Upstream, createUpstream } from '../upstream';

/** What a test upstream saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bytes: number;
  readonly sha256: string;
}

export interface TestUpstream {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Handles a request after its body was read; the default echoes what was seen as JSON. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void;

/**
 * Starts a plain HTTP server on 127.0.0.1 and a free port that hashes every request body and
 * records it, then lets `handler` answer (default: JSON echo of what it saw).
 */
export async function startUpstream(name: string, handler?: UpstreamHandler, options: { readBody?: boolean } = {}): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const state = { connections: 0 };
  const server = createServer((req, res) => {
    if (options.readBody === false) {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes: 0, sha256: '' };
      requests.push(seen);
      (handler ?? echo(name))(req, res, seen);
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes, sha256: hash.digest('hex') };
      requests.push(seen);
      (handler ?? echo(name))(req, res, seen);
    });
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  const address = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    get connections() {
      return state.connections;
    },
    set connections(value: number) {
      state.connections = value;
    },
    close: () => closeServer(server),
  };
}

function echo(name: string): UpstreamHandler {
  return (_req, res, seen) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ upstream: name, ...seen }));
  };
}

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly logger: RecordingLogger;
  readonly lifecycle: ServiceLifecycle;
  readonly inFlight: InFlightRequests;
  readonly restService: Upstream;
  readonly fileserver: Upstream;
  close(): Promise<void>;
}

/** Builds the gateway app for the given upstream URLs and serves it on 127.0.0.1 and a free port. */
export async function startGateway(options: {
  restServiceUrl: string;
  fileserverUrl: string;
  upstreamTimeoutMs?: number;
  readyProbeTimeoutMs?: number;
}): Promise<TestGateway> {
  const logger = new RecordingLogger();
  const lifecycle = new ServiceLifecycle(logger);
  const readiness = new Readiness(2_000);
  const restService = createUpstream('rest-service', options.restServiceUrl);
  const fileserver = createUpstream('fileserver', options.fileserverUrl);
  const inFlight = new InFlightRequests();
  const app = createGatewayApp({
    logger,
    lifecycle,
    readiness,
    routes: cloudifyRoutes({ restService, fileserver }),
    inFlight,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000,
    readyProbeTimeoutMs: options.readyProbeTimeoutMs ?? 1_000,
  });
  const server = createServer(app);
  const address = await listenOnFreePort(server);
  lifecycle.markRunning();
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    logger,
    lifecycle,
    inFlight,
    restService,
    fileserver,
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
      restService.agent.destroy();
      fileserver.agent.destroy();
    },
  };
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string | number>;
  /** Written in chunks of at most 64 KiB; omit for no body. */
  body?: Buffer;
  /** Default false: a fresh connection per request. */
  agent?: Agent | false;
}

/** One raw HTTP exchange (the path is sent exactly as given: no normalisation). */
export function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const target = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        readReply(res).then(resolve, reject);
      },
    );
    req.on('error', reject);
    writeInChunks(req, options.body);
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function listenOnFreePort(server: Server): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server.address() as AddressInfo;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export { freePort as unusedPort };
