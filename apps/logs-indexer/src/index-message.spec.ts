import { NonRetryableError, isRetryable, type MessageContext } from '@cfy/amqp';
import { buildEvent } from '@cfy/contracts/testing';
import { silentLogger } from '@cfy/logging';
import { BulkIndexerClosedError, BulkItemDroppedError, type BulkItem } from '@cfy/es';
import type { StoredEventDocument } from './documents';
import { indexMessageHandler, IndexerStoppingError } from './index-message';
import { IndexerStats } from './stats';

function context(overrides: Partial<MessageContext> = {}): MessageContext {
  return { queue: 'q', exchange: '', routingKey: 'q', redelivered: false, retryCount: 0, correlationId: undefined, messageId: undefined, headers: {}, ...overrides };
}

describe('indexMessageHandler', () => {
  const event = buildEvent();
  const validated = { published: event, isoTimestamp: '2016-08-02T11:39:24.813Z' };

  it('resolves only after the sink confirmed the item, then counts it', async () => {
    const stats = new IndexerStats();
    const added: Array<BulkItem<StoredEventDocument>> = [];
    let confirm: () => void = () => undefined;
    const handler = indexMessageHandler({
      kind: 'events',
      prefix: 'p-',
      stats,
      logger: silentLogger,
      sink: { add: (item) => new Promise<void>((resolve) => { added.push(item); confirm = resolve; }) },
    });
    let done = false;
    const handling = handler(validated, context()).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(stats.of('events').indexed).toBe(0);
    confirm();
    await handling;
    expect(stats.of('events').indexed).toBe(1);
    expect(added[0]).toMatchObject({ op: 'index', index: 'p-cloudify-events-2016.08.02', document: { '@timestamp': '2016-08-02T11:39:24.813Z' } });
  });

  it('turns a refusal by Elasticsearch into a non-retryable failure carrying its reason', async () => {
    const stats = new IndexerStats();
    const refusal = new BulkItemDroppedError({
      item: { index: 'i', document: {} },
      status: 400,
      type: 'document_parsing_exception',
      reason: 'failed to parse field [context.x]',
      retryable: false,
      attempts: 1,
    });
    const handler = indexMessageHandler({ kind: 'logs', prefix: '', stats, logger: silentLogger, sink: { add: () => Promise.reject(refusal) } });
    const failure = handler(validated, context());
    await expect(failure).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failure).rejects.toThrow('Elasticsearch rejected the document (400 document_parsing_exception): failed to parse field [context.x]');
    expect(stats.of('logs')).toMatchObject({ rejected: 1, indexed: 0 });
  });

  it('hands a message back (retryable) when the indexer is shutting down, never dead-letters it', async () => {
    const handler = indexMessageHandler({ kind: 'events', prefix: '', stats: new IndexerStats(), logger: silentLogger, sink: { add: () => Promise.reject(new BulkIndexerClosedError()) } });
    const failure = handler(validated, context()).catch((error: unknown) => error);
    const error = await failure;
    expect(error).toBeInstanceOf(IndexerStoppingError);
    expect(isRetryable(error)).toBe(true);
  });

  it('counts redeliveries', async () => {
    const stats = new IndexerStats();
    const handler = indexMessageHandler({ kind: 'events', prefix: '', stats, logger: silentLogger, sink: { add: async () => undefined } });
    await handler(validated, context({ redelivered: true }));
    expect(stats.of('events')).toMatchObject({ redelivered: 1, indexed: 1 });
  });
});
