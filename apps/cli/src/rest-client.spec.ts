import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { attachmentFileName, pythonQuote, RestClient } from './rest-client';
import { ManagerHttpError, UnexpectedResponseError } from './rest-errors';
import { type CannedManager, startCannedManager } from './testing/canned-manager';

describe('pythonQuote', () => {
  it.each([
    ['blueprint.yaml', 'blueprint.yaml'],
    ['my blueprint.yaml', 'my%20blueprint.yaml'],
    ['dir/a-b_c.yaml', 'dir/a-b_c.yaml'],
    ['a~b&c=d', 'a%7Eb%26c%3Dd'],
    ['é.yaml', '%C3%A9.yaml'],
  ])('quotes %j as urllib.quote does', (input, expected) => {
    expect(pythonQuote(input)).toBe(expected);
  });
});

describe('attachmentFileName', () => {
  it.each([
    ['attachment; filename=hello.tar.gz', 'hello.tar.gz'],
    ['attachment; filename="hello world.zip"', 'hello world.zip'],
    ["attachment; filename*=UTF-8''h%C3%A9.tar", 'hé.tar'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename=..', null],
    ['attachment', null],
    [null, null],
  ])('takes the last path segment of %j', (header, expected) => {
    expect(attachmentFileName(header)).toBe(expected);
  });
});

describe('RestClient', () => {
  let manager: CannedManager | undefined;

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('turns a non-JSON error page into a ManagerHttpError carrying the page text', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints': { status: 502, body: '<html>Bad Gateway</html>' } });
    const client = new RestClient({ baseUrl: manager.url });

    const error = await client.listBlueprints().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ManagerHttpError);
    expect(error).toMatchObject({ status: 502, message: '<html>Bad Gateway</html>', errorCode: null, retryable: true });
  });

  it('rejects a success body that does not have the documented shape', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/x': { status: 200, json: { name: 'x' } } });
    const client = new RestClient({ baseUrl: manager.url });

    await expect(client.getBlueprint('x')).rejects.toThrow(UnexpectedResponseError);
    await expect(client.getBlueprint('x')).rejects.toThrow(/id: /);
  });

  it('keeps fields the schema does not name (so --json shows everything)', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/x': { status: 200, json: { id: 'x', plan: { nodes: [1] }, extra: true } } });
    const client = new RestClient({ baseUrl: manager.url });

    await expect(client.getBlueprint('x')).resolves.toEqual({ id: 'x', plan: { nodes: [1] }, extra: true });
  });

  it('percent-encodes ids in the path', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/a%2Fb%20c': { status: 200, json: { id: 'a/b c' } } });
    const client = new RestClient({ baseUrl: manager.url });

    await expect(client.getBlueprint('a/b c')).resolves.toMatchObject({ id: 'a/b c' });
  });

  describe('upload', () => {
    let server: Server;

    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("returns the manager's early answer when it refuses the upload mid-stream (413)", async () => {
      server = createServer((req, res) => {
        let received = 0;
        req.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > 1024 * 1024 && !res.headersSent) {
            res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
            res.end(JSON.stringify({ message: 'Blueprint archive is too large', error_code: 'payload_too_large_error' }));
            req.destroy();
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = new RestClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      // 32 MiB produced lazily: the client must not need it all before seeing the answer.
      const archive = Readable.from((function* () {
        for (let i = 0; i < 128; i += 1) yield randomBytes(256 * 1024);
      })());

      const error = await client.uploadBlueprint('big', archive, 'blueprint.yaml').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ManagerHttpError);
      expect(error).toMatchObject({ status: 413, errorCode: 'payload_too_large_error', message: 'Blueprint archive is too large' });
    });
  });
});
