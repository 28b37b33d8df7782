import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { runCli } from '../program';
import { type CliIo } from '../io';

/*
 * Unit-test stand-in for the manager: a real HTTP server on an ephemeral port that answers with
 * canned REST v2.1 responses and records every request (path, query, headers, full body).
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/api/v2.1/blueprints/bp`. */
  path: string;
  query: URLSearchParams;
  /** Raw request target as received (path and undecoded query). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CannedResponse {
  status: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** `'<METHOD> <path>'` → response, or a function of the recorded request. */
export type Routes = Record<string, CannedResponse | ((request: RecordedRequest) => CannedResponse)>;

export interface CannedManager {
  /** Base URL for CFY_MANAGER_URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startCannedManager(routes: Routes): Promise<CannedManager> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        rawUrl: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      const route = routes[`${recorded.method} ${recorded.path}`];
      const response = typeof route === 'function' ? route(recorded) : (route ?? { status: 404, body: 'Not Found' });
      const headers = { ...(response.json !== undefined ? { 'content-type': 'application/json' } : {}), ...response.headers };
      res.writeHead(response.status, headers);
      res.end(response.json !== undefined ? JSON.stringify(response.json) : response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cfy <argv>` in-process with captured output. */
export async function cfy(argv: readonly string[], io: { cwd: string; env?: CliIo['env'] }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    cwd: io.cwd,
    env: io.env ?? {},
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { code, stdout, stderr };
}

/** A v2.1 list envelope around `items`. */
export function listOf(items: readonly unknown[]): { items: readonly unknown[]; metadata: { pagination: { total: number; size: number; offset: number } } } {
  return { items, metadata: { pagination: { total: items.length, size: 1000, offset: 0 } } };
}

/** The error body of rest-api-v2.1.md §2. */
export function errorBody(status: number, errorCode: string, message: string, serverTraceback = ''): CannedResponse {
  return { status, json: { message, error_code: errorCode, server_traceback: serverTraceback } };
}
