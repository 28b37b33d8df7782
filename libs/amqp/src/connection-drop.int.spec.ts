import { randomUUID } from 'node:crypto';
import { RecordingLogger, useRabbitMq, waitFor } from '@cfy/testing';
import { z } from 'zod';
import { connectAmqp, type AmqpConnection } from './connection';
import { ManagementApi, QueueInspector } from './testing/broker';

const paddedMessage = z.object({ id: z.number().int(), padding: z.string() });

describe('when the broker drops the connection mid-stream', () => {
  const rabbit = useRabbitMq();
  let amqp: AmqpConnection | undefined;
  let inspector: QueueInspector;

  beforeAll(async () => {
    inspector = await QueueInspector.open(rabbit.url);
  });

  afterAll(async () => {
    await amqp?.close();
    await inspector.close();
  });

  it('re-sends unconfirmed messages, re-declares the topology and resumes consuming by itself', async () => {
    const total = 20_000;
    const prefetch = 50;
    const queue = rabbit.name('drop');
    rabbit.name('drop.dlq');
    const transient = rabbit.name('drop-transient');
    const connectionName = `amqp-lib-test-${randomUUID()}`;
    const logger = new RecordingLogger();
    amqp = await connectAmqp({
      url: rabbit.url,
      logger,
      connectionName,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
      topology: { queues: [{ name: queue, options: { durable: true } }, { name: transient, options: { durable: false } }] },
    });
    await amqp.waitUntilReady(10_000);
    const deliveries = new Map<number, number>();
    const consumer = await amqp.consume({
      queue,
      schema: paddedMessage,
      prefetch,
      handler: ({ id }) => void deliveries.set(id, (deliveries.get(id) ?? 0) + 1),
    });
    const publisher = amqp.createPublisher({ timeoutMs: 60_000 });
    const management = new ManagementApi();
    const [brokerSide] = await management.connectionsNamed(connectionName);
    await inspector.channel.deleteQueue(transient);

    const padding = 'x'.repeat(1_000);
    const started = performance.now();
    const confirmed = Array.from({ length: total }, (_, id) => publisher.publish('', queue, { id, padding }));
    // Drop it once some messages are confirmed and many are not.
    await waitFor(() => (publisher.inFlight() <= total - 1_000 ? true : undefined), { intervalMs: 2, what: 'first confirms' });
    const confirmedBeforeDrop = total - publisher.inFlight();
    await management.closeConnection(brokerSide?.name ?? '');
    const results = await Promise.allSettled(confirmed);
    const publishMs = performance.now() - started;

    // The drop really caught messages in flight, and they were re-sent rather than lost or failed.
    const resent = logger.find('channel closed with unconfirmed messages; re-sending them on the next channel');
    const resentCount = resent.reduce((sum, entry) => sum + Number(entry.fields['count']), 0);
    expect(resentCount).toBeGreaterThan(0);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(logger.find('amqp connection lost; reconnecting')).toHaveLength(1);
    expect(logger.find('amqp reconnected')).toHaveLength(1);

    await waitFor(() => (deliveries.size === total ? true : undefined), { timeoutMs: 90_000, what: 'every message consumed' });
    expect(consumer.isConsuming()).toBe(true);
    // At-least-once: a duplicate is a re-sent message the broker had stored, or a delivery whose ack was lost.
    const duplicates = [...deliveries.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(resentCount + prefetch);
    // The transient queue deleted behind the lib's back was declared again on reconnect.
    await expect(inspector.channel.checkQueue(transient)).resolves.toMatchObject({ queue: transient });
    process.stdout.write(
      `amqp connection drop: ${confirmedBeforeDrop} confirmed before the drop, ${resentCount} re-sent, all confirmed after ` +
        `${Math.round(publishMs)} ms, all consumed after ${Math.round(performance.now() - started)} ms, ${duplicates} duplicate deliveries\n`,
    );
  });

  it('names the connection and negotiates the configured heartbeat', async () => {
    const connectionName = `amqp-lib-test-${randomUUID()}`;
    const connection = await connectAmqp({ url: rabbit.url, connectionName, heartbeatSeconds: 7 });
    try {
      await connection.waitUntilReady(10_000);
      const [brokerSide] = await new ManagementApi().connectionsNamed(connectionName);
      expect(brokerSide?.timeout).toBe(7);
    } finally {
      await connection.close();
    }
  });
});
