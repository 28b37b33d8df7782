import { connectAmqp, type AmqpConnection } from '@cfy/amqp';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { BrokerProbe } from './testing/broker';
import { IndexInspector } from './testing/elasticsearch';
import { publishMany } from './testing/publish';
import { SpawnedIndexer } from './testing/spawn-indexer';
import { syntheticEvent } from './testing/synthetic';

/*
 * Exactly-once in effect across a crash: the real service process is killed with SIGKILL (no
 * shutdown code runs) while it holds thousands of unacknowledged messages, some of them already
 * stored. The broker redelivers everything unacknowledged to the restarted process; content ids
 * turn the re-stored ones into overwrites.
 */
describe('logs indexer process: kill -9 and restart', () => {
  const processes: SpawnedIndexer[] = [];
  // Declared before the fixtures: jest runs afterAll hooks in declaration order, and the indexer
  // must be stopped before its queues and indices are deleted.
  afterAll(async () => {
    for (const spawned of processes) await spawned.dispose();
  });
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  let broker: BrokerProbe;
  let inspector: IndexInspector;
  let amqp: AmqpConnection;

  beforeAll(async () => {
    broker = await BrokerProbe.open(rabbit.url);
    inspector = new IndexInspector(es.url);
    amqp = await connectAmqp({ url: rabbit.url });
    await amqp.waitUntilReady(10_000);
  });

  afterAll(async () => {
    await amqp?.close();
    await broker?.close();
    await inspector?.close();
  });

  it('ends with exactly 50,000 documents, none duplicated, after a SIGKILL with 50,000 events in flight', async () => {
    const total = 50_000;
    const queues = { events: rabbit.name('crash.events'), logs: rabbit.name('crash.logs') };
    rabbit.name('crash.events.dlq');
    rabbit.name('crash.logs.dlq');
    const pattern = `${es.prefix}cloudify-events-*`;
    const env = { AMQP_URL: rabbit.url, ES_URL: es.url, EVENTS_QUEUE: queues.events, LOGS_QUEUE: queues.logs, INDEX_PREFIX: es.prefix };
    await broker.declare(queues.events);
    const publisher = amqp.createPublisher();
    await publishMany(publisher, total, (i) => ({ queue: queues.events, body: syntheticEvent(rabbit.token, i) }), { window: 5_000 });
    await publisher.close();
    expect(await broker.ready(queues.events)).toBe(total);

    const first = await SpawnedIndexer.start(env);
    processes.push(first);
    // Kill it mid-stream: a good part stored, thousands delivered and unacknowledged.
    await waitFor(async () => ((await first.stats()).streams.events.indexed >= 15_000 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 50,
      what: '15,000 events indexed',
    });
    const heldAtKill = (await first.stats()).streams.events.in_flight ?? 0;
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Once the broker noticed the dead connection, every unacknowledged message is ready again.
    await waitFor(async () => ((await broker.queueConsumers(queues.events)) === 0 ? true : undefined), { what: 'the dead consumer to be gone' });
    const storedAtKill = await inspector.count(pattern);
    const leftInQueue = await broker.ready(queues.events);
    // Nothing lost at the crash: everything is stored or still queued; the overlap was stored but
    // not acknowledged, and will be delivered again.
    const overlap = storedAtKill + leftInQueue - total;
    expect(overlap).toBeGreaterThanOrEqual(0);
    expect(storedAtKill).toBeLessThan(total);
    process.stdout.write(`kill -9: ${storedAtKill} stored, ${leftInQueue} queued, ${heldAtKill} held by the process, ${overlap} stored but unacked\n`);

    const second = await SpawnedIndexer.start(env);
    processes.push(second);
    await waitFor(async () => ((await broker.ready(queues.events)) === 0 && (await second.stats()).streams.events.in_flight === 0 ? true : undefined), {
      timeoutMs: 180_000,
      intervalMs: 200,
      what: 'the queue drained by the restarted indexer',
    });
    const stats = await second.stats();
    expect(stats.streams.events.redelivered).toBeGreaterThan(0);
    expect(stats.streams.events.indexed).toBe(leftInQueue);

    expect(await inspector.count(pattern)).toBe(total);
    expect(await inspector.duplicated(pattern, 'context.task_id')).toEqual([]);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 300_000);
});
