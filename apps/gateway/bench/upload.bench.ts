// Upload (and download) throughput through the gateway versus straight to the upstream, in one run.
//
//   npx tsx apps/gateway/bench/upload.bench.ts [--size-mb 50] [--runs 5]
//
// The upstream is the real file server (apps/fileserver/src/main.ts, started as a child process with
// a temporary resources root). Only if that app is missing does the benchmark fall back to a sink
// server that hashes and counts bytes. The client is curl, so the JavaScript under test is only the
// gateway (in this process) and the upstream (in its own process). Each size is uploaded `runs`
// times each way, alternating which way goes first; medians are reported, and every upload's hash
// is checked.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle } from '@cfy/runtime';
import { createGatewayApp } from '../src/app';
import { InFlightRequests } from '../src/in-flight';
import { type GatewayRoute, cloudifyRoutes, underPrefix } from '../src/routes';
import { createUpstream } from '../src/upstream';

const run = promisify(execFile);
const REPO_ROOT = resolve(__dirname, '../../..');
const FILESERVER_MAIN = join(REPO_ROOT, 'apps/fileserver/src/main.ts');
const MB = 1024 * 1024;

interface Target {
  readonly kind: 'fileserver' | 'sink';
  readonly url: string;
  /** Path to PUT the upload to, on the upstream and (through the bench route) on the gateway. */
  uploadPath(id: string): string;
  /** Checks what the upstream stored or saw for one upload; returns its sha256. */
  storedHash(gatewayUrl: string, id: string, uploadResponse: string): Promise<string>;
  /** Path of a file to download (fileserver only). */
  downloadPath?(id: string): string;
  stop(): Promise<void>;
}


async function main(): Promise<void> {
  const sizeMb = numberArg('--size-mb', 50);
  const runs = numberArg('--runs', 5);
  await run('curl', ['--version']).catch(() => {
    throw new Error('this benchmark drives uploads with curl, which is not installed');
  });

  const work = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  const stops: Array<() => Promise<void>> = [() => rm(work, { recursive: true, force: true })];
  try {
    const payload = join(work, 'payload.bin');
    await writeFile(payload, randomBytes(sizeMb * MB));
    const expected = await hashFile(payload);

    const target = existsSync(FILESERVER_MAIN) ? await startFileserver(join(work, 'resources')) : await startSink();
    stops.unshift(() => target.stop());
    const gateway = await startGateway(target.url);
    stops.unshift(() => gateway.stop());
    console.log(`upstream: ${target.kind === 'fileserver' ? 'real fileserver app (child process)' : 'hashing sink (fileserver app missing)'}`);
    console.log(`payload: ${sizeMb} MB random bytes, ${runs} runs each way, client: curl\n`);

    const direct: number[] = [];
    const proxied: number[] = [];
    const gatewayCpuMs: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const order = i % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
      for (const way of order) {
        const base = way === 'direct' ? target.url : gateway.url;
        const id = `bench-${way}-${i}`;
        // While curl runs, this process does nothing but the gateway's work: its CPU time is the
        // gateway's cost, a figure that does not depend on how busy the machine is.
        const cpuBefore = process.cpuUsage();
        const result = await curl(['-T', payload, '-H', 'Expect:', '-H', 'content-type: application/octet-stream', `${base}${target.uploadPath(id)}`]);
        const cpu = process.cpuUsage(cpuBefore);
        if (result.status < 200 || result.status > 299) throw new Error(`${way} upload ${i} answered ${result.status}: ${result.body}`);
        const stored = await target.storedHash(gateway.url, id, result.body);
        if (stored !== expected) throw new Error(`${way} upload ${i} arrived corrupted (sha256 ${stored}, expected ${expected})`);
        (way === 'direct' ? direct : proxied).push(result.bytes / MB / result.seconds);
        if (way === 'gateway') gatewayCpuMs.push((cpu.user + cpu.system) / 1000);
      }
    }
    report('upload', direct, proxied);
    const cpuMs = median(gatewayCpuMs);
    console.log(`  gateway CPU  median ${cpuMs.toFixed(0)} ms per ${sizeMb} MB upload (${((sizeMb / cpuMs) * 1000).toFixed(0)} MB per CPU-second)\n`);

    const downloadPath = target.downloadPath?.bind(target);
    if (downloadPath) {
      const down: number[] = [];
      const downProxied: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        for (const way of i % 2 === 0 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const)) {
          const result = await curl(['-o', '/dev/null', `${way === 'direct' ? target.url : gateway.url}${downloadPath('bench-direct-0')}`], 'download');
          if (result.status !== 200 || result.bytes !== sizeMb * MB) throw new Error(`${way} download ${i}: status ${result.status}, ${result.bytes} bytes`);
          (way === 'direct' ? down : downProxied).push(result.bytes / MB / result.seconds);
        }
      }
      report('download', down, downProxied);
      console.log('');
    }
  } finally {
    for (const stop of stops) await stop();
  }
}

function report(label: string, direct: number[], proxied: number[]): void {
  const [d, p] = [median(direct), median(proxied)];
  console.log(`${label}:`);
  console.log(`  direct   median ${d.toFixed(1)} MB/s   runs: ${direct.map((v) => v.toFixed(0)).join(', ')}`);
  console.log(`  gateway  median ${p.toFixed(1)} MB/s   runs: ${proxied.map((v) => v.toFixed(0)).join(', ')}`);
  console.log(`  ratio    ${((p / d) * 100).toFixed(1)} % of direct (target >= 80 %)`);
}

interface CurlResult {
  readonly status: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly body: string;
}

async function curl(args: string[], direction: 'upload' | 'download' = 'upload'): Promise<CurlResult> {
  const sizeVar = direction === 'upload' ? '%{size_upload}' : '%{size_download}';
  const { stdout } = await run('curl', ['-sS', ...args, '-w', `\n%{http_code} ${sizeVar} %{time_total}`], { maxBuffer: 4 * MB });
  const lines = stdout.trimEnd().split('\n');
  const [status, bytes, seconds] = (lines.pop() ?? '').split(' ').map(Number);
  return { status: status ?? 0, bytes: bytes ?? 0, seconds: seconds ?? Number.NaN, body: lines.join('\n') };
}

/** The real file server, as its own process, on a free port and a fresh resources root. */
async function startFileserver(root: string): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', FILESERVER_MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RESOURCES_ROOT: root, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await portFromLogs(child);
  return {
    kind: 'fileserver',
    url: `http://127.0.0.1:${port}`,
    uploadPath: (id) => `/_internal/uploaded-blueprints/${id}/payload.bin`,
    downloadPath: (id) => `/resources/uploaded-blueprints/${id}/payload.bin`,
    // Read back through the gateway's public route: checks the bytes on disk, not just a count.
    storedHash: async (gatewayUrl, id) => {
      const response = await fetch(`${gatewayUrl}/resources/uploaded-blueprints/${id}/payload.bin`);
      if (!response.ok) throw new Error(`reading ${id} back answered ${response.status}`);
      return createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
    },
    stop: () => stopChild(child),
  };
}

function portFromLogs(child: ChildProcess): Promise<number> {
  return new Promise((resolvePort, reject) => {
    if (!child.stdout) throw new Error('child has no stdout');
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error('the file server did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the file server exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const fields = jsonObject(line);
      if (fields?.['msg'] !== 'listening' || typeof fields['port'] !== 'number') return;
      clearTimeout(timer);
      resolvePort(fields['port']);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once('exit', () => resolveStop());
    child.kill('SIGTERM');
  });
}

/** Fallback upstream: answers each upload with the byte count and sha256 of what it received. */
async function startSink(): Promise<Target> {
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    kind: 'sink',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploadPath: (id) => `/_internal/uploaded-blueprints/${id}/payload.bin`,
    storedHash: (_gatewayUrl, _id, body) => {
      const hash = jsonObject(body)?.['sha256'];
      return typeof hash === 'string' ? Promise.resolve(hash) : Promise.reject(new Error(`unexpected sink reply: ${body}`));
    },
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * The gateway app in this process. Its production routes never expose `/_internal/**`; the
 * benchmark appends one route for it (the table is the extension point) so uploads can land in
 * the real file server, whose only upload endpoint lives there.
 */
async function startGateway(upstreamUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const lifecycle = new ServiceLifecycle(silentLogger);
  const fileserver = createUpstream('fileserver', upstreamUrl);
  const restService = createUpstream('rest-service', upstreamUrl);
  const benchRoute: GatewayRoute = { upstream: fileserver, resolve: (url) => (underPrefix(url, '/_internal') ? url : undefined) };
  const app = createGatewayApp({
    logger: silentLogger,
    lifecycle,
    readiness: new Readiness(),
    routes: [...cloudifyRoutes({ restService, fileserver }), benchRoute],
    inFlight: new InFlightRequests(),
    upstreamTimeoutMs: 60_000,
    readyProbeTimeoutMs: 1_000,
  });
  const server = createServer(app);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  lifecycle.markRunning();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      fileserver.agent.destroy();
      restService.agent.destroy();
    },
  };
}

/** The fields of a JSON object, or undefined for anything else (log lines may be plain text). */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
