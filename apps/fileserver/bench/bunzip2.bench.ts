/**
 * Event-loop blocking and throughput of tar.bz2 extraction, plus the bzip2 bomb.
 * Run: npx tsx apps/fileserver/bench/bunzip2.bench.ts   (needs the tar and bzip2 CLIs)
 * Archives are built once under $TMPDIR/cfy-bench-bunzip2 and reused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { extractArchive } from '../src/archive/extract';
import { tarBytes } from '../src/test-support/archives';

const MIB = 1024 * 1024;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 2);
const LIMITS = { maxExtractedBytes: 1024 * MIB, maxEntries: 10_000, maxCompressionRatio: 200 };
const WORK = join(tmpdir(), 'cfy-bench-bunzip2');

/** ~20 MB of bzip2: random binary, base64 text and log-like text, as blueprints carry. */
async function buildArchive(path: string): Promise<void> {
  const source = await mkdtemp(join(WORK, 'src-'));
  const top = join(source, 'bench-bp');
  await mkdir(join(top, 'logs'), { recursive: true });
  await writeFile(join(top, 'blueprint.yaml'), 'tosca_definitions_version: cloudify_dsl_1_3\n');
  await writeFile(join(top, 'random.bin'), randomBytes(6 * MIB));
  await writeFile(join(top, 'base64.txt'), randomBytes(9 * MIB).toString('base64'));
  await pipeline(
    (function* () {
      for (let line = 0; line < 300_000; line += 1) {
        yield `2024-01-01T00:00:${String(line % 60).padStart(2, '0')}Z INFO node_${line % 97} op=${randomBytes(4).toString('hex')} took ${line % 1000} ms\n`;
      }
    })(),
    createWriteStream(join(top, 'logs', 'app.log')),
  );
  execFileSync('sh', ['-c', `tar -cf - -C '${source}' bench-bp | bzip2 -9 > '${path}'`]);
  await rm(source, { recursive: true, force: true });
}

/** A tar holding 200 MiB of zeros, bzip2'd to a few hundred bytes; streamed, never held whole. */
async function buildBomb(path: string): Promise<void> {
  const bzip2 = spawn('bzip2', ['-9', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const written = pipeline(bzip2.stdout, createWriteStream(path));
  const header = tarBytes([{ name: 'bomb/', type: 'Directory' }, { name: 'bomb/zeros.bin', declaredSize: 200 * MIB }], { terminate: false });
  await pipeline(
    (function* () {
      yield header;
      for (let i = 0; i < 200; i += 1) yield Buffer.alloc(MIB);
    })(),
    bzip2.stdin,
  );
  await Promise.all([written, once(bzip2, 'exit')]);
}

interface Measured {
  readonly ms: number;
  /** CPU time of the whole process (every thread), less sensitive than wall time to a busy machine. */
  readonly cpuMs: number;
  readonly maxDelayMs: number;
  readonly p99DelayMs: number;
  readonly maxRssMiB: number;
  readonly outcome: string;
  readonly bytes: number;
}

async function measure(archive: string): Promise<Measured> {
  const target = await mkdtemp(join(WORK, 'out-'));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let outcome = 'extracted';
  let bytes = 0;
  try {
    bytes = (await extractArchive(archive, target, LIMITS)).bytes;
  } catch (error) {
    outcome = `refused: ${error instanceof Error ? error.message : String(error)}`;
  }
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  delay.disable();
  await rm(target, { recursive: true, force: true });
  return { ms, cpuMs: (user + system) / 1000, maxDelayMs: delay.max / 1e6, p99DelayMs: delay.percentile(99) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024, outcome, bytes };
}

async function main(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const archive = join(WORK, 'bench.tar.bz2');
  const bomb = join(WORK, 'bomb.tar.bz2');
  if (!existsSync(archive)) await buildArchive(archive);
  if (!existsSync(bomb)) await buildBomb(bomb);
  const archiveBytes = (await stat(archive)).size;

  // The bomb first, so the peak RSS it reaches is not hidden by the larger extraction's.
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  const refused = await measure(bomb);
  console.log(
    `bomb (${(await stat(bomb)).size} bytes → 200 MiB): ${refused.outcome} after ${refused.ms.toFixed(0)} ms; ` +
      `peak RSS +${(refused.maxRssMiB - rssBefore).toFixed(1)} MiB; event-loop max delay ${refused.maxDelayMs.toFixed(1)} ms`,
  );

  for (let run = 1; run <= RUNS; run += 1) {
    const result = await measure(archive);
    console.log(
      `run ${run}: ${(archiveBytes / MIB).toFixed(1)} MiB tar.bz2 → ${(result.bytes / MIB).toFixed(1)} MiB in ${(result.ms / 1000).toFixed(2)} s ` +
        `(CPU ${(result.cpuMs / 1000).toFixed(2)} s) ` +
        `(${(archiveBytes / MIB / (result.ms / 1000)).toFixed(2)} MiB/s compressed, ${(result.bytes / MIB / (result.ms / 1000)).toFixed(2)} MiB/s decompressed); ` +
        `event-loop delay max ${result.maxDelayMs.toFixed(0)} ms, p99 ${result.p99DelayMs.toFixed(0)} ms; peak RSS ${result.maxRssMiB.toFixed(0)} MiB; ${result.outcome}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
