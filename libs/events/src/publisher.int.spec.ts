import { connectAmqp, type AmqpConnection } from '@cfy/amqp';
import { cloudifyEventSchema, cloudifyLogSchema } from '@cfy/contracts';
import { withCorrelationId } from '@cfy/logging';
import { useRabbitMq, waitFor } from '@cfy/testing';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { EventBuilder } from './builder';
import type { OperationContext } from './contexts';
import { InvalidEventError } from './errors';
import { EventPublisher } from './publisher';

const operation: OperationContext = {
  blueprint_id: 'hello',
  deployment_id: 'hello1',
  execution_id: 'exec-1',
  workflow_id: 'install',
  task_id: 'task-1',
  task_name: 'script_runner.tasks.run',
  task_queue: 'vm_k3x9q2',
  task_target: 'vm_k3x9q2',
  operation: 'cloudify.interfaces.lifecycle.start',
  plugin: 'script',
  node_id: 'vm_k3x9q2',
  node_name: 'vm',
};

describe('EventPublisher against RabbitMQ', () => {
  const rabbit = useRabbitMq();
  let amqp: AmqpConnection;
  let inspector: ChannelModel;
  let channel: Channel;
  let queues: { events: string; logs: string };

  beforeAll(async () => {
    queues = { events: rabbit.name('events'), logs: rabbit.name('logs') };
    amqp = await connectAmqp({ url: rabbit.url });
    await amqp.waitUntilReady(10_000);
    inspector = await connect(rabbit.url);
    inspector.on('error', () => undefined);
  });

  beforeEach(async () => {
    channel = await inspector.createChannel();
    // A refused assertion closes the channel with an 'error' event, which must not crash the test.
    channel.on('error', () => undefined);
  });

  afterAll(async () => {
    await amqp.close();
    await inspector.close();
  });

  async function take(queue: string): Promise<GetMessage> {
    return waitFor(async () => {
      const message = await channel.get(queue, { noAck: true });
      return message === false ? undefined : message;
    }, { what: `a message in ${queue}` });
  }

  it('publishes events and logs to the default exchange, persistent JSON, routed to their queues', async () => {
    const publisher = await EventPublisher.open({ connection: amqp, queues });
    const build = new EventBuilder();
    const event = build.taskSucceeded(operation, { currentRetries: 1, totalRetries: 3 });
    const log = build.operationLog(operation, 'info', 'Starting HTTP server');

    await publisher.publish(event);
    await publisher.publish(log);

    const eventMessage = await take(queues.events);
    const logMessage = await take(queues.logs);
    expect(eventMessage.fields).toMatchObject({ exchange: '', routingKey: queues.events });
    expect(eventMessage.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2 });
    const eventBody: unknown = JSON.parse(eventMessage.content.toString('utf8'));
    expect(cloudifyEventSchema.parse(eventBody)).toEqual(event);
    expect(eventBody).toMatchObject({ message: { text: "Task succeeded 'script_runner.tasks.run' [retry 1/3]" } });
    expect(logMessage.fields.routingKey).toBe(queues.logs);
    expect(cloudifyLogSchema.parse(JSON.parse(logMessage.content.toString('utf8')))).toEqual(log);
    await publisher.close();
  });

  it('declares queues that are durable and not auto-deleted (re-declaring them auto-delete is refused)', async () => {
    await EventPublisher.open({ connection: amqp, queues });
    await expect(channel.assertQueue(queues.events, { durable: true, autoDelete: false })).resolves.toMatchObject({ queue: queues.events });
    const other = await inspector.createChannel();
    other.on('error', () => undefined);
    await expect(other.assertQueue(queues.logs, { durable: true, autoDelete: true })).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('keeps the queues after their last consumer leaves', async () => {
    await EventPublisher.open({ connection: amqp, queues });
    const { consumerTag } = await channel.consume(queues.events, () => undefined);
    await channel.cancel(consumerTag);
    await channel.close();
    const check = await inspector.createChannel();
    await expect(check.checkQueue(queues.events)).resolves.toMatchObject({ queue: queues.events });
    await check.close();
  });

  it('carries the current correlation id in the message headers', async () => {
    const publisher = await EventPublisher.open({ connection: amqp, queues });
    await withCorrelationId('corr-123', () => publisher.publish(new EventBuilder().workflowStarted(operation)));
    const message = await take(queues.events);
    expect(message.properties.headers?.['x-correlation-id']).toBe('corr-123');
    await publisher.close();
  });

  it('sends nothing when the document breaks the contract', async () => {
    const publisher = await EventPublisher.open({ connection: amqp, queues });
    const broken = { ...new EventBuilder().workflowStarted(operation), timestamp: 'now' };
    await expect(publisher.publish(broken)).rejects.toBeInstanceOf(InvalidEventError);
    await publisher.publish(new EventBuilder().workflowSucceeded(operation));
    // Only the valid one arrived, so the broken one was never sent.
    const message = await take(queues.events);
    expect(JSON.parse(message.content.toString('utf8'))).toMatchObject({ event_type: 'workflow_succeeded' });
    expect(await channel.get(queues.events)).toBe(false);
    await publisher.close();
  });
});
