// A raw HTTP client for integration tests: exact paths, chunked bodies, answers that arrive before
// the body is fully sent, and clients that vanish mid-upload.
import { request } from 'node:http';
import { type Reply, readReply, writeInChunks } from '@cfy/testing';

export type { Reply } from '@cfy/testing';

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
      readReply(res).then(resolve, reject);
    });
    req.on('error', (error) => {
      if (!answered) setTimeout(() => answered || reject(error), 1_000);
    });
    writeInChunks(req, options.body, options.chunkBytes);
  });
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
