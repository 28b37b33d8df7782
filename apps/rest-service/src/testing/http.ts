// A raw HTTP client for integration tests: exact paths, chunked bodies, answers that arrive before
// the body is fully sent, and clients that vanish mid-upload.
import { type ClientRequest, type IncomingHttpHeaders, request } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json(): unknown;
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked, in chunks of this many bytes. */
  readonly chunkBytes?: number;
}

/**
 * One HTTP exchange on a fresh connection. Resolves with the answer even when the server answers
 * (and closes) before the whole body was sent, as it does for refused uploads.
 */
export function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const target = new URL(baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body && options.chunkBytes === undefined) headers['content-length'] = String(options.body.length);
  if (options.chunkBytes !== undefined) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: target.hostname, port: target.port, path, method: options.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
      });
    });
    req.on('error', (error) => {
      if (!answered) setTimeout(() => answered || reject(error), 1_000);
    });
    writeBody(req, options.body, options.chunkBytes ?? 64 * 1024);
  });
}

function writeBody(req: ClientRequest, body: Buffer | undefined, chunkBytes: number): void {
  if (!body) {
    req.end();
    return;
  }
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      if (req.destroyed) return;
      const chunk = body.subarray(offset, offset + chunkBytes);
      offset += chunk.length;
      if (!req.write(chunk)) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
}

/**
 * Starts a chunked PUT, sends `firstBytes`, then — once `ready()` says the server is busy with it —
 * destroys the connection, as a client that crashes mid-upload would.
 */
export async function abandonUpload(baseUrl: string, path: string, firstBytes: Buffer, ready: () => boolean): Promise<void> {
  const target = new URL(baseUrl);
  const req = request({ host: target.hostname, port: target.port, path, method: 'PUT', headers: { 'transfer-encoding': 'chunked' }, agent: false });
  req.on('error', () => undefined);
  req.write(firstBytes);
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the upload never started on the server');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  req.destroy();
}
