// Memory of the rest-service across 1,000 blueprint uploads through the real stack.
//
//   source deploy/local/env.sh
//   npx tsx --expose-gc apps/rest-service/bench/upload-rss.ts [uploads=1000] [warmup=100]
//
// The rest-service runs in this process (composed exactly as main.ts does); the fileserver is its
// own process over a temporary resources root; Elasticsearch is ES_URL with an index prefix of this
// run's own, removed at the end. Uploads are sequential, over a keep-alive connection. RSS and heap
// are sampled after the warm-up and every 100 uploads; with --expose-gc a full GC runs before each
// sample, so the figures show retained memory rather than garbage not yet collected.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sampleBlueprintTarGz } from '../src/testing/archives';
import { startFileserver, startRestService } from '../src/testing/stack';

const total = Number(process.argv[2] ?? 1000);
const warmup = Number(process.argv[3] ?? 100);
const esUrl = process.env['ES_URL'] ?? 'http://127.0.0.1:9200';
const prefix = `bench-${randomBytes(4).toString('hex')}-`;
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  readonly uploads: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
}

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function sample(uploads: number): Sample {
  gc?.();
  const memory = process.memoryUsage();
  return { uploads, rssMiB: mib(memory.rss), heapUsedMiB: mib(memory.heapUsed) };
}

function upload(url: URL, agent: Agent, id: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: `/api/v2.1/blueprints/${id}`, method: 'PUT', agent, headers: { 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'rest-bench-resources-'));
  const fileserver = await startFileserver(root, { MAX_ARCHIVE_ENTRIES: '10000', MAX_EXTRACTED_BYTES: String(1024 * 1024 * 1024) });
  const rest = await startRestService({ ES_URL: esUrl, ES_INDEX_PREFIX: prefix, FILESERVER_URL: fileserver.url, LOG_LEVEL: 'warn' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(rest.url);
  const archive = sampleBlueprintTarGz();
  const samples: Sample[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  try {
    for (let index = 1; index <= total; index += 1) {
      const begin = performance.now();
      const status = await upload(url, agent, `bench-${index}`, archive);
      latencies.push(performance.now() - begin);
      if (status !== 201) throw new Error(`upload ${index} answered ${status}`);
      if (index === warmup || (index > warmup && index % 100 === 0) || index === total) samples.push(sample(index));
    }
  } finally {
    agent.destroy();
    await rest.stop();
    await fileserver.stop();
    await rm(root, { recursive: true, force: true });
    await fetch(`${esUrl}/${prefix}*`, { method: 'DELETE' });
    await fetch(`${esUrl}/_index_template/${prefix}*`, { method: 'DELETE' });
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const base = samples[0];
  const last = samples[samples.length - 1];
  const growth = base && last ? Math.round(((last.rssMiB - base.rssMiB) / base.rssMiB) * 1000) / 10 : Number.NaN;
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        forcedGc: gc !== undefined,
        uploads: total,
        warmup,
        archiveBytes: archive.length,
        seconds: Math.round(seconds * 10) / 10,
        uploadsPerSecond: Math.round((total / seconds) * 10) / 10,
        latencyMs: { p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted[sorted.length - 1] ?? 0) },
        samples,
        rssGrowthAfterWarmupPercent: growth,
      },
      null,
      2,
    ),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
