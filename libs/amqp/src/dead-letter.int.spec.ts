import { DEAD_LETTER_EXCHANGE, DEAD_LETTER_REASON_HEADER, deadLetterQueueName } from '@cfy/contracts';
import { useRabbitMq, waitFor } from '@cfy/testing';
import { z } from 'zod';
import { connectAmqp, type AmqpConnection } from './connection';
import { NonRetryableError } from './errors';
import { ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, RETRY_COUNT_HEADER } from './headers';
import { QueueInspector } from './testing/broker';

const idMessage = z.object({ id: z.number().int() });

describe('dead-lettering and retries', () => {
  const rabbit = useRabbitMq();
  let amqp: AmqpConnection;
  let inspector: QueueInspector;

  function durableQueue(label: string): string {
    rabbit.name(`${label}.dlq`);
    return rabbit.name(label);
  }

  async function connectWithQueue(queue: string): Promise<void> {
    amqp = await connectAmqp({ url: rabbit.url, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
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

  it('sends bad JSON and schema-invalid messages to the DLQ with the reason, while valid neighbours are handled', async () => {
    const queue = durableQueue('poison');
    await connectWithQueue(queue);
    const handled: number[] = [];
    await amqp.consume({ queue, schema: idMessage, handler: ({ id }) => void handled.push(id) });
    const publisher = amqp.createPublisher();
    await publisher.publish('', queue, { id: 1 });
    await publisher.publishRaw('', queue, Buffer.from('{"id": 2,'), { messageId: 'bad-json' });
    await publisher.publish('', queue, { id: 3 });
    await publisher.publish('', queue, { id: 'four' }, { messageId: 'bad-schema' });
    await publisher.publish('', queue, { id: 5 });

    const dead = await inspector.take(deadLetterQueueName(queue), 2);
    await waitFor(() => (handled.length === 3 ? true : undefined));
    expect(handled.sort()).toEqual([1, 3, 5]);

    const byId = new Map(dead.map((message) => [message.properties.messageId, message]));
    const badJson = byId.get('bad-json');
    expect(badJson?.content.toString()).toBe('{"id": 2,');
    expect(badJson?.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toMatch(/^invalid JSON: /);
    expect(badJson?.fields).toMatchObject({ exchange: DEAD_LETTER_EXCHANGE, routingKey: queue });
    expect(badJson?.properties.headers).toMatchObject({ [ORIGINAL_EXCHANGE_HEADER]: '', [ORIGINAL_ROUTING_KEY_HEADER]: queue });
    expect(badJson?.properties.deliveryMode).toBe(2);

    const badSchema = byId.get('bad-schema');
    expect(JSON.parse(badSchema?.content.toString() ?? '')).toEqual({ id: 'four' });
    expect(badSchema?.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toMatch(/^schema validation failed: .*id/s);

    // The originals were acked: nothing is left to block the queue.
    await waitFor(async () => ((await inspector.ready(queue)) === 0 ? true : undefined));
  });

  it('retries a retryable handler failure up to maxRetries, counting in a header, then dead-letters it', async () => {
    const queue = durableQueue('retry');
    await connectWithQueue(queue);
    const attempts: Array<{ id: number; retryCount: number }> = [];
    const handled: number[] = [];
    await amqp.consume({
      queue,
      schema: idMessage,
      maxRetries: 2,
      handler: ({ id }, { retryCount }) => {
        attempts.push({ id, retryCount });
        if (id === 7) throw new Error('index unavailable');
        if (id === 8 && retryCount === 0) throw new Error('flaky once');
        handled.push(id);
      },
    });
    const publisher = amqp.createPublisher();
    await publisher.publish('', queue, { id: 7 }, { messageId: 'always-fails' });
    await publisher.publish('', queue, { id: 8 });

    const [dead] = await inspector.take(deadLetterQueueName(queue), 1);
    await waitFor(() => (handled.includes(8) ? true : undefined));
    expect(attempts.filter((a) => a.id === 7).map((a) => a.retryCount)).toEqual([0, 1, 2]);
    expect(attempts.filter((a) => a.id === 8).map((a) => a.retryCount)).toEqual([0, 1]);
    expect(dead?.properties.messageId).toBe('always-fails');
    expect(dead?.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toBe('handler failed after 3 attempts: Error: index unavailable');
    expect(dead?.properties.headers).toMatchObject({ [RETRY_COUNT_HEADER]: 2, [ORIGINAL_ROUTING_KEY_HEADER]: queue });
    expect(await inspector.ready(deadLetterQueueName(queue))).toBe(0);
  });

  it('dead-letters a non-retryable handler failure at once', async () => {
    const queue = durableQueue('non-retryable');
    await connectWithQueue(queue);
    const handler = jest.fn(() => {
      throw new NonRetryableError('deployment d1 does not exist');
    });
    await amqp.consume({ queue, schema: idMessage, maxRetries: 5, handler });
    await amqp.createPublisher().publish('', queue, { id: 1 });

    const [dead] = await inspector.take(deadLetterQueueName(queue), 1);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(dead?.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toBe(
      'handler failed (not retryable): NonRetryableError: deployment d1 does not exist',
    );
  });
});
