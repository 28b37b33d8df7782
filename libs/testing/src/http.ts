// Building blocks for the raw HTTP clients in tests (node:http rather than fetch, because tests
// need exact paths, chunked bodies, agent control and answers that arrive mid-upload).
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A whole HTTP answer, body buffered. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body parsed as JSON (throws on invalid JSON); `unknown`, so tests narrow it. */
  json(): unknown;
}

/**
 * Reads `res` to its end into a {@link Reply}; rejects if the response stream fails.
 *
 * @example
 * const req = request(url, (res) => void readReply(res).then(resolve, reject));
 */
export function readReply(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
    });
  });
}

/**
 * Writes `body` to `req` in chunks of at most `chunkBytes` (default 64 KiB), honouring
 * back-pressure, then ends the request; stops quietly once the request is destroyed (the server
 * answered and closed early). With no body it just ends the request.
 */
export function writeInChunks(req: ClientRequest, body: Buffer | undefined, chunkBytes = 64 * 1024): void {
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
