import { DEAD_LETTER_REASON_HEADER, formatEventTimestamp } from '@cfy/contracts';
import { buildEvent, buildLog } from '@cfy/contracts/testing';
import { createLogger } from '@cfy/logging';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { documentId } from './documents';
import type { StreamKind } from './index-names';
import { BrokerProbe } from './testing/broker';
import { IndexInspector } from './testing/elasticsearch';
import { startInProcessIndexer, type InProcessIndexer } from './testing/in-process';

/*
 * The indexer in this process against the real broker and Elasticsearch: what it stores, where,
 * under which id, and what happens to what Elasticsearch refuses.
 */
describe('logs indexer: indexing', () => {
  let running: InProcessIndexer;
  // Declared before the fixtures: jest runs afterAll hooks in declaration order, and the indexer
  // must be stopped before its queues and indices are deleted.
  afterAll(() => running?.stop());
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  const logLines: string[] = [];
  let queues: Record<StreamKind, string>;
  let broker: BrokerProbe;
  let inspector: IndexInspector;

  const today = new Date();
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10).replaceAll('-', '.');

  beforeAll(async () => {
    queues = { events: rabbit.name('events'), logs: rabbit.name('logs') };
    rabbit.name('events.dlq');
    rabbit.name('logs.dlq');
    broker = await BrokerProbe.open(rabbit.url);
    inspector = new IndexInspector(es.url);
    const logger = createLogger({ name: 'logs-indexer', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
    running = await startInProcessIndexer(
      {
        AMQP_URL: rabbit.url,
        ES_URL: es.url,
        EVENTS_QUEUE: queues.events,
        LOGS_QUEUE: queues.logs,
        INDEX_PREFIX: es.prefix,
        BULK_FLUSH_INTERVAL_MS: '50',
      },
      logger,
    );
  });

  afterAll(async () => {
    await broker?.close();
    await inspector?.close();
  });

  async function indexedSoFar(kind: StreamKind): Promise<number> {
    return (await running.indexer.stats()).streams[kind].indexed;
  }

  it('stores events and logs in their own daily indices, keyed by the UTC day of @timestamp', async () => {
    const lateEvent = buildEvent({ timestamp: formatEventTimestamp(new Date(midnight - 1)) });
    const earlyLog = buildLog({ timestamp: formatEventTimestamp(new Date(midnight)) });
    // 01:30 at +0200 is 23:30 UTC the day before.
    const zoned = buildEvent({ timestamp: `${new Date(midnight).toISOString().slice(0, 10)} 01:30:00.000+0200`, event_type: 'task_started' });
    const extra = { ...buildEvent({ event_type: 'plugin_event', timestamp: formatEventTimestamp(new Date(midnight)) }), unknown_top_level: { kept: [1, 2] } };
    const before = { events: await indexedSoFar('events'), logs: await indexedSoFar('logs') };

    for (const body of [lateEvent, zoned, extra]) await broker.send(queues.events, JSON.stringify(body));
    await broker.send(queues.logs, JSON.stringify(earlyLog));
    await waitFor(async () => ((await indexedSoFar('events')) === before.events + 3 && (await indexedSoFar('logs')) === before.logs + 1 ? true : undefined));

    const yesterdayEvents = `${es.prefix}cloudify-events-${day(midnight - 1)}`;
    const todayEvents = `${es.prefix}cloudify-events-${day(midnight)}`;
    const todayLogs = `${es.prefix}cloudify-logs-${day(midnight)}`;
    expect(await inspector.indices(`${es.prefix}*`)).toEqual(expect.arrayContaining([yesterdayEvents, todayEvents, todayLogs]));
    expect(await inspector.indices(`${es.prefix}cloudify-logs-*`)).toEqual([todayLogs]);

    const stored = await inspector.es.get(yesterdayEvents, documentId(lateEvent));
    expect(stored?.source).toEqual({
      ...lateEvent,
      '@timestamp': new Date(midnight - 1).toISOString(),
      '@version': '1',
      tags: ['event'],
    });
    const zonedDoc = await inspector.es.get(yesterdayEvents, documentId(zoned));
    expect(zonedDoc?.source).toMatchObject({ '@timestamp': new Date(midnight - 30 * 60_000).toISOString(), timestamp: zoned.timestamp });
    const extraDoc = await inspector.es.get(todayEvents, documentId(extra));
    expect(extraDoc?.source).toMatchObject({ unknown_top_level: { kept: [1, 2] } });
    const logDoc = await inspector.es.get(todayLogs, documentId(earlyLog));
    expect(logDoc?.source).toEqual({ ...earlyLog, '@timestamp': new Date(midnight).toISOString(), '@version': '1', tags: ['event'] });
  });

  it('overwrites instead of duplicating when the same message arrives again', async () => {
    const now = new Date();
    const event = buildEvent({ timestamp: formatEventTimestamp(now), message: { text: 'delivered twice', arguments: null } });
    const bytes = JSON.stringify(event);
    const index = `${es.prefix}cloudify-events-${day(now.getTime())}`;
    const before = await indexedSoFar('events');
    await broker.send(queues.events, bytes);
    await waitFor(async () => ((await indexedSoFar('events')) === before + 1 ? true : undefined));
    // The same bytes again, as a broker redelivery or a producer's re-send carries them; and the
    // same content re-serialised with another key order, as a dead-letter replay tool may send it.
    await broker.send(queues.events, bytes);
    await broker.send(queues.events, JSON.stringify(Object.fromEntries(Object.entries(event).reverse())));
    await waitFor(async () => ((await indexedSoFar('events')) === before + 3 ? true : undefined));

    expect(await countMatching(index, 'delivered twice')).toBe(1);
    const stored = await inspector.es.raw.get({ index, id: documentId(event) });
    expect(stored._version).toBe(3);
  });

  it('maps context ids as keywords, message text as text with a keyword, and leaves payloads unindexed', async () => {
    const now = new Date();
    const index = `${es.prefix}cloudify-events-${day(now.getTime())}`;
    const before = await indexedSoFar('events');
    await broker.send(queues.events, JSON.stringify(buildEvent({ timestamp: formatEventTimestamp(now), message: { text: 'mapping probe', arguments: null } })));
    await waitFor(async () => ((await indexedSoFar('events')) === before + 1 ? true : undefined));
    const mapping = await inspector.es.raw.indices.getMapping({ index });
    const properties = mapping[index]?.mappings.properties ?? {};
    expect(properties['@timestamp']).toEqual({ type: 'date' });
    expect(properties['message']).toMatchObject({
      properties: {
        text: { type: 'text', fields: { keyword: { type: 'keyword' } } },
        arguments: { type: 'object', enabled: false },
        args: { type: 'object', enabled: false },
      },
    });
    expect(properties['context']).toMatchObject({
      properties: {
        deployment_id: { type: 'keyword' },
        'blueprint-id': { type: 'keyword' },
        task_error_causes: { type: 'object', enabled: false },
      },
    });
    const settings = await inspector.es.raw.indices.getSettings({ index });
    expect(settings[index]?.settings?.index).toMatchObject({ number_of_replicas: '0', number_of_shards: '1', refresh_interval: '1s' });
  });

  it('dead-letters a document Elasticsearch refuses, with its reason, and goes on indexing', async () => {
    const at = formatEventTimestamp(new Date());
    const first = buildEvent({ timestamp: at, context: { custom_counter: 5 }, message: { text: 'numeric custom field', arguments: null } });
    const conflicting = buildEvent({ timestamp: at, context: { custom_counter: { nested: true } }, message: { text: 'object custom field', arguments: null } });
    const after = buildEvent({ timestamp: at, message: { text: 'after the refusal', arguments: null } });
    const before = await running.indexer.stats();

    await broker.send(queues.events, JSON.stringify(first));
    await waitFor(async () => ((await indexedSoFar('events')) === before.streams.events.indexed + 1 ? true : undefined));
    await broker.send(queues.events, JSON.stringify(conflicting), { 'x-correlation-id': 'corr-refused-1' });
    await broker.send(queues.events, JSON.stringify(after));

    const [dead] = await broker.take(`${queues.events}.dlq`, 1);
    expect(JSON.parse(dead?.content.toString('utf8') ?? '')).toEqual(conflicting);
    const reason = String(dead?.properties.headers?.[DEAD_LETTER_REASON_HEADER]);
    expect(reason).toMatch(/Elasticsearch rejected the document \(400 (document_parsing_exception|mapper_parsing_exception)\)/);
    await waitFor(async () => ((await indexedSoFar('events')) === before.streams.events.indexed + 2 ? true : undefined));
    const stats = await running.indexer.stats();
    expect(stats.streams.events.rejected).toBe(before.streams.events.rejected + 1);
    // The refusal is logged with the message's correlation id from its AMQP headers.
    const refusalLog = logLines.find((line) => line.includes('Elasticsearch refused the document'));
    expect(JSON.parse(refusalLog ?? '{}')).toMatchObject({ correlation_id: 'corr-refused-1', stream: 'events' });
  });

  it('reports its counters and both backends ready', async () => {
    const stats = await running.indexer.stats();
    expect(stats.streams.events).toMatchObject({ queue: queues.events, consuming: true, in_flight: 0, dead_lettered: 0 });
    expect(stats.streams.logs.indexed).toBeGreaterThanOrEqual(1);
    expect(stats.bulk.stored).toBe(stats.streams.events.indexed + stats.streams.logs.indexed);
    expect(await running.readiness.check()).toEqual({ ready: true, checks: { rabbitmq: 'ok', elasticsearch: 'ok' } });
  });

  async function countMatching(index: string, phrase: string): Promise<number> {
    await inspector.es.refresh(index);
    return inspector.es.count(index, { match_phrase: { 'message.text': phrase } });
  }
});
