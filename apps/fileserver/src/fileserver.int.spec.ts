import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as createTar } from 'tar';
import { hasCli } from './test-support/archives';

// Runs the real service (src/main.ts) as its own process, the way tools/manager.sh does.
const MAIN = join(__dirname, 'main.ts');
const MIB = 1024 * 1024;
const TOKEN = 'integration-token';

interface Service {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
  readonly waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

function startService(env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners: Array<() => void> = [];
  const collect = (chunk: Buffer): void => {
    out += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${out}`)), 30_000);
      const check = (): void => {
        const match = pattern.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      listeners.push(check);
      check();
    });
  return { child, output: () => out, exit, waitFor };
}

/** Peak and current resident memory of a process, in MiB (Linux /proc). */
async function memoryOf(pid: number): Promise<{ peakMiB: number; currentMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { peakMiB: kib('VmHWM') / 1024, currentMiB: kib('VmRSS') / 1024 };
}

/** Streams a file as a request body (never held in memory) and returns status and JSON body. */
function putFile(port: number, path: string, file: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path, headers: { 'x-cfy-internal-token': TOKEN } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    createReadStream(file).on('error', reject).pipe(req);
  });
}

function extract(base: string, id: string, archive: string): Promise<Response> {
  return fetch(`${base}/_internal/blueprints/${id}/extract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cfy-internal-token': TOKEN },
    body: JSON.stringify({ archive }),
  });
}

/** A writable that bzip2-compresses into `target` through the bzip2 CLI (Node has no encoder). */
function spawnBzip2(target: string): Writable {
  const bzip2 = spawn('sh', ['-c', 'exec bzip2 -9 > "$0"', target], { stdio: ['pipe', 'ignore', 'inherit'] });
  const input = bzip2.stdin;
  if (input === null) throw new Error('bzip2 has no stdin');
  return input;
}

async function sha256OfStream(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

describe('fileserver process', () => {
  let work: string;
  let service: Service | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-fileserver-int-'));
  });
  afterEach(async () => {
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exit;
    }
    service = undefined;
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('stores, extracts and serves a 50 MB blueprint archive while streaming, then stops cleanly on SIGTERM', async () => {
    // A 50 MB tar.gz of incompressible data, built on disk.
    const source = join(work, 'src');
    await mkdir(join(source, 'big-bp'), { recursive: true });
    await writeFile(join(source, 'big-bp', 'blueprint.yaml'), 'tosca_definitions_version: cloudify_dsl_1_3\n');
    const payload = join(source, 'big-bp', 'payload.bin');
    await pipeline(
      (async function* () {
        for (let i = 0; i < 50; i += 1) yield randomBytes(MIB);
      })(),
      createWriteStream(payload),
    );
    const archive = join(work, 'big.tar.gz');
    await pipeline(createTar({ gzip: true, cwd: source, portable: true }, ['big-bp']), createWriteStream(archive));
    const archiveBytes = (await stat(archive)).size;
    const payloadHash = await sha256OfStream(createReadStream(payload));

    service = startService({ RESOURCES_ROOT: join(work, 'resources'), PORT: '0', HOST: '127.0.0.1', INTERNAL_TOKEN: TOKEN, LOG_LEVEL: 'info' });
    const port = Number((await service.waitFor(/"port":(\d+),"msg":"listening"/))[1]);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { 'resources root': 'ok' } });
    const pid = service.child.pid ?? 0;
    const before = await memoryOf(pid);

    const uploadStarted = performance.now();
    const stored = await putFile(port, '/_internal/uploaded-blueprints/big/big.tar.gz', archive);
    const uploadMs = performance.now() - uploadStarted;
    expect(stored).toEqual({ status: 201, body: { path: 'uploaded-blueprints/big/big.tar.gz', size: archiveBytes } });

    const extractStarted = performance.now();
    const extracted = await extract(base, 'big', 'big.tar.gz');
    const extractMs = performance.now() - extractStarted;
    expect(extracted.status).toBe(201);
    expect(await extracted.json()).toMatchObject({ mainFile: 'blueprints/big/blueprint.yaml', files: [{ path: 'blueprint.yaml' }, { path: 'payload.bin', size: 50 * MIB }] });

    const served = await fetch(`${base}/resources/blueprints/big/payload.bin`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-length')).toBe(String(50 * MIB));
    expect(await sha256OfStream(served.body as unknown as AsyncIterable<Uint8Array>)).toBe(payloadHash);
    const tail = await fetch(`${base}/resources/blueprints/big/payload.bin`, { headers: { range: 'bytes=-16' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual((await readFile(payload)).subarray(-16));

    const after = await memoryOf(pid);
    // Figures for the report; the bound proves nothing was buffered whole (the archive is 50 MB).
    console.info(
      `50 MB archive (${(archiveBytes / MIB).toFixed(1)} MiB): upload ${uploadMs.toFixed(0)} ms, extract ${extractMs.toFixed(0)} ms; ` +
        `server RSS ${before.currentMiB.toFixed(0)} MiB before, peak ${after.peakMiB.toFixed(0)} MiB`,
    );
    expect(after.peakMiB - before.currentMiB).toBeLessThan(64);

    expect((await fetch(`${base}/_internal/blueprints/big`, { method: 'DELETE', headers: { 'x-cfy-internal-token': TOKEN } })).status).toBe(204);
    expect((await fetch(`${base}/_internal/blueprints/big`, { method: 'DELETE' })).status).toBe(401);

    service.child.kill('SIGTERM');
    expect(await service.exit).toBe(0);
    expect(service.output()).toContain('"msg":"shut down"');
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  (hasCli('bzip2') ? it : it.skip)('extracts a tar.bz2 on a worker thread while the server keeps answering promptly', async () => {
    // Random data: the pure-JavaScript decoder spends ~0.3 s on each 900 kB block, which used to
    // hold the event loop for that long.
    const source = join(work, 'bz-src');
    await mkdir(join(source, 'bz-bp'), { recursive: true });
    await writeFile(join(source, 'bz-bp', 'blueprint.yaml'), 'tosca_definitions_version: cloudify_dsl_1_3\n');
    const payload = randomBytes(4 * MIB);
    await writeFile(join(source, 'bz-bp', 'payload.bin'), payload);
    const archive = join(work, 'bp.tar.bz2');
    await pipeline(createTar({ cwd: source, portable: true }, ['bz-bp']), spawnBzip2(archive));

    service = startService({ RESOURCES_ROOT: join(work, 'resources-bz2'), PORT: '0', HOST: '127.0.0.1', INTERNAL_TOKEN: TOKEN });
    const port = Number((await service.waitFor(/"port":(\d+),"msg":"listening"/))[1]);
    const base = `http://127.0.0.1:${port}`;
    expect((await putFile(port, '/_internal/uploaded-blueprints/bz/bz.tar.bz2', archive)).status).toBe(201);

    let extracting = true;
    const latencies: number[] = [];
    const probing = (async () => {
      while (extracting) {
        const started = performance.now();
        expect((await fetch(`${base}/health`)).status).toBe(200);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const extractStarted = performance.now();
    const extracted = await extract(base, 'bz', 'bz.tar.bz2');
    const extractMs = performance.now() - extractStarted;
    extracting = false;
    await probing;

    expect(extracted.status).toBe(201);
    expect(await extracted.json()).toMatchObject({ format: 'tar.bz2', files: [{ path: 'blueprint.yaml' }, { path: 'payload.bin', size: 4 * MIB }] });
    const served = await fetch(`${base}/resources/blueprints/bz/payload.bin`);
    expect(Buffer.from(await served.arrayBuffer()).equals(payload)).toBe(true);
    const slowest = Math.max(...latencies);
    console.info(`4 MiB tar.bz2: extract ${extractMs.toFixed(0)} ms; /health during it: ${latencies.length} probes, slowest ${slowest.toFixed(0)} ms`);
    expect(latencies.length).toBeGreaterThan(3);
    expect(slowest).toBeLessThan(250);
  });

  it('exits non-zero at start, naming every bad config key', async () => {
    service = startService({ PORT: 'abc', RESOURCES_ROOT: 'relative/path', MAX_ARCHIVE_ENTRIES: '0' });
    expect(await service.exit).not.toBe(0);
    for (const key of ['PORT', 'RESOURCES_ROOT', 'MAX_ARCHIVE_ENTRIES']) expect(service.output()).toContain(`${key}:`);
  });
});
