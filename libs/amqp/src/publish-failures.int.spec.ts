import { RecordingLogger, useRabbitMq } from '@cfy/testing';
import { connectAmqp, type AmqpConnection } from './connection';
import { PublishNackedError, UnroutableMessageError } from './errors';
import { QueueInspector } from './testing/broker';

describe('publishes the broker does not take', () => {
  const rabbit = useRabbitMq();
  let amqp: AmqpConnection;
  let logger: RecordingLogger;
  let inspector: QueueInspector;
  let queue: string;

  beforeAll(async () => {
    queue = rabbit.name('routable');
    logger = new RecordingLogger();
    amqp = await connectAmqp({ url: rabbit.url, logger, topology: { queues: [{ name: queue, options: { durable: true } }] } });
    await amqp.waitUntilReady(10_000);
    inspector = await QueueInspector.open(rabbit.url);
  });

  afterAll(async () => {
    await amqp?.close();
    await inspector?.close();
  });

  it('rejects a mandatory message no queue receives with UnroutableMessageError (312 NO_ROUTE) and logs it', async () => {
    const nowhere = rabbit.name('no-such-queue');
    const error: unknown = await amqp
      .createPublisher()
      .publish('', nowhere, { id: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnroutableMessageError);
    expect(error).toMatchObject({ exchange: '', routingKey: nowhere, replyCode: 312, replyText: 'NO_ROUTE', retryable: false });
    expect(logger.find('message returned as unroutable')).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ routingKey: nowhere, replyCode: 312 }) }),
    );
  });

  it('fails only the unroutable message among many in flight', async () => {
    const publisher = amqp.createPublisher();
    const nowhere = rabbit.name('still-nowhere');
    const results = await Promise.allSettled(
      Array.from({ length: 201 }, (_, i) => (i === 100 ? publisher.publish('', nowhere, { i }) : publisher.publish('', queue, { i }))),
    );
    const rejected = results.flatMap((result, i) => (result.status === 'rejected' ? [{ i, reason: result.reason as unknown }] : []));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.i).toBe(100);
    expect(rejected[0]?.reason).toBeInstanceOf(UnroutableMessageError);
    expect(await inspector.ready(queue)).toBe(200);
    await inspector.channel.purgeQueue(queue);
  });

  it('reports a missing exchange as UnroutableMessageError (404) and keeps publishing on a fresh channel', async () => {
    const publisher = amqp.createPublisher();
    const missing = rabbit.name('no-such-exchange');
    const [lost, kept] = await Promise.allSettled([publisher.publish(missing, 'rk', { id: 1 }), publisher.publish('', queue, { id: 2 })]);
    expect(lost.status === 'rejected' && lost.reason).toMatchObject({ name: 'UnroutableMessageError', exchange: missing, replyCode: 404 });
    // The broker closed the channel; the neighbour was re-sent on the next one.
    expect(kept.status).toBe('fulfilled');
    await publisher.publish('', queue, { id: 3 });
    expect(await inspector.ready(queue)).toBe(2);
    await inspector.channel.purgeQueue(queue);
  });

  it('lets a caller opt out of mandatory routing, in which case the broker drops the message silently', async () => {
    await expect(amqp.createPublisher().publish('', rabbit.name('nowhere-optional'), { id: 1 }, { mandatory: false })).resolves.toBeUndefined();
  });

  it('rejects a message the broker nacks with a retryable PublishNackedError', async () => {
    // A full queue that refuses overflow makes RabbitMQ nack the publish.
    const full = rabbit.name('full');
    await amqp.declare({ queues: [{ name: full, options: { durable: true, maxLength: 1, overflow: 'reject-publish' } }] });
    const publisher = amqp.createPublisher();
    await publisher.publish('', full, { id: 1 });
    const error: unknown = await publisher.publish('', full, { id: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishNackedError);
    expect(error).toMatchObject({ retryable: true });
    // The channel survives a nack.
    await expect(publisher.publish('', queue, { id: 3 })).resolves.toBeUndefined();
    await inspector.channel.purgeQueue(queue);
  });
});
