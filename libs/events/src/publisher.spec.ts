import type { PublishOptions, Topology } from '@cfy/amqp';
import type { CloudifyEvent, CloudifyLog } from '@cfy/contracts';
import { buildEvent, buildLog } from '@cfy/contracts/testing';
import { InvalidEventError } from './errors';
import { EventPublisher, eventQueueTopology, type EventSink, type EventTransport } from './publisher';

/** Records what the publisher asks of the broker; the real broker is exercised in publisher.int.spec.ts. */
class RecordingTransport implements EventTransport {
  readonly declared: Topology[] = [];
  readonly published: Array<{ exchange: string; routingKey: string; body: unknown; options: PublishOptions | undefined }> = [];

  async declare(topology: Topology): Promise<void> {
    this.declared.push(topology);
  }

  createPublisher(): EventSink {
    return {
      publish: async (exchange, routingKey, body, options) => {
        this.published.push({ exchange, routingKey, body, options });
      },
      close: async () => undefined,
    };
  }
}

describe('EventPublisher', () => {
  it('declares both queues durable and never auto-deleted before publishing', async () => {
    const transport = new RecordingTransport();
    await EventPublisher.open({ connection: transport });
    expect(transport.declared).toEqual([
      {
        queues: [
          { name: 'cloudify-events', options: { durable: true, autoDelete: false, exclusive: false } },
          { name: 'cloudify-logs', options: { durable: true, autoDelete: false, exclusive: false } },
        ],
      },
    ]);
  });

  it('sends events and logs to the default exchange, routed by their own queue names', async () => {
    const transport = new RecordingTransport();
    const publisher = await EventPublisher.open({ connection: transport, queues: { events: 'ev', logs: 'lg' } });
    const event = buildEvent();
    const log = buildLog();
    await publisher.publish(event);
    await publisher.publish(log);
    expect(transport.published.map(({ exchange, routingKey, body }) => ({ exchange, routingKey, body }))).toEqual([
      { exchange: '', routingKey: 'ev', body: event },
      { exchange: '', routingKey: 'lg', body: log },
    ]);
  });

  it.each([
    ['an event with an unknown event_type', { ...buildEvent(), event_type: 'made_up' }, 'event_type'],
    ['an event with a garbled timestamp', { ...buildEvent(), timestamp: 'yesterday' }, 'timestamp'],
    ['a log without a logger', { ...buildLog(), logger: '' }, 'logger'],
    ['a document of another type', { ...buildLog(), type: 'cloudify_metric' }, 'type'],
  ])('refuses %s without sending it', async (_label, document, field) => {
    const transport = new RecordingTransport();
    const publisher = await EventPublisher.open({ connection: transport });
    const sent = publisher.publish(document as unknown as CloudifyEvent | CloudifyLog);
    await expect(sent).rejects.toBeInstanceOf(InvalidEventError);
    await expect(sent).rejects.toMatchObject({ retryable: false, message: expect.stringContaining(field) });
    expect(transport.published).toHaveLength(0);
  });

  it('passes extra headers through to the broker', async () => {
    const transport = new RecordingTransport();
    const publisher = await EventPublisher.open({ connection: transport });
    await publisher.publish(buildEvent(), { headers: { 'x-origin': 'test' } });
    expect(transport.published[0]?.options).toEqual({ headers: { 'x-origin': 'test' } });
  });

  it('builds the same topology the indexer declares', () => {
    expect(eventQueueTopology({ events: 'a', logs: 'b' }).queues?.map((queue) => queue.name)).toEqual(['a', 'b']);
  });
});
