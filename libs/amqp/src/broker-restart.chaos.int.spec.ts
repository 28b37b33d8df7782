import { RecordingLogger, useRabbitMq, waitFor } from '@cfy/testing';
import { z } from 'zod';
import { connectAmqp, type AmqpConnection } from './connection';
import { ensureBrokerRunning, QueueInspector, restartBroker } from './testing/broker';

/*
 * Restarts the shared local broker (RABBITMQ_RESTART_CMD, default
 * `rabbitmqctl stop_app && rabbitmqctl start_app`), so keep it to this one test, and make sure the
 * broker runs again afterwards whatever happened (RABBITMQ_START_CMD, default `rabbitmqctl start_app`).
 */

const idMessage = z.object({ id: z.number().int() });

describe('when RabbitMQ restarts', () => {
  const rabbit = useRabbitMq();

  // Nested so that this runs before the fixture's own clean-up, which needs the broker.
  describe('with a live consumer and confirmed messages waiting in a durable queue', () => {
    let amqp: AmqpConnection | undefined;

    afterAll(async () => {
      await ensureBrokerRunning(rabbit.url);
      await amqp?.close();
    }, 200_000);

    it('loses no confirmed message, and the consumer and publisher resume on their own', async () => {
      const total = 2_000;
      const publishedInOutage = 100;
      const prefetch = 20;
      const queue = rabbit.name('restart');
      rabbit.name('restart.dlq');
      const transient = rabbit.name('restart-transient');
      const logger = new RecordingLogger();
      amqp = await connectAmqp({
        url: rabbit.url,
        logger,
        reconnect: { initialDelayMs: 200, maxDelayMs: 2_000 },
        topology: {
          queues: [
            { name: queue, options: { durable: true } },
            // Gone after a restart: proves the topology is declared again.
            { name: transient, options: { durable: false } },
          ],
        },
      });
      await amqp.waitUntilReady(10_000);

      const deliveries = new Map<number, number>();
      let redelivered = 0;
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const consumer = await amqp.consume({
        queue,
        schema: idMessage,
        prefetch,
        handler: async ({ id }, context) => {
          deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
          if (context.redelivered) redelivered += 1;
          await held; // the first deliveries stay unacked over the restart
        },
      });
      const publisher = amqp.createPublisher({ timeoutMs: 120_000 });
      await Promise.all(Array.from({ length: total }, (_, id) => publisher.publish('', queue, { id })));

      const before = await QueueInspector.open(rabbit.url);
      try {
        await waitFor(async () => ((await before.ready(queue)) === total - prefetch ? true : undefined), { what: 'messages waiting in the queue' });
      } finally {
        await before.close();
      }

      const restartStarted = performance.now();
      let outageMs = 0;
      let duringOutage: Array<Promise<void>> = [];
      try {
        const restarting = restartBroker();
        await waitFor(() => (amqp?.isConnected() === false ? true : undefined), { timeoutMs: 60_000, intervalMs: 20, what: 'the disconnect' });
        // Publishes while the broker is away wait for it to come back.
        duringOutage = Array.from({ length: publishedInOutage }, (_, i) => publisher.publish('', queue, { id: total + i }));
        release();
        await restarting;
        await amqp.waitUntilReady(60_000);
        outageMs = performance.now() - restartStarted;
      } finally {
        await ensureBrokerRunning(rabbit.url);
      }
      await Promise.all(duringOutage);

      const expected = total + publishedInOutage;
      await waitFor(() => (deliveries.size === expected ? true : undefined), { timeoutMs: 120_000, what: 'every message consumed' });
      expect([...deliveries.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: expected }, (_, id) => id));
      // At-least-once: the only duplicates are the held, unacked deliveries, redelivered after the restart.
      const duplicates = [...deliveries.values()].reduce((sum, count) => sum + count - 1, 0);
      expect(duplicates).toBe(redelivered);
      expect(duplicates).toBeLessThanOrEqual(prefetch);

      expect(consumer.isConsuming()).toBe(true);
      expect(logger.find('amqp connection lost; reconnecting').length).toBeGreaterThanOrEqual(1);
      expect(logger.find('amqp reconnected').length).toBeGreaterThanOrEqual(1);

      const after = await QueueInspector.open(rabbit.url);
      try {
        await expect(after.channel.checkQueue(transient)).resolves.toMatchObject({ queue: transient });
        await consumer.stop();
        expect(await after.ready(queue)).toBe(0);
      } finally {
        await after.close();
      }
      process.stdout.write(
        `amqp broker restart: back after ${Math.round(outageMs)} ms; ${expected} messages consumed, ${duplicates} redelivered duplicates\n`,
      );
    }, 240_000);
  });
});
