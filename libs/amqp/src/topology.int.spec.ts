import { DEAD_LETTER_EXCHANGE, deadLetterQueueName } from '@cfy/contracts';
import { randomUUID } from 'node:crypto';
import { RecordingLogger, useRabbitMq, waitFor } from '@cfy/testing';
import { connectAmqp, declareDeadLetter } from './connection';
import { TopologyError } from './errors';
import { ManagementApi, QueueInspector } from './testing/broker';

describe('declaring topology', () => {
  const rabbit = useRabbitMq();
  let inspector: QueueInspector;

  beforeAll(async () => {
    inspector = await QueueInspector.open(rabbit.url);
  });

  afterAll(async () => {
    await inspector.close();
  });

  it('declares exchanges, queues and bindings so that a published message arrives', async () => {
    const exchange = rabbit.name('events-x');
    const queue = rabbit.name('events-q');
    const amqp = await connectAmqp({
      url: rabbit.url,
      topology: {
        exchanges: [{ name: exchange, type: 'topic', options: { durable: false, autoDelete: false } }],
        queues: [{ name: queue, options: { durable: true } }],
        bindings: [{ queue, exchange, routingKey: 'dep.*' }],
      },
    });
    try {
      await amqp.waitUntilReady(10_000);
      await amqp.createPublisher().publish(exchange, 'dep.cpu', { metric: 1 });
      const [message] = await inspector.take(queue, 1);
      expect(message?.fields.routingKey).toBe('dep.cpu');
    } finally {
      await amqp.close();
    }
  });

  it('declareDeadLetter routes the queue name through cloudify.dead-letter into <queue>.dlq', async () => {
    const queue = rabbit.name('dl-source');
    rabbit.name('dl-source.dlq');
    const amqp = await connectAmqp({ url: rabbit.url });
    try {
      await amqp.waitUntilReady(10_000);
      await declareDeadLetter(amqp, queue);
      await amqp.createPublisher().publish(DEAD_LETTER_EXCHANGE, queue, { dead: true });
      const [message] = await inspector.take(deadLetterQueueName(queue), 1);
      expect(JSON.parse(message?.content.toString() ?? '')).toEqual({ dead: true });
    } finally {
      await amqp.close();
    }
  });

  it('reports a queue the broker already has with other flags as TopologyError, and stays usable', async () => {
    const queue = rabbit.name('conflict');
    await inspector.channel.assertQueue(queue, { durable: true });
    const connectionName = `amqp-lib-test-${randomUUID()}`;
    const logger = new RecordingLogger();
    const amqp = await connectAmqp({ url: rabbit.url, connectionName, logger, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
    try {
      await amqp.waitUntilReady(10_000);
      const error: unknown = await amqp.declare({ queues: [{ name: queue, options: { durable: false } }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TopologyError);
      expect(error).toMatchObject({ retryable: false });
      expect((error as Error).message).toContain('PRECONDITION');
      expect(amqp.isConnected()).toBe(true);
      await expect(amqp.createPublisher().publish('', queue, { ok: true })).resolves.toBeUndefined();
      // The refused declaration is not kept: a reconnect, which re-declares everything kept, succeeds.
      const management = new ManagementApi();
      const [brokerSide] = await management.connectionsNamed(connectionName);
      await management.closeConnection(brokerSide?.name ?? '');
      await waitFor(() => (logger.find('amqp reconnected').length === 1 ? true : undefined), { what: 'the reconnect' });
      expect(amqp.isConnected()).toBe(true);
      expect(logger.find('amqp topology declaration failed')).toHaveLength(1);
    } finally {
      await amqp.close();
    }
  });

  it('makes readiness waits fail with TopologyError while the registered topology is refused', async () => {
    const queue = rabbit.name('conflict-at-connect');
    await inspector.channel.assertQueue(queue, { durable: true });
    const amqp = await connectAmqp({
      url: rabbit.url,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      topology: { queues: [{ name: queue, options: { durable: false } }] },
    });
    try {
      await expect(amqp.waitUntilReady(1_500)).rejects.toBeInstanceOf(TopologyError);
      expect(amqp.isConnected()).toBe(false);
    } finally {
      await amqp.close();
    }
  });
});
