import { DEAD_LETTER_REASON_HEADER } from '@cfy/contracts';
import { buildEvent, buildLog } from '@cfy/contracts/testing';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import type { StreamKind } from './index-names';
import { BrokerProbe } from './testing/broker';
import { IndexInspector } from './testing/elasticsearch';
import { startInProcessIndexer, type InProcessIndexer } from './testing/in-process';
import { syntheticKey, syntheticMessage } from './testing/synthetic';

/** The kinds of poison a broken or foreign producer sends; `json` says whether the body parses. */
const POISONS: ReadonlyArray<{ readonly label: string; readonly json: boolean; readonly body: (kind: StreamKind) => Buffer }> = [
  { label: 'truncated JSON', json: false, body: () => Buffer.from('{"type": "cloudify_event", "event_type": ') },
  { label: 'not UTF-8 JSON at all', json: false, body: () => Buffer.from([0xff, 0xfe, 0x00, 0x41]) },
  { label: 'a JSON number', json: true, body: () => Buffer.from('42') },
  { label: 'the other stream type', json: true, body: (kind) => json(kind === 'events' ? buildLog() : buildEvent()) },
  { label: 'a garbled timestamp', json: true, body: (kind) => json({ ...(kind === 'events' ? buildEvent() : buildLog()), timestamp: 'yesterday' }) },
  { label: 'no context', json: true, body: (kind) => json({ ...(kind === 'events' ? buildEvent() : buildLog()), context: undefined }) },
  { label: 'an unknown event type or level', json: true, body: (kind) => json(kind === 'events' ? { ...buildEvent(), event_type: 'made_up' } : { ...buildLog(), level: 'loud' }) },
];

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

describe('logs indexer: poison messages', () => {
  let running: InProcessIndexer;
  // Declared before the fixtures: jest runs afterAll hooks in declaration order, and the indexer
  // must be stopped before its queues and indices are deleted.
  afterAll(() => running?.stop());
  const rabbit = useRabbitMq();
  const es = useElasticsearch();
  let queues: Record<StreamKind, string>;
  let broker: BrokerProbe;
  let inspector: IndexInspector;

  beforeAll(async () => {
    queues = { events: rabbit.name('events'), logs: rabbit.name('logs') };
    rabbit.name('events.dlq');
    rabbit.name('logs.dlq');
    broker = await BrokerProbe.open(rabbit.url);
    inspector = new IndexInspector(es.url);
    running = await startInProcessIndexer({
      AMQP_URL: rabbit.url,
      ES_URL: es.url,
      EVENTS_QUEUE: queues.events,
      LOGS_QUEUE: queues.logs,
      INDEX_PREFIX: es.prefix,
      PREFETCH: '500',
      BULK_FLUSH_INTERVAL_MS: '100',
    });
  });

  afterAll(async () => {
    await broker?.close();
    await inspector?.close();
  });

  it('dead-letters 1,000 poison messages with their reasons and indexes every valid one around them', async () => {
    const valid = 3_000;
    const poison = 1_000;
    const runId = rabbit.token;
    const expectedDead: Record<StreamKind, number> = { events: 0, logs: 0 };
    const expectedInvalid: Record<StreamKind, number> = { events: 0, logs: 0 };
    let validSent = 0;
    let poisonSent = 0;
    // Interleaved: three valid, one poison, alternating between the two queues.
    for (let i = 0; validSent < valid || poisonSent < poison; i += 1) {
      if (i % 4 === 3 && poisonSent < poison) {
        const kind: StreamKind = poisonSent % 2 === 0 ? 'events' : 'logs';
        const recipe = POISONS[poisonSent % POISONS.length];
        if (!recipe) throw new Error('no poison recipe');
        await broker.send(queues[kind], recipe.body(kind));
        expectedDead[kind] += 1;
        if (recipe.json) expectedInvalid[kind] += 1;
        poisonSent += 1;
      } else if (validSent < valid) {
        const { kind, body } = syntheticMessage(runId, validSent);
        await broker.send(queues[kind], JSON.stringify(body));
        validSent += 1;
      }
    }

    const events = await broker.take(`${queues.events}.dlq`, expectedDead.events, 120_000);
    const logs = await broker.take(`${queues.logs}.dlq`, expectedDead.logs, 120_000);
    expect(events.length + logs.length).toBe(poison);
    const reasons = [...events, ...logs].map((message) => String(message.properties.headers?.[DEAD_LETTER_REASON_HEADER] ?? ''));
    expect(reasons.every((reason) => /^(invalid JSON|schema validation failed)/.test(reason))).toBe(true);
    expect(reasons.filter((reason) => reason.startsWith('invalid JSON'))).toHaveLength(poison - expectedInvalid.events - expectedInvalid.logs);
    expect(reasons.some((reason) => reason.includes('at timestamp'))).toBe(true);

    const pattern = `${es.prefix}cloudify-*`;
    await waitFor(async () => ((await inspector.count(pattern)) === valid ? true : undefined), { timeoutMs: 60_000, what: 'every valid message indexed' });
    expect(await inspector.duplicated(pattern, 'context.task_id')).toEqual([]);
    expect(await inspector.es.count(pattern, { term: { 'context.task_id': syntheticKey(runId, valid - 1) } })).toBe(1);

    const stats = await running.indexer.stats();
    expect(stats.streams.events.invalid).toBe(expectedInvalid.events);
    expect(stats.streams.logs.invalid).toBe(expectedInvalid.logs);
    expect(stats.streams.events.indexed + stats.streams.logs.indexed).toBe(valid);
    expect(await broker.ready(queues.events)).toBe(0);
    expect(await broker.ready(queues.logs)).toBe(0);
  }, 240_000);
});
