import { connectAmqp, type AmqpConnection } from '@cfy/amqp';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { BrokerProbe } from './testing/broker';
import { IndexInspector } from './testing/elasticsearch';
import { publishMany } from './testing/publish';
import { SpawnedIndexer } from './testing/spawn-indexer';
import { syntheticEvent } from './testing/synthetic';
import { TcpProxy } from './testing/tcp-proxy';

/*
 * The real service process: SIGTERM with messages in flight, and a bad configuration.
 *
 * To have messages certainly in flight when the signal arrives (not merely probably, racing the
 * 1 s flush timer), Elasticsearch is taken away from the indexer first through a TCP proxy: the
 * handlers then hold their messages, retrying. It comes back just after SIGTERM, and the shutdown
 * must still store and acknowledge every one of them before exiting 0. The shared Elasticsearch
 * node itself is never stopped.
 */
describe('logs indexer process: shutdown', () => {
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  let broker: BrokerProbe;
  let inspector: IndexInspector;
  let amqp: AmqpConnection;
  let proxy: TcpProxy;
  let indexer: SpawnedIndexer | undefined;

  beforeAll(async () => {
    broker = await BrokerProbe.open(rabbit.url);
    inspector = new IndexInspector(es.url);
    amqp = await connectAmqp({ url: rabbit.url });
    await amqp.waitUntilReady(10_000);
    proxy = await TcpProxy.start(es.url);
  });

  afterEach(async () => {
    await indexer?.dispose();
  });

  afterAll(async () => {
    await proxy?.close();
    await amqp?.close();
    await broker?.close();
    await inspector?.close();
  });

  it('on SIGTERM stores and acknowledges the messages in flight, then exits 0', async () => {
    const total = 2_000;
    const queues = { events: rabbit.name('term.events'), logs: rabbit.name('term.logs') };
    rabbit.name('term.events.dlq');
    rabbit.name('term.logs.dlq');
    indexer = await SpawnedIndexer.start({
      AMQP_URL: rabbit.url,
      ES_URL: proxy.url,
      EVENTS_QUEUE: queues.events,
      LOGS_QUEUE: queues.logs,
      INDEX_PREFIX: es.prefix,
      // Room for every message at once, so all of them are held when the signal comes.
      PREFETCH: String(total + 500),
      ES_RETRY_MAX_DELAY_MS: '200',
      ES_REQUEST_TIMEOUT_MS: '2000',
    });
    await indexer.waitUntilReady();
    await proxy.cut();

    const publisher = amqp.createPublisher();
    await publishMany(publisher, total, (i) => ({ queue: queues.events, body: syntheticEvent(rabbit.token, i) }));
    await waitFor(async () => ((await indexer?.stats())?.streams.events.in_flight === total ? true : undefined), {
      timeoutMs: 30_000,
      what: 'every message delivered and held by the indexer',
    });
    expect(await inspector.count(`${es.prefix}cloudify-events-*`)).toBe(0);

    indexer.kill('SIGTERM');
    setTimeout(() => void proxy.restore(), 500);
    const exit = await indexer.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(indexer.logs()).toContain('"msg":"draining"');
    expect(await inspector.count(`${es.prefix}cloudify-events-*`)).toBe(total);
    expect(await inspector.duplicated(`${es.prefix}cloudify-events-*`, 'context.task_id')).toEqual([]);
    // Acknowledged, not handed back: nothing is left in the queue once the consumer is gone.
    expect(await broker.ready(queues.events)).toBe(0);
    await publisher.close();
  }, 120_000);

  it('refuses a bad configuration, naming every bad key, and exits non-zero', async () => {
    indexer = SpawnedIndexer.launch({ LIVENESS_PORT: 'abc', RETENTION_DAYS: '0', AMQP_URL: 'http://not-amqp' });
    const exit = await indexer.exited;
    expect(exit.code).toBe(1);
    expect(indexer.logs()).toMatch(/LIVENESS_PORT: must be a whole number/);
    expect(indexer.logs()).toMatch(/RETENTION_DAYS: must be at least 1/);
    expect(indexer.logs()).toMatch(/AMQP_URL: must be a URL with scheme amqp or amqps/);
  }, 60_000);
});
