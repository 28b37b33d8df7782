import { createHash } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readReply, writeInChunks } from './http';

describe('readReply and writeInChunks', () => {
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex'), encoding: req.headers['transfer-encoding'] ?? null }));
    });
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function put(body: Buffer | undefined, chunkBytes?: number): Promise<Awaited<ReturnType<typeof readReply>>> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent: false }, (res) => {
        readReply(res).then(resolve, reject);
      });
      req.on('error', reject);
      writeInChunks(req, body, chunkBytes);
    });
  }

  it('sends a body larger than one chunk whole and reads the answer with status, headers and JSON', async () => {
    const body = Buffer.alloc(300 * 1024, 7);
    const reply = await put(body, 1000);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json()).toEqual({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), encoding: 'chunked' });
  });

  it('ends the request at once when there is no body', async () => {
    const reply = await put(undefined);
    expect(reply.json()).toMatchObject({ bytes: 0 });
  });
});
