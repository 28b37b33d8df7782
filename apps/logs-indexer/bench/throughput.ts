/*
 * Logs indexer benchmark (run: `source deploy/local/env.sh && npx tsx apps/logs-indexer/bench/throughput.ts`).
 *
 * In one run, against the local RabbitMQ and Elasticsearch:
 * 1. raw ceiling: the same N documents, NDJSON serialised beforehand, straight to `_bulk` with the
 *    indexer's batch size and concurrency, until `_count` (after a refresh) shows all N;
 * 2. end to end: N events published to the broker with confirms while the real indexer process
 *    runs, from the first publish until `_count` (after a refresh) shows all N; the ratio to (1);
 * 3. publish → searchable latency at half the end-to-end rate (see latency.ts for the method);
 * 4. the indexer's resident memory: sampled every 250 ms, and the kernel's peak (VmHWM).
 * Everything it creates (queues, indices, templates) has names of its own and is deleted at the end.
 *
 * Env: AMQP_URL, ES_URL; BENCH_EVENTS (default 200000); BENCH_LATENCY_SECONDS (default 30).
 */
import { cpus } from 'node:os';
import { connectAmqp } from '@cfy/amqp';
import { isolationToken } from '@cfy/testing';
import { connect } from 'amqplib';
import { z } from 'zod';
import { loadIndexerConfig } from '../src/config';
import { indexTemplate } from '../src/index-template';
import { IndexInspector } from '../src/testing/elasticsearch';
import { publishMany } from '../src/testing/publish';
import { SpawnedIndexer } from '../src/testing/spawn-indexer';
import { syntheticEvent } from '../src/testing/synthetic';
import { measureLatency } from './latency';
import { CpuAccount, pidsMatching, processCpuSeconds, quantile, residentMemory, RssSampler, waitForCount } from './measure';
import { sendBatches, serialiseBatches } from './raw-bulk';

const env = z
  .object({
    AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
    ES_URL: z.string().default('http://127.0.0.1:9200'),
    BENCH_EVENTS: z.coerce.number().int().min(1_000).default(200_000),
    BENCH_LATENCY_SECONDS: z.coerce.number().int().min(5).default(30),
  })
  .parse(process.env);

const defaults = loadIndexerConfig({});
const token = isolationToken();
const rawPrefix = `bench-${token}-raw-`;
const e2ePrefix = `bench-${token}-e2e-`;
const queues = { events: `bench.${token}.events`, logs: `bench.${token}.logs` };
const N = env.BENCH_EVENTS;
const secondsSince = (start: number) => (performance.now() - start) / 1000;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const inspector = new IndexInspector(env.ES_URL);
  let indexer: SpawnedIndexer | undefined;
  try {
    const node = z
      .object({ nodes: z.record(z.string(), z.object({ jvm: z.object({ mem: z.object({ heap_max_in_bytes: z.number() }) }) })) })
      .parse(await inspector.es.raw.nodes.stats({ metric: 'jvm', filter_path: 'nodes.*.jvm.mem.heap_max_in_bytes' }));
    const heapMiB = Object.values(node.nodes).map((entry) => entry.jvm.mem.heap_max_in_bytes / 1024 / 1024);
    log(`date ${new Date().toISOString()} | ${cpus().length} cores | ES heap ${heapMiB.join(',')} MiB | ${N} events`);
    log(`indexer settings: batch ${defaults.BULK_FLUSH_ITEMS} items, concurrency ${defaults.BULK_CONCURRENCY}, prefetch ${defaults.PREFETCH}, refresh ${defaults.INDEX_REFRESH_INTERVAL}`);
    const at = new Date();
    const sizes = Array.from({ length: 1_000 }, (_, i) => Buffer.byteLength(JSON.stringify(syntheticEvent(token, i, at))));
    log(`event size: min ${Math.min(...sizes)} B, mean ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length)} B, max ${Math.max(...sizes)} B`);

    const esPids = await pidsMatching('org.elasticsearch');
    const brokerPids = await pidsMatching('beam.smp');
    const cpuOf = (pids: readonly number[]) => async () => (await Promise.all(pids.map(processCpuSeconds))).reduce((a, b) => a + b, 0);
    const benchCpu = async () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    };

    // 1. Raw Elasticsearch ceiling.
    await inspector.es.ensureIndexTemplate(indexTemplate(rawPrefix, 'events', defaults.INDEX_REFRESH_INTERVAL));
    const batches = serialiseBatches(N, (i) => syntheticEvent(`raw-${token}`, i, at), rawPrefix, defaults.BULK_FLUSH_ITEMS);
    const rawCpu = new CpuAccount({ elasticsearch: cpuOf(esPids), 'this process': benchCpu });
    await rawCpu.start();
    const rawStart = performance.now();
    await sendBatches(env.ES_URL, batches, defaults.BULK_CONCURRENCY);
    const rawBulkSeconds = secondsSince(rawStart);
    const rawSearchable = await waitForCount(inspector, `${rawPrefix}cloudify-events-*`, N, 600_000);
    const rawSeconds = (rawSearchable - rawStart) / 1000;
    const rawRate = N / rawSeconds;
    log(`raw _bulk: ${N} docs searchable in ${rawSeconds.toFixed(1)} s = ${Math.round(rawRate)} docs/s (bulk responses after ${rawBulkSeconds.toFixed(1)} s)`);
    log(`  CPU: ${describeCpu(await rawCpu.stop(), N)}`);

    // 2. End to end through the broker and the real indexer process.
    indexer = await SpawnedIndexer.start({
      AMQP_URL: env.AMQP_URL,
      ES_URL: env.ES_URL,
      EVENTS_QUEUE: queues.events,
      LOGS_QUEUE: queues.logs,
      INDEX_PREFIX: e2ePrefix,
    });
    await indexer.waitUntilReady();
    const idleRss = await residentMemory(indexer.pid);
    const amqp = await connectAmqp({ url: env.AMQP_URL });
    await amqp.waitUntilReady(10_000);
    const publisher = amqp.createPublisher();
    const sampler = new RssSampler(indexer.pid);
    const e2eCpu = new CpuAccount({
      indexer: cpuOf([indexer.pid]),
      elasticsearch: cpuOf(esPids),
      rabbitmq: cpuOf(brokerPids),
      'publisher (this process)': benchCpu,
    });
    await e2eCpu.start();
    const e2eStart = performance.now();
    await publishMany(publisher, N, (i) => ({ queue: queues.events, body: syntheticEvent(token, i, at) }), { window: 5_000 });
    const publishSeconds = secondsSince(e2eStart);
    const e2eSearchable = await waitForCount(inspector, `${e2ePrefix}cloudify-events-*`, N, 600_000);
    const e2eSeconds = (e2eSearchable - e2eStart) / 1000;
    const e2eRate = N / e2eSeconds;
    const loadRssMiB = await sampler.stop();
    log(`end to end: ${N} events searchable in ${e2eSeconds.toFixed(1)} s = ${Math.round(e2eRate)} events/s (all published and confirmed after ${publishSeconds.toFixed(1)} s)`);
    log(`  CPU: ${describeCpu(await e2eCpu.stop(), N)}`);
    log(`ratio end-to-end / raw _bulk: ${((e2eRate / rawRate) * 100).toFixed(1)} %`);
    const duplicates = await inspector.duplicated(`${e2ePrefix}cloudify-events-*`, 'context.task_id');
    log(`duplicates: ${duplicates.length}`);

    // 3. Latency at half the measured end-to-end rate.
    const rate = Math.round(e2eRate / 2);
    const latencySampler = new RssSampler(indexer.pid);
    const latency = await measureLatency({
      publisher,
      es: inspector.es,
      queue: queues.events,
      indexPattern: `${e2ePrefix}cloudify-events-*`,
      runId: `lat-${token}`,
      ratePerSecond: rate,
      durationMs: env.BENCH_LATENCY_SECONDS * 1000,
    });
    const latencyRssMiB = await latencySampler.stop();
    const ms = (q: number) => Math.round(quantile(latency.latenciesMs, q));
    log(
      `latency at ${rate} events/s (achieved ${Math.round(latency.achievedRate)}/s) for ${env.BENCH_LATENCY_SECONDS} s: ` +
        `${latency.found}/${latency.samples} samples, p50 ${ms(0.5)} ms, p90 ${ms(0.9)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms`,
    );

    // 4. Memory.
    const peak = await residentMemory(indexer.pid);
    log(
      `indexer RSS: idle ${idleRss.currentMiB.toFixed(0)} MiB, max sampled under full load ${loadRssMiB.toFixed(0)} MiB, ` +
        `at half rate ${latencyRssMiB.toFixed(0)} MiB, kernel peak (VmHWM) ${peak.peakMiB.toFixed(0)} MiB`,
    );
    await publisher.close();
    await amqp.close();
    indexer.kill('SIGTERM');
    const exit = await indexer.exited;
    log(`indexer exit on SIGTERM: code ${exit.code}`);
  } finally {
    await indexer?.dispose();
    await cleanUp(inspector);
    await inspector.close();
  }
}

/** `name 12.3 s (61 µs/event), …, machine 85 % busy` */
function describeCpu(seconds: Record<string, number>, events: number): string {
  const { 'machine busy': busy = 0, 'machine total': total = 1, ...groups } = seconds;
  const parts = Object.entries(groups).map(([name, value]) => `${name} ${value.toFixed(1)} s (${Math.round((value / events) * 1e6)} µs/event)`);
  return `${parts.join(', ')}; machine ${Math.round((busy / total) * 100)} % busy (all cores, everything running)`;
}

async function cleanUp(inspector: IndexInspector): Promise<void> {
  for (const index of await inspector.indices(`bench-${token}-*`).catch(() => [])) await inspector.es.raw.indices.delete({ index });
  for (const prefix of [rawPrefix, e2ePrefix]) {
    for (const kind of ['events', 'logs']) await inspector.es.raw.indices.deleteIndexTemplate({ name: `${prefix}cloudify-${kind}` }).catch(() => undefined);
  }
  const broker = await connect(env.AMQP_URL);
  broker.on('error', () => undefined);
  for (const queue of [queues.events, queues.logs, `${queues.events}.dlq`, `${queues.logs}.dlq`]) {
    const channel = await broker.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
  await broker.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
