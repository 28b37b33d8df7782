// The gateway as it is deployed: main.ts in its own process, in front of the real file server app
// (also its own process) and a plain HTTP server standing in for the rest service, which does not
// exist yet. Covers what only a real process shows: config errors, signals, drain, TLS.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type TestUpstream, send, sha256, startUpstream } from './testing/test-support';

const REPO_ROOT = resolve(__dirname, '../../..');
const GATEWAY_MAIN = join(REPO_ROOT, 'apps/gateway/src/main.ts');
const FILESERVER_MAIN = join(REPO_ROOT, 'apps/fileserver/src/main.ts');

interface ServiceProcess {
  readonly child: ChildProcess;
  /** Every JSON log line printed so far. */
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: string[];
  /** Ports from the "listening" log lines, in order. */
  readonly ports: number[];
  readonly exited: Promise<number | null>;
}

const running: ServiceProcess[] = [];

function startService(main: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service: ServiceProcess = {
    child,
    logs: [],
    stderr: [],
    ports: [],
    exited: new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code))),
  };
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const fields = jsonObject(line);
      if (!fields) return;
      service.logs.push(fields);
      if (fields['msg'] === 'listening' && typeof fields['port'] === 'number') service.ports.push(fields['port']);
    });
  }
  child.stderr?.on('data', (chunk: Buffer) => service.stderr.push(chunk.toString('utf8')));
  running.push(service);
  return service;
}

async function listening(service: ServiceProcess, count = 1): Promise<number[]> {
  await until(() => service.ports.length >= count || service.child.exitCode !== null, 30_000);
  if (service.ports.length < count) throw new Error(`service exited early: ${service.stderr.join('')} ${JSON.stringify(service.logs)}`);
  return service.ports;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 20));
}

afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
  }
});

describe('gateway process', () => {
  let rest: TestUpstream;

  beforeEach(async () => {
    rest = await startUpstream('rest-service', (req, res, seen) => {
      const delayMs = seen.url.includes('slow') ? 1_000 : 0;
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ url: seen.url, headers: req.headers }));
      }, delayMs);
    });
  });

  afterEach(async () => {
    await rest.close();
  });

  it('serves the real file server through /resources and hides its internal API', async () => {
    if (!existsSync(FILESERVER_MAIN)) throw new Error('apps/fileserver/src/main.ts is missing');
    const root = mkdtempSync(join(tmpdir(), 'gateway-int-'));
    try {
      const fileserver = startService(FILESERVER_MAIN, { RESOURCES_ROOT: root });
      const [fileserverPort] = await listening(fileserver);
      const fileserverUrl = `http://127.0.0.1:${fileserverPort}`;
      const gateway = startService(GATEWAY_MAIN, { REST_SERVICE_URL: rest.url, FILESERVER_URL: fileserverUrl });
      const [gatewayPort] = await listening(gateway);
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

      const archive = randomBytes(5 * 1024 * 1024);
      const stored = await send(fileserverUrl, '/_internal/uploaded-blueprints/bp1/bp1.tar.gz', { method: 'PUT', body: archive, headers: { 'content-length': archive.length } });
      expect(stored.status).toBe(201);

      const whole = await send(gatewayUrl, '/resources/uploaded-blueprints/bp1/bp1.tar.gz');
      expect(whole.status).toBe(200);
      expect(sha256(whole.body)).toBe(sha256(archive));
      expect(whole.headers['content-type']).toBe('application/gzip');

      const part = await send(gatewayUrl, '/resources/uploaded-blueprints/bp1/bp1.tar.gz', { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(part.body.equals(archive.subarray(100, 200))).toBe(true);

      const etag = whole.headers.etag;
      expect(etag).toBeDefined();
      const unchanged = await send(gatewayUrl, '/resources/uploaded-blueprints/bp1/bp1.tar.gz', { headers: { 'if-none-match': etag ?? '' } });
      expect(unchanged.status).toBe(304);

      const internal = await send(gatewayUrl, '/_internal/blueprints/bp1', { method: 'DELETE' });
      expect(internal.status).toBe(404);
      expect(internal.json()).toMatchObject({ error_code: 'not_found_error' });
      expect((await send(gatewayUrl, '/resources/uploaded-blueprints/bp1/bp1.tar.gz', { method: 'HEAD' })).status).toBe(200);

      const ready = await send(gatewayUrl, '/ready');
      expect(ready.json()).toMatchObject({ ready: true, checks: { 'rest-service': 'ok', fileserver: 'ok' } });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('on SIGTERM refuses new connections, lets the in-flight request finish, and exits 0', async () => {
    const gateway = startService(GATEWAY_MAIN, { REST_SERVICE_URL: rest.url, FILESERVER_URL: rest.url });
    const [port] = await listening(gateway);
    const url = `http://127.0.0.1:${port}`;

    // A keep-alive client: the response must still tell it to close, since the gateway is leaving.
    const client = new Agent({ keepAlive: true });
    const slow = send(url, '/api/v2.1/slow', { headers: { 'x-request-id': 'in-flight-1' }, agent: client });
    await until(() => rest.requests.some((seen) => seen.url === '/api/v2.1/slow'), 5_000);
    gateway.child.kill('SIGTERM');
    await until(() => gateway.logs.some((line) => line['msg'] === 'shutting down'), 5_000);

    await expect(send(url, '/api/v2.1/status')).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBe('in-flight-1');
    expect(reply.headers.connection).toBe('close');
    client.destroy();
    expect(await gateway.exited).toBe(0);
    expect(gateway.logs.find((line) => line['msg'] === 'shut down')).toMatchObject({ state: 'stopped', failures: [] });
  });

  it('exits 1 naming every bad key when the config is wrong', async () => {
    const gateway = startService(GATEWAY_MAIN, { PORT: 'abc', REST_SERVICE_URL: 'ftp://x', TLS_CERT: 'only-a-cert' });
    expect(await gateway.exited).toBe(1);
    const stderr = gateway.stderr.join('');
    expect(stderr).toMatch(/PORT: must be a whole number/);
    expect(stderr).toMatch(/REST_SERVICE_URL: must be a URL with scheme http/);
    expect(gateway.ports).toEqual([]);
  });

  it('also serves HTTPS when given a certificate and key files, telling upstreams the scheme', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
    try {
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
      const gateway = startService(GATEWAY_MAIN, { REST_SERVICE_URL: rest.url, FILESERVER_URL: rest.url, TLS_PORT: '0', TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      const [, tlsPort] = await listening(gateway, 2);
      const reply = await new Promise<{ status: number; body: string }>((resolveReply, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: tlsPort, path: '/blueprints', rejectUnauthorized: false, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolveReply({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(reply.status).toBe(200);
      expect(jsonObject(reply.body)).toMatchObject({ url: '/api/v1/blueprints', headers: { 'x-forwarded-proto': 'https' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
