import { currentCorrelationId, withCorrelationId } from '@cfy/logging';
import { RecordingLogger, useRabbitMq, waitFor } from '@cfy/testing';
import { z } from 'zod';
import { connectAmqp, type AmqpConnection } from './connection';
import type { MessageContext } from './message-context';
import { QueueInspector } from './testing/broker';

const idMessage = z.object({ id: z.number().int() });

describe('publishing with confirms and consuming', () => {
  const rabbit = useRabbitMq();
  let amqp: AmqpConnection;
  let inspector: QueueInspector;

  /** A durable queue of this file's own (its dead-letter queue is cleaned up too). */
  function durableQueue(label: string): string {
    rabbit.name(`${label}.dlq`);
    return rabbit.name(label);
  }

  beforeAll(async () => {
    inspector = await QueueInspector.open(rabbit.url);
  });

  afterEach(async () => {
    await amqp?.close();
  });

  afterAll(async () => {
    await inspector.close();
  });

  it('delivers 10,000 messages published with thousands in flight, each consumed and acked exactly once', async () => {
    const total = 10_000;
    const queue = durableQueue('bulk');
    amqp = await connectAmqp({ url: rabbit.url, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
    const deliveries = new Map<number, number>();
    const consumer = await amqp.consume({
      queue,
      schema: idMessage,
      prefetch: 200,
      handler: ({ id }) => {
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      },
    });
    const publisher = amqp.createPublisher();

    const started = performance.now();
    const confirmed = Array.from({ length: total }, (_, id) => publisher.publish('', queue, { id }));
    // Every publish is outstanding at once: nothing waits for the previous confirm.
    expect(publisher.inFlight()).toBe(total);
    await Promise.all(confirmed);
    const publishMs = performance.now() - started;
    expect(publisher.inFlight()).toBe(0);

    await waitFor(() => (deliveries.size === total ? true : undefined), { timeoutMs: 60_000, what: 'all messages consumed' });
    const consumeMs = performance.now() - started;
    await consumer.stop();

    const ids = [...deliveries.keys()].sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: total }, (_, id) => id));
    expect([...deliveries.values()].filter((count) => count !== 1)).toEqual([]);
    // All acked: unacknowledged messages would have gone back to the queue when the consumer stopped.
    expect(await inspector.ready(queue)).toBe(0);
    expect(await inspector.ready(`${queue}.dlq`)).toBe(0);
    process.stdout.write(
      `amqp bulk: ${total} confirmed publishes in ${Math.round(publishMs)} ms (${Math.round(total / (publishMs / 1000))}/s), ` +
        `all consumed after ${Math.round(consumeMs)} ms\n`,
    );
  });

  it('sends persistent JSON messages that carry the caller’s correlation id into the handler’s context', async () => {
    const queue = durableQueue('correlation');
    amqp = await connectAmqp({ url: rabbit.url, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
    const publisher = amqp.createPublisher();
    await withCorrelationId('req-42', () => publisher.publish('', queue, { id: 1 }, { messageId: 'm-1' }));

    const [raw] = await inspector.take(queue, 1);
    expect(raw?.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2, messageId: 'm-1' });
    expect(raw?.properties.headers).toMatchObject({ 'x-correlation-id': 'req-42' });
    expect(JSON.parse(raw?.content.toString() ?? '')).toEqual({ id: 1 });

    await withCorrelationId('req-43', () => publisher.publish('', queue, { id: 2 }));
    const seen: Array<{ context: MessageContext; correlationInHandler: string | undefined }> = [];
    await amqp.consume({
      queue,
      schema: idMessage,
      handler: (_message, context) => {
        seen.push({ context, correlationInHandler: currentCorrelationId() });
      },
    });
    await waitFor(() => seen[0]);
    expect(seen[0]?.correlationInHandler).toBe('req-43');
    expect(seen[0]?.context).toMatchObject({ queue, exchange: '', routingKey: queue, redelivered: false, retryCount: 0, correlationId: 'req-43' });
  });

  it('stop() stops intake, lets running handlers finish and ack, and leaves later messages queued', async () => {
    const queue = durableQueue('drain');
    const logger = new RecordingLogger();
    amqp = await connectAmqp({ url: rabbit.url, logger, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
    const publisher = amqp.createPublisher();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const finished: number[] = [];
    const consumer = await amqp.consume({
      queue,
      schema: idMessage,
      prefetch: 3,
      handler: async ({ id }) => {
        started.push(id);
        await gate;
        finished.push(id);
      },
    });
    await Promise.all([1, 2, 3].map((id) => publisher.publish('', queue, { id })));
    await waitFor(() => (started.length === 3 ? true : undefined));

    const stopping = consumer.stop(10_000);
    await waitFor(() => (consumer.state === 'stopping' && logger.find('draining').length > 0 ? true : undefined));
    await publisher.publish('', queue, { id: 4 });
    release();
    await stopping;

    expect(consumer.state).toBe('stopped');
    expect(finished.sort()).toEqual([1, 2, 3]);
    expect(started).not.toContain(4);
    // 1–3 were acked, 4 was never taken.
    expect(await inspector.ready(queue)).toBe(1);
  });

  it('a drain that runs out of time hands unfinished messages back to the queue', async () => {
    const queue = durableQueue('drain-timeout');
    amqp = await connectAmqp({ url: rabbit.url, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
    const publisher = amqp.createPublisher();
    const consumer = await amqp.consume({ queue, schema: idMessage, handler: () => new Promise<void>(() => undefined) });
    await publisher.publish('', queue, { id: 1 });
    await waitFor(() => (consumer.inFlight() === 1 ? true : undefined));
    const started = Date.now();
    await consumer.stop(300);
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor(async () => ((await inspector.ready(queue)) === 1 ? true : undefined), { what: 'message back in the queue' });
  });
});
