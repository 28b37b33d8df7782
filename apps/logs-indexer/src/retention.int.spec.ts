import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { IndexInspector } from './testing/elasticsearch';
import { startInProcessIndexer, type InProcessIndexer } from './testing/in-process';

describe('logs indexer: retention', () => {
  let running: InProcessIndexer | undefined;
  // Declared before the fixtures: jest runs afterAll hooks in declaration order, and the indexer
  // must be stopped before its queues and indices are deleted.
  afterAll(() => running?.stop());
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  let inspector: IndexInspector;

  beforeAll(() => {
    inspector = new IndexInspector(es.url);
  });

  afterAll(async () => {
    await inspector?.close();
  });

  it('deletes the daily indices older than RETENTION_DAYS at start, by name, and keeps everything else', async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '.');
    const expired = [`${es.prefix}cloudify-events-${day(8)}`, `${es.prefix}cloudify-logs-${day(30)}`];
    const kept = [
      `${es.prefix}cloudify-events-${day(7)}`,
      `${es.prefix}cloudify-logs-${day(0)}`,
      // Not a daily index of ours, though it matches the listing pattern.
      `${es.prefix}cloudify-events-${day(30)}-restored`,
    ];
    for (const name of [...expired, ...kept]) await inspector.es.ensureIndex({ name, settings: { number_of_replicas: 0 } });

    rabbit.name('events.dlq');
    rabbit.name('logs.dlq');
    running = await startInProcessIndexer({
      AMQP_URL: rabbit.url,
      ES_URL: es.url,
      EVENTS_QUEUE: rabbit.name('events'),
      LOGS_QUEUE: rabbit.name('logs'),
      INDEX_PREFIX: es.prefix,
      RETENTION_DAYS: '7',
    });

    await waitFor(async () => ((await running?.indexer.stats())?.retention?.last_run_at ? true : undefined), { what: 'the first retention run' });
    expect(await inspector.indices(`${es.prefix}*`)).toEqual([...kept].sort());
    expect((await running.indexer.stats()).retention).toMatchObject({ deleted_total: 2, last_error: null });
  });
});
