import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { InfluxClient, type InfluxClientOptions } from './client';
import { InfluxConfigError, InfluxQueryError, InfluxUnavailableError, InfluxWriteError, LineProtocolError } from './errors';

/*
 * The client's HTTP behaviour against an in-process HTTP server that records requests and answers
 * as each test says: no InfluxDB needed. The same paths run against a real InfluxDB in the
 * integration tests.
 */

interface Recorded {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Responder = (request: Recorded, response: ServerResponse) => void;

class RecordingServer {
  readonly requests: Recorded[] = [];
  respond: Responder = (_request, response) => response.writeHead(204).end();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://x'), headers: req.headers, body: Buffer.concat(chunks) };
        this.requests.push(recorded);
        this.respond(recorded, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  get last(): Recorded {
    const last = this.requests.at(-1);
    if (!last) throw new Error('no request received');
    return last;
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Responder => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('InfluxClient over HTTP', () => {
  const server = new RecordingServer();
  let url = '';
  const client = (options: Partial<InfluxClientOptions> = {}) => new InfluxClient({ url, database: 'metrics', requestTimeoutMs: 2000, ...options });

  beforeAll(async () => {
    url = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    server.respond = (_req, res) => res.writeHead(204).end();
  });

  describe('writes', () => {
    it('sends a gzip-compressed body with Content-Encoding: gzip', async () => {
      await client().write(
        [
          { measurement: 'cpu', tags: { host: 'a b' }, fields: { v: 1.5 }, timestamp: 1 },
          { measurement: 'cpu', tags: { host: 'c' }, fields: { v: 2n }, timestamp: 2 },
        ],
        { precision: 's' },
      );
      const { method, url: target, headers, body } = server.last;
      expect(method).toBe('POST');
      expect(target.pathname).toBe('/write');
      expect(headers['content-encoding']).toBe('gzip');
      expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(gunzipSync(body).toString('utf8')).toBe('cpu,host=a\\ b v=1.5 1\ncpu,host=c v=2i 2');
    });

    it('sends plain text when gzip is off', async () => {
      await client({ gzip: false }).writeLines(['m v=1'], 'ms');
      expect(server.last.headers['content-encoding']).toBeUndefined();
      expect(server.last.body.toString('utf8')).toBe('m v=1');
    });

    it('names database, retention policy and precision in the query string', async () => {
      const withPolicy = client({ retentionPolicy: { name: 'week', duration: '7d', replication: 1, default: false } });
      await withPolicy.writeLines(['m v=1 1'], 'us');
      expect(Object.fromEntries(server.last.url.searchParams)).toEqual({ db: 'metrics', rp: 'week', precision: 'u' });
    });

    it('sends nothing when a point cannot be encoded', async () => {
      const error = await caught(client().write([{ measurement: 'm', fields: { v: 1 } }, { measurement: 'm', fields: {} }]));
      expect(error).toBeInstanceOf(LineProtocolError);
      expect(server.requests).toHaveLength(0);
    });

    it('reports a partial write as an InfluxWriteError with the server text and dropped count', async () => {
      const text = 'partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=1';
      server.respond = json(400, { error: text });
      const error = await caught(client().writeLines(['m v=1', 'm v="x"'], 'ms'));
      expect(error).toBeInstanceOf(InfluxWriteError);
      expect(error).toMatchObject({ status: 400, serverMessage: text, droppedPoints: 1, partial: true, retryable: false });
    });

    it('reports a missing database as a non-retryable InfluxWriteError', async () => {
      server.respond = json(404, { error: 'database not found: "metrics"' });
      const error = await caught(client().writeLines(['m v=1'], 'ms'));
      expect(error).toBeInstanceOf(InfluxWriteError);
      expect(error).toMatchObject({ status: 404, droppedPoints: undefined, partial: false });
    });

    it.each([
      [503, { 'Retry-After': '2' }, 2000],
      [429, { 'Retry-After': '1' }, 1000],
      [500, {}, undefined],
    ])('reports HTTP %i as a retryable InfluxUnavailableError', async (status, headers, retryAfterMs) => {
      server.respond = json(status, { error: 'engine: cache maximum memory size exceeded' }, headers);
      const error = await caught(client().writeLines(['m v=1'], 'ms'));
      expect(error).toBeInstanceOf(InfluxUnavailableError);
      expect((error as InfluxUnavailableError).retryable).toBe(true);
      expect((error as InfluxUnavailableError).details).toMatchObject({ status, serverMessage: 'engine: cache maximum memory size exceeded' });
      expect((error as InfluxUnavailableError).details.retryAfterMs).toBe(retryAfterMs);
    });

    it('reports a request that exceeds requestTimeoutMs as InfluxUnavailableError', async () => {
      server.respond = () => undefined; // never answers
      const error = await caught(client({ requestTimeoutMs: 100 }).writeLines(['m v=1'], 'ms'));
      expect(error).toBeInstanceOf(InfluxUnavailableError);
      expect((error as Error).message).toMatch(/timed out/);
    });

    it('reports a refused connection as InfluxUnavailableError', async () => {
      const idle = new RecordingServer();
      const idleUrl = await idle.start();
      await idle.stop();
      const error = await caught(new InfluxClient({ url: idleUrl, database: 'x' }).writeLines(['m v=1'], 'ms'));
      expect(error).toBeInstanceOf(InfluxUnavailableError);
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    });
  });

  describe('credentials', () => {
    it('sends username and password as Basic auth by default, not in the URL', async () => {
      await client({ username: 'admin', password: 'p:w' }).writeLines(['m v=1'], 'ms');
      expect(server.last.headers.authorization).toBe(`Basic ${Buffer.from('admin:p:w').toString('base64')}`);
      expect(server.last.url.searchParams.has('p')).toBe(false);
    });

    it('sends u and p query parameters with the query scheme', async () => {
      await client({ username: 'admin', password: 'secret', authScheme: 'query' }).query('SHOW DATABASES').catch(() => undefined);
      expect(server.last.url.searchParams.get('u')).toBe('admin');
      expect(server.last.url.searchParams.get('p')).toBe('secret');
      expect(server.last.headers.authorization).toBeUndefined();
    });

    it('sends a 2.x/3.x token with the Token scheme', async () => {
      await client({ token: 'abc' }).writeLines(['m v=1'], 'ms');
      expect(server.last.headers.authorization).toBe('Token abc');
    });

    it('takes credentials from the URL and keeps them out of the request URL', async () => {
      await client({ url: url.replace('http://', 'http://ad%40min:s%3Acret@') }).writeLines(['m v=1'], 'ms');
      expect(server.last.headers.authorization).toBe(`Basic ${Buffer.from('ad@min:s:cret').toString('base64')}`);
      expect(server.last.url.searchParams.has('u')).toBe(false);
    });

    it('refuses a token together with a username', () => {
      expect(() => client({ token: 'abc', username: 'u' })).toThrow(InfluxConfigError);
    });
  });

  describe('queries', () => {
    const ok = { results: [{ statement_id: 0, series: [{ name: 'cpu', columns: ['time', 'v'], values: [[1, 2]] }] }] };

    it('sends a SELECT by GET with epoch and bound parameters', async () => {
      server.respond = json(200, ok);
      const [result] = await client().query('SELECT v FROM cpu WHERE host = $host', { epoch: 'us', params: { host: 'a' } });
      expect(server.last.method).toBe('GET');
      expect(Object.fromEntries(server.last.url.searchParams)).toEqual({
        db: 'metrics',
        epoch: 'u',
        q: 'SELECT v FROM cpu WHERE host = $host',
        params: '{"host":"a"}',
      });
      expect(result?.series[0]?.values).toEqual([[1, 2]]);
    });

    it('POSTs a statement that writes, with the query in the form body', async () => {
      server.respond = json(200, { results: [{ statement_id: 0 }] });
      await client().query('DROP MEASUREMENT cpu');
      expect(server.last.method).toBe('POST');
      expect(server.last.url.searchParams.has('q')).toBe(false);
      expect(new URLSearchParams(server.last.body.toString('utf8')).get('q')).toBe('DROP MEASUREMENT cpu');
    });

    it('leaves out db for server-level statements', async () => {
      server.respond = json(200, { results: [{ statement_id: 0 }] });
      await client().query('CREATE DATABASE "x"', { database: null });
      expect(server.last.url.searchParams.has('db')).toBe(false);
    });

    it('reports a parse error (HTTP 400) as InfluxQueryError with the server text', async () => {
      server.respond = json(400, { error: 'error parsing query: found EOF, expected FROM' });
      const error = await caught(client().query('SELECT'));
      expect(error).toBeInstanceOf(InfluxQueryError);
      expect((error as InfluxQueryError).details).toMatchObject({ status: 400, serverMessage: 'error parsing query: found EOF, expected FROM' });
    });

    it('reports a failed statement as InfluxQueryError', async () => {
      server.respond = json(200, { results: [{ statement_id: 0, error: 'database not found: metrics' }] });
      await expect(client().query('SELECT * FROM cpu')).rejects.toThrow(/database not found: metrics/);
    });

    it('reports a body that is not JSON as InfluxQueryError', async () => {
      server.respond = (_req, res) => res.writeHead(200).end('<html>proxy</html>');
      await expect(client().query('SHOW DATABASES')).rejects.toBeInstanceOf(InfluxQueryError);
    });

    it('reports HTTP 503 as InfluxUnavailableError', async () => {
      server.respond = json(503, { error: 'busy' });
      await expect(client().query('SHOW DATABASES')).rejects.toBeInstanceOf(InfluxUnavailableError);
    });
  });

  describe('ping', () => {
    it('reads the server version from the 204 answer', async () => {
      server.respond = (_req, res) => res.writeHead(204, { 'X-Influxdb-Version': '1.6.7' }).end();
      const result = await client().ping();
      expect(server.last.url.pathname).toBe('/ping');
      expect(result.version).toBe('1.6.7');
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('keeps a proxy path prefix', async () => {
      await new InfluxClient({ url: `${url}/influx/`, database: 'x' }).ping();
      expect(server.last.url.pathname).toBe('/influx/ping');
    });

    it('rejects with InfluxUnavailableError when the server is not ready', async () => {
      server.respond = json(503, { error: 'starting' });
      await expect(client().ping()).rejects.toBeInstanceOf(InfluxUnavailableError);
    });
  });

  describe('options', () => {
    it.each<[string, Partial<InfluxClientOptions>]>([
      ['a URL that is not one', { url: 'not a url' }],
      ['a non-HTTP URL', { url: 'ftp://host' }],
      ['an empty database', { database: '' }],
      ['a bad retention duration', { retentionPolicy: { name: 'r', duration: '30 days', replication: 1, default: false } }],
      ['a zero replication', { retentionPolicy: { name: 'r', duration: '30d', replication: 0, default: false } }],
      ['a zero timeout', { requestTimeoutMs: 0 }],
    ])('refuses %s with InfluxConfigError', (_label, options) => {
      expect(() => client(options)).toThrow(InfluxConfigError);
    });
  });
});
