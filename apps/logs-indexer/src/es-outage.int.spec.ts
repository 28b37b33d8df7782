import { setTimeout as sleep } from 'node:timers/promises';
import { connectAmqp, type AmqpConnection } from '@cfy/amqp';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { BrokerProbe } from './testing/broker';
import { IndexInspector } from './testing/elasticsearch';
import { publishMany } from './testing/publish';
import { SpawnedIndexer } from './testing/spawn-indexer';
import { syntheticEvent } from './testing/synthetic';
import { TcpProxy } from './testing/tcp-proxy';

/*
 * Elasticsearch away for 20 s in the middle of a steady stream. The Elasticsearch node is shared
 * with colleagues' tests running now, so it is not stopped: the indexer reaches it through a TCP
 * proxy this test cuts (open connections reset, new ones refused) and restores. For the indexer
 * that is an outage like any other; for everyone else nothing happens. Counts are read from
 * Elasticsearch directly, never through the proxy.
 */
describe('logs indexer process: Elasticsearch outage', () => {
  let indexer: SpawnedIndexer | undefined;
  // Declared before the fixtures: jest runs afterAll hooks in declaration order, and the indexer
  // must be stopped before its queues and indices are deleted.
  afterAll(() => indexer?.dispose());
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  let broker: BrokerProbe;
  let inspector: IndexInspector;
  let amqp: AmqpConnection;
  let proxy: TcpProxy;

  beforeAll(async () => {
    broker = await BrokerProbe.open(rabbit.url);
    inspector = new IndexInspector(es.url);
    amqp = await connectAmqp({ url: rabbit.url });
    await amqp.waitUntilReady(10_000);
    proxy = await TcpProxy.start(es.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await amqp?.close();
    await broker?.close();
    await inspector?.close();
  });

  it('holds the stream while Elasticsearch is away for 20 s, loses nothing, and never exits', async () => {
    const total = 20_000;
    const prefetch = 1_000;
    const streamMs = 30_000;
    const queues = { events: rabbit.name('outage.events'), logs: rabbit.name('outage.logs') };
    rabbit.name('outage.events.dlq');
    rabbit.name('outage.logs.dlq');
    const pattern = `${es.prefix}cloudify-events-*`;
    indexer = await SpawnedIndexer.start({
      AMQP_URL: rabbit.url,
      ES_URL: proxy.url,
      EVENTS_QUEUE: queues.events,
      LOGS_QUEUE: queues.logs,
      INDEX_PREFIX: es.prefix,
      PREFETCH: String(prefetch),
      ES_RETRY_MAX_DELAY_MS: '1000',
      ES_REQUEST_TIMEOUT_MS: '5000',
    });
    await indexer.waitUntilReady();
    const running = indexer;

    const publisher = amqp.createPublisher();
    const started = Date.now();
    // A steady stream: publish i leaves at started + i * streamMs / total.
    const streaming = publishMany(publisher, total, (i) => ({ queue: queues.events, body: syntheticEvent(rabbit.token, i) }), {
      window: 500,
      pace: async (i) => {
        const due = started + (i * streamMs) / total - Date.now();
        if (due > 0) await sleep(due);
      },
    });

    await sleep(5_000);
    await proxy.cut();
    const cutAt = Date.now();
    await sleep(3_000);
    const storedAtCut = await inspector.count(pattern);
    expect(storedAtCut).toBeGreaterThan(0);
    expect(await running.readyStatus()).toBe(503);
    // Meanwhile: nothing more stored, at most `prefetch` messages held, the rest waits in the queue.
    const samples: Array<{ held: number; queued: number }> = [];
    while (Date.now() - cutAt < 19_000) {
      const stats = await running.stats();
      samples.push({ held: stats.streams.events.in_flight ?? -1, queued: await broker.ready(queues.events) });
      await sleep(1_000);
    }
    expect(await inspector.count(pattern)).toBe(storedAtCut);
    expect(Math.max(...samples.map((sample) => sample.held))).toBeLessThanOrEqual(prefetch);
    expect(samples.at(-1)?.queued).toBeGreaterThan(samples[0]?.queued ?? Infinity);
    expect(running.exitStatus).toBeUndefined();
    await sleep(cutAt + 20_000 - Date.now());
    await proxy.restore();

    await streaming;
    await publisher.close();
    await waitFor(async () => ((await inspector.count(pattern)) === total ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'all 20,000 events searchable',
    });
    expect(await inspector.duplicated(pattern, 'context.task_id')).toEqual([]);
    expect(running.exitStatus).toBeUndefined();
    expect(await running.readyStatus()).toBe(200);
    const stats = await running.stats();
    expect(stats.streams.events).toMatchObject({ indexed: total, rejected: 0, dead_lettered: 0 });
    expect(stats.bulk.dropped).toBe(0);
  }, 240_000);
});
