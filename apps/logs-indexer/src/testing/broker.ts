import { waitFor } from '@cfy/testing';
import { connect, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';

/*
 * Test-side access to the broker, outside the code under test: sends raw bytes (what a 3.4 client
 * or a broken one would send), reads queues and dead-letter queues.
 */
export class BrokerProbe {
  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(url: string): Promise<BrokerProbe> {
    const model = await connect(url);
    model.on('error', () => undefined);
    const channel = await model.createConfirmChannel();
    channel.on('error', () => undefined);
    return new BrokerProbe(model, channel);
  }

  /** Publishes `content` as it is to the default exchange (persistent) and waits for the confirm. */
  async send(queue: string, content: Buffer | string, headers: Record<string, unknown> = {}): Promise<void> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.channel.publish('', queue, bytes, { persistent: true, contentType: 'application/json', headers });
    await this.channel.waitForConfirms();
  }

  /** Declares `queue` durable and not auto-deleted, as the indexer and producers do. */
  async declare(queue: string): Promise<void> {
    await this.channel.assertQueue(queue, { durable: true, autoDelete: false });
  }

  /** Messages ready in `queue` (not counting unacknowledged ones). */
  async ready(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Consumers subscribed to `queue`. */
  async queueConsumers(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).consumerCount;
  }

  /** Takes (acks) `count` messages from `queue`, waiting until they are there. */
  async take(queue: string, count: number, timeoutMs = 60_000): Promise<GetMessage[]> {
    await waitFor(async () => ((await this.ready(queue)) >= count ? true : undefined), { timeoutMs, intervalMs: 200, what: `${count} messages in ${queue}` });
    const messages: GetMessage[] = [];
    for (let i = 0; i < count; i += 1) {
      const message = await this.channel.get(queue, { noAck: true });
      if (message === false) break;
      messages.push(message);
    }
    return messages;
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => undefined);
  }
}
