import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { type TestGateway, type TestUpstream, send, sha256, startGateway, startUpstream, unusedPort } from './testing/test-support';

interface Echo {
  upstream: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  bytes: number;
  sha256: string;
}

const asEcho = (value: unknown): Echo => value as Echo;

describe('gateway routing and streaming', () => {
  let rest: TestUpstream;
  let files: TestUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    rest = await startUpstream('rest-service');
    files = await startUpstream('fileserver', (req, res, seen) => {
      // A minimal file: enough to see HEAD and Range pass through untouched.
      const content = Buffer.from('0123456789abcdefghij');
      if (seen.url === '/resources/file.bin') {
        const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
        res.setHeader('accept-ranges', 'bytes');
        res.setHeader('content-type', 'application/octet-stream');
        if (range) {
          const [start, end] = [Number(range[1]), Number(range[2])];
          res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${content.length}`, 'content-length': end - start + 1 });
          res.end(req.method === 'HEAD' ? undefined : content.subarray(start, end + 1));
          return;
        }
        res.writeHead(200, { 'content-length': content.length });
        res.end(req.method === 'HEAD' ? undefined : content);
        return;
      }
      if (seen.url === '/resources/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first,');
        setTimeout(() => res.end('second'), 20);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ upstream: 'fileserver', ...seen }));
    });
    gateway = await startGateway({ restServiceUrl: rest.url, fileserverUrl: files.url });
  });

  afterAll(async () => {
    await gateway.close();
    await rest.close();
    await files.close();
  });

  it('forwards /api/** to the rest service with path and query intact', async () => {
    const reply = await send(gateway.url, '/api/v2.1/blueprints/bp-1?_include=id,plan&_size=5');
    expect(reply.status).toBe(200);
    const echo = asEcho(reply.json());
    expect(echo.upstream).toBe('rest-service');
    expect(echo.url).toBe('/api/v2.1/blueprints/bp-1?_include=id,plan&_size=5');
  });

  it('rewrites un-versioned Cloudify paths to /api/v1', async () => {
    const bare = asEcho((await send(gateway.url, '/blueprints')).json());
    expect([bare.upstream, bare.url]).toEqual(['rest-service', '/api/v1/blueprints']);
    const withQuery = asEcho((await send(gateway.url, '/node-instances?deployment_id=d1&node_name=vm')).json());
    expect(withQuery.url).toBe('/api/v1/node-instances?deployment_id=d1&node_name=vm');
  });

  it('forwards /resources/** to the file server with the path intact', async () => {
    const echo = asEcho((await send(gateway.url, '/resources/a/b?c=d')).json());
    expect([echo.upstream, echo.url]).toEqual(['fileserver', '/resources/a/b?c=d']);
  });

  it('answers every other path with a Cloudify 404 and forwards nothing', async () => {
    const before = rest.requests.length + files.requests.length;
    for (const path of ['/_internal/uploaded-blueprints/bp/bp.tar.gz', '/', '/index.html', '/blueprintsX']) {
      const reply = await send(gateway.url, path, { method: 'PUT', body: Buffer.from('x') });
      expect(reply.status).toBe(404);
      expect(reply.json()).toEqual({ message: `Requested URL ${path} was not found on the server`, error_code: 'not_found_error' });
    }
    expect(rest.requests.length + files.requests.length).toBe(before);
  });

  it('refuses paths that could be normalised into something no route allows', async () => {
    const before = files.requests.length;
    for (const path of ['/resources/../_internal/x', '/resources/%2e%2e/_internal/x', '/resources/a%2f..%2f..%2f_internal']) {
      const reply = await send(gateway.url, path);
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual({ message: 'Invalid request path', error_code: 'bad_parameters_error' });
    }
    expect(files.requests.length).toBe(before);
  });

  it('keeps a sane incoming X-Request-Id and hands it to the upstream and back', async () => {
    const reply = await send(gateway.url, '/api/v2.1/status', { headers: { 'x-request-id': 'req-42.a:b' } });
    expect(reply.headers['x-request-id']).toBe('req-42.a:b');
    expect(asEcho(reply.json()).headers['x-request-id']).toBe('req-42.a:b');
  });

  it('replaces a missing or insane X-Request-Id with one id shared by upstream and client', async () => {
    const cases: Array<Record<string, string>> = [{}, { 'x-request-id': 'has spaces and <html>' }];
    for (const headers of cases) {
      const reply = await send(gateway.url, '/api/v2.1/status', { headers });
      const id = reply.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(asEcho(reply.json()).headers['x-request-id']).toBe(id);
    }
  });

  it('sets X-Forwarded-* itself, preserves Host, and drops the internal-door marker', async () => {
    const reply = await send(gateway.url, '/api/v2.1/status', {
      headers: { host: 'manager.example:8080', 'x-forwarded-for': '10.9.8.7', 'x-forwarded-proto': 'https', 'x-server-port': '8101' },
    });
    const { headers } = asEcho(reply.json());
    expect(headers['host']).toBe('manager.example:8080');
    expect(headers['x-forwarded-for']).toBe('10.9.8.7,127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('manager.example:8080');
    expect(headers['x-forwarded-port']).toBe('8080');
    expect(headers['x-server-port']).toBeUndefined();
  });

  it('streams a 10 MB upload through byte-identical', async () => {
    const body = randomBytes(10 * 1024 * 1024);
    const reply = await send(gateway.url, '/api/v2.1/blueprints/big?application_file_name=x.yaml', {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      body,
    });
    const echo = asEcho(reply.json());
    expect(echo.bytes).toBe(body.length);
    expect(echo.sha256).toBe(sha256(body));
    expect(echo.headers['content-length']).toBe(String(body.length));
  });

  it('passes a chunked upload through still chunked', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const reply = await send(gateway.url, '/api/v2.1/blueprints/chunky', { method: 'PUT', headers: { 'transfer-encoding': 'chunked' }, body });
    const echo = asEcho(reply.json());
    expect(echo.headers['transfer-encoding']).toBe('chunked');
    expect(echo.headers['content-length']).toBeUndefined();
    expect([echo.bytes, echo.sha256]).toEqual([body.length, sha256(body)]);
  });

  it('answers Expect: 100-continue and forwards the body', async () => {
    const body = randomBytes(2048);
    const reply = await new Promise<{ continued: boolean; echo: Echo }>((resolve, reject) => {
      let continued = false;
      const req = request(`${gateway.url}/api/v2.1/plugins`, { method: 'POST', agent: false, headers: { expect: '100-continue', 'content-length': body.length } });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ continued, echo: asEcho(JSON.parse(Buffer.concat(chunks).toString('utf8'))) }));
      });
      req.on('error', reject);
    });
    expect(reply.continued).toBe(true);
    expect(reply.echo.sha256).toBe(sha256(body));
  });

  it('passes a chunked response through', async () => {
    const reply = await send(gateway.url, '/resources/chunked');
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body.toString()).toBe('first,second');
  });

  it('passes HEAD and Range requests through', async () => {
    const head = await send(gateway.url, '/resources/file.bin', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('20');
    expect(head.body.length).toBe(0);
    const range = await send(gateway.url, '/resources/file.bin', { headers: { range: 'bytes=2-5' } });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe('bytes 2-5/20');
    expect(range.body.toString()).toBe('2345');
  });

  it('reuses upstream connections across sequential requests', async () => {
    const before = rest.connections;
    const client = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 20; i += 1) expect((await send(gateway.url, `/api/v2.1/status?i=${i}`, { agent: client })).status).toBe(200);
    } finally {
      client.destroy();
    }
    expect(rest.connections - before).toBeLessThanOrEqual(1);
  });

  it('writes one access-log line per proxied request', async () => {
    await send(gateway.url, '/blueprints?_include=id', { headers: { 'x-request-id': 'log-me' } });
    const line = gateway.logger.entries.find((entry) => entry.message === 'proxied request' && entry.fields['correlation_id'] === 'log-me');
    expect(line?.fields).toMatchObject({
      method: 'GET',
      path: '/blueprints',
      upstream: 'rest-service',
      upstream_path: '/api/v1/blueprints',
      status: 200,
      completed: true,
      correlation_id: 'log-me',
    });
    expect(line?.fields['duration_ms']).toEqual(expect.any(Number));
  });
});

describe('gateway with failing upstreams', () => {
  it('answers 502 in the Cloudify error format when an upstream is down', async () => {
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: `http://127.0.0.1:${await unusedPort()}`, fileserverUrl: files.url });
    try {
      const reply = await send(gateway.url, '/api/v2.1/blueprints', { headers: { 'x-request-id': 'down-1' } });
      expect(reply.status).toBe(502);
      expect(reply.json()).toEqual({ message: 'rest-service is unavailable', error_code: 'bad_gateway_error' });
      expect(reply.headers['x-request-id']).toBe('down-1');
      expect(reply.body.toString()).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at /);
      const warning = gateway.logger.entries.find((entry) => entry.message === 'upstream request failed');
      expect(warning?.fields).toMatchObject({ upstream: 'rest-service', reason: 'refused', code: 'ECONNREFUSED', correlation_id: 'down-1' });
      // The other upstream is unaffected.
      expect((await send(gateway.url, '/resources/x')).status).toBe(200);
    } finally {
      await gateway.close();
      await files.close();
    }
  });

  it('answers 502 when a large upload meets a dead upstream, without waiting for the whole body', async () => {
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: `http://127.0.0.1:${await unusedPort()}`, fileserverUrl: files.url });
    try {
      const reply = await new Promise<number>((resolve, reject) => {
        const req = request(`${gateway.url}/api/v2.1/blueprints/bp`, { method: 'PUT', agent: false, headers: { 'content-length': 50 * 1024 * 1024 } });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.write(randomBytes(64 * 1024));
      });
      expect(reply).toBe(502);
    } finally {
      await gateway.close();
      await files.close();
    }
  });

  it('answers 502 naming the wait when an upstream stays silent past the timeout', async () => {
    const silent = await startUpstream('rest-service', () => undefined);
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: silent.url, fileserverUrl: files.url, upstreamTimeoutMs: 300 });
    try {
      const started = Date.now();
      const reply = await send(gateway.url, '/api/v2.1/executions');
      expect(reply.status).toBe(502);
      expect(reply.json()).toEqual({ message: 'rest-service did not answer within 300 ms', error_code: 'bad_gateway_error' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await gateway.close();
      await silent.close();
      await files.close();
    }
  });

  it('cuts the client connection when the upstream dies mid-response instead of leaving it hanging', async () => {
    const dying = await startUpstream('rest-service', (_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: dying.url, fileserverUrl: files.url });
    try {
      await expect(send(gateway.url, '/api/v2.1/blueprints')).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
      expect((await send(gateway.url, '/resources/x')).status).toBe(200);
    } finally {
      await gateway.close();
      await dying.close();
      await files.close();
    }
  });
});

describe('gateway and clients that go away', () => {
  it('aborts the upstream request when the client aborts an upload, and keeps serving', async () => {
    const closedEarly: boolean[] = [];
    const rest = await startUpstream(
      'rest-service',
      (req, res) => {
        req.on('close', () => closedEarly.push(!req.complete));
        req.resume();
        req.on('end', () => res.end('done'));
      },
      { readBody: false },
    );
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: rest.url, fileserverUrl: files.url });
    try {
      await new Promise<void>((resolve) => {
        const req = request(`${gateway.url}/api/v2.1/blueprints/bp`, { method: 'PUT', agent: false, headers: { 'content-length': 10 * 1024 * 1024 } });
        req.on('error', () => resolve());
        req.write(randomBytes(256 * 1024), () => setTimeout(() => req.destroy(), 50));
      });
      await waitUntil(() => closedEarly.length === 1 && gateway.inFlight.size === 0);
      expect(closedEarly).toEqual([true]);
      expect(socketsInUse(gateway)).toBe(0);
      expect((await send(gateway.url, '/resources/x')).status).toBe(200);
    } finally {
      await gateway.close();
      await rest.close();
      await files.close();
    }
  });

  it('aborts the upstream request when the client leaves while waiting for the response', async () => {
    let upstreamSawClose = false;
    const rest = await startUpstream('rest-service', (req) => {
      // Never answers: only the client leaving can end this exchange before the timeout.
      req.socket.on('close', () => {
        upstreamSawClose = true;
      });
    });
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: rest.url, fileserverUrl: files.url, upstreamTimeoutMs: 30_000 });
    try {
      const req = request(`${gateway.url}/api/v2.1/executions`, { agent: false });
      req.on('error', () => undefined);
      req.end();
      await waitUntil(() => rest.requests.length === 1);
      req.destroy();
      await waitUntil(() => upstreamSawClose && gateway.inFlight.size === 0);
      expect(socketsInUse(gateway)).toBe(0);
      const line = gateway.logger.entries.find((entry) => entry.message === 'proxied request');
      expect(line?.fields).toMatchObject({ completed: false, status: null });
    } finally {
      await gateway.close();
      await rest.close();
      await files.close();
    }
  });
});

describe('gateway readiness', () => {
  it('is ready only while both upstreams answer /health', async () => {
    const rest = await startUpstream('rest-service');
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: rest.url, fileserverUrl: files.url });
    try {
      const ready = await send(gateway.url, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.json()).toMatchObject({ ready: true, checks: { 'rest-service': 'ok', fileserver: 'ok' } });
      expect(rest.requests.map((seen) => seen.url)).toContain('/health');
      await files.close();
      const notReady = await send(gateway.url, '/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.json()).toMatchObject({ ready: false, checks: { 'rest-service': 'ok', fileserver: 'fileserver /health: ECONNREFUSED' } });
    } finally {
      await gateway.close();
      await rest.close();
    }
  });

  it('treats an upstream whose /health hangs as not ready within the probe timeout', async () => {
    const hanging = await startUpstream('rest-service', () => undefined);
    const files = await startUpstream('fileserver');
    const gateway = await startGateway({ restServiceUrl: hanging.url, fileserverUrl: files.url, readyProbeTimeoutMs: 200 });
    try {
      const reply = await send(gateway.url, '/ready');
      expect(reply.status).toBe(503);
      expect(reply.json()).toMatchObject({ checks: { 'rest-service': 'rest-service /health: no answer within 200 ms', fileserver: 'ok' } });
    } finally {
      await gateway.close();
      await hanging.close();
      await files.close();
    }
  });
});

function socketsInUse(gateway: TestGateway): number {
  const count = (agent: Agent): number => Object.values(agent.sockets).reduce((sum, sockets) => sum + (sockets?.length ?? 0), 0);
  return count(gateway.restService.agent) + count(gateway.fileserver.agent);
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
