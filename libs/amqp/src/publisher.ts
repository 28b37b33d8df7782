import { randomUUID } from 'node:crypto';
import { outgoingAmqpHeaders, type Logger } from '@cfy/logging';
import { IllegalOperationError, type ConfirmChannel, type Message, type Options } from 'amqplib';
import { missingExchangeOf, NOT_FOUND } from './broker-errors';
import { ChannelKeeper } from './channel-keeper';
import type { ConnectionHandle } from './connection-handle';
import {
  AmqpClosedError,
  BrokerUnavailableError,
  InvalidMessageError,
  PublishNackedError,
  PublishTimeoutError,
  UnroutableMessageError,
} from './errors';
import { PUBLISH_ID_HEADER } from './headers';
import type { PublishOptions, RawPublishOptions } from './publish-options';
import { Waiters, settlesWithin } from './timeouts';

export interface PublisherOptions {
  /** Time limit in ms per publish: waiting for the broker plus its confirm. Default 30 000. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** One publish waiting for its confirm. */
interface PendingPublish {
  readonly id: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
  /** The channel it was last written to; undefined while waiting to be (re-)sent. */
  sentOn: ConfirmChannel | undefined;
  /** Set by basic.return, which RabbitMQ sends just before the ack of the same message. */
  returned: UnroutableMessageError | undefined;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(): void;
  reject(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * Publishes JSON messages on a confirm channel with many messages in flight. Each `publish`
 * resolves when the broker has taken responsibility for the message (basic.ack) and rejects with a
 * typed error otherwise. Messages are persistent, mandatory and `application/json` by default, and
 * carry the caller's correlation id header.
 *
 * While the broker is away, publishes wait for the reconnect. Messages written but not confirmed
 * when a connection or channel drops are re-sent on the next channel (at-least-once: a consumer
 * may see a duplicate), all within each publish's time limit.
 *
 * Create it with `AmqpConnection.createPublisher()`.
 * @example await publisher.publish('', 'cloudify-events', event, { messageId: event.id });
 */
export class Publisher {
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  /** Every unsettled publish, in publish order. */
  private readonly pending = new Map<string, PendingPublish>();
  /** Publishes waiting for a channel, or for the channel's write buffer to drain, in order. */
  private queue: PendingPublish[] = [];
  private queueHead = 0;
  private writable = true;
  private readonly idPrefix = randomUUID().slice(0, 8);
  private sequence = 0;
  private closing: Promise<void> | undefined;
  private readonly idle = new Waiters();
  private readonly keeper: ChannelKeeper<ConfirmChannel>;

  constructor(connection: ConnectionHandle, options: PublisherOptions = {}) {
    this.logger = (options.logger ?? connection.logger).child({ component: 'amqp-publisher' });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.keeper = new ChannelKeeper<ConfirmChannel>({
      connection,
      logger: this.logger,
      create: (model) => model.createConfirmChannel(),
      setUp: async (channel) => {
        channel.on('return', (message: Message) => this.onReturn(message));
        channel.on('drain', () => this.onDrain(channel));
      },
      onOpened: () => {
        this.writable = true;
        this.flush();
      },
      onClosed: (channel, error) => this.onChannelClosed(channel, error),
    });
  }

  /**
   * Publishes `body` as JSON. Resolves once the broker confirmed it.
   * Rejects with UnroutableMessageError (no queue / no such exchange), PublishNackedError,
   * BrokerUnavailableError (not reconnected within the time limit), PublishTimeoutError (sent but not
   * confirmed in time), InvalidMessageError (not JSON-serialisable) or AmqpClosedError (after close()).
   */
  publish(exchange: string, routingKey: string, body: unknown, options: PublishOptions = {}): Promise<void> {
    let content: Buffer;
    try {
      const json = JSON.stringify(body);
      if (json === undefined) throw new TypeError(`${typeof body} is not JSON`);
      content = Buffer.from(json, 'utf8');
    } catch (error) {
      return Promise.reject(new InvalidMessageError(`message body is not JSON-serialisable: ${messageOf(error)}`, { cause: error }));
    }
    return this.publishRaw(exchange, routingKey, content, options);
  }

  /** Publishes `content` bytes as they are (forwarding); same guarantees as `publish`. */
  publishRaw(exchange: string, routingKey: string, content: Buffer, options: RawPublishOptions = {}): Promise<void> {
    if (this.closing) return Promise.reject(new AmqpClosedError('publisher is closed'));
    const id = `${this.idPrefix}.${++this.sequence}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<void>((resolve, reject) => {
      const pending: PendingPublish = {
        id,
        exchange,
        routingKey,
        content,
        options: amqpOptions(options, id),
        sentOn: undefined,
        returned: undefined,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      pending.timer = setTimeout(() => this.expire(pending, timeoutMs), timeoutMs);
      this.pending.set(id, pending);
      this.enqueue(pending);
    });
  }

  /** Publishes not yet confirmed (or rejected). */
  inFlight(): number {
    return this.pending.size;
  }

  /** True when a confirm channel is open, i.e. publishes go out now. */
  isReady(): boolean {
    return this.keeper.current() !== undefined;
  }

  /**
   * Stops taking publishes, waits up to `timeoutMs` (default 10 000) for those in flight to be
   * confirmed (when connected), rejects the rest with AmqpClosedError, then closes the channel.
   * Idempotent.
   */
  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    // Waiting only makes sense with a channel open; with the broker away, fail the rest at once.
    if (this.pending.size > 0 && this.isReady()) await settlesWithin(this.idle.next(), timeoutMs);
    for (const pending of this.pending.values()) {
      this.settle(pending, new AmqpClosedError('publisher closed before the broker confirmed the message'));
    }
    await this.keeper.stop();
  }

  private enqueue(pending: PendingPublish): void {
    this.queue.push(pending);
    this.flush();
  }

  private dequeue(): PendingPublish | undefined {
    const next = this.queue[this.queueHead];
    if (next === undefined) return undefined;
    this.queueHead += 1;
    // Compact now and then rather than shift() per message (O(n) each on a long backlog).
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return next;
  }

  private flush(): void {
    const channel = this.keeper.current();
    if (!channel) return;
    while (this.writable) {
      const pending = this.dequeue();
      if (!pending) return;
      if (pending.settled) continue;
      if (!this.send(channel, pending)) return;
    }
  }

  /** Writes one message; false when the channel turned out to be closing (the message is queued again). */
  private send(channel: ConfirmChannel, pending: PendingPublish): boolean {
    pending.sentOn = channel;
    pending.returned = undefined;
    try {
      const accepted = channel.publish(pending.exchange, pending.routingKey, pending.content, pending.options, (error: unknown) =>
        this.onConfirm(channel, pending, error),
      );
      if (!accepted) this.writable = false;
      return true;
    } catch (error) {
      pending.sentOn = undefined;
      if (error instanceof IllegalOperationError) {
        // Closing under us: its close event follows, then the next channel sends this message.
        this.requeueFront([pending]);
        return false;
      }
      this.settle(pending, new InvalidMessageError(`message could not be encoded: ${messageOf(error)}`, { cause: error }));
      return true;
    }
  }

  private onConfirm(channel: ConfirmChannel, pending: PendingPublish, error: unknown): void {
    if (error === null || error === undefined) {
      if (pending.settled || pending.sentOn !== channel) return;
      this.settle(pending, pending.returned);
      return;
    }
    // amqplib reports a nack and a channel closing with unconfirmed messages through the same
    // callback. On close, onChannelClosed runs in the same tick and takes the message back for
    // re-sending (sentOn changes), so only what is still ours on the next tick was really nacked.
    process.nextTick(() => {
      if (pending.settled || pending.sentOn !== channel) return;
      this.settle(pending, new PublishNackedError(`broker nacked the message to '${pending.exchange}' / '${pending.routingKey}'`));
    });
  }

  private onReturn(message: Message): void {
    const fields: Record<string, unknown> = { ...message.fields };
    const replyCode = typeof fields['replyCode'] === 'number' ? fields['replyCode'] : 0;
    const replyText = typeof fields['replyText'] === 'string' ? fields['replyText'] : 'returned';
    const error = new UnroutableMessageError(message.fields.exchange, message.fields.routingKey, replyCode, replyText);
    const id: unknown = message.properties.headers?.[PUBLISH_ID_HEADER];
    const pending = typeof id === 'string' ? this.pending.get(id) : undefined;
    this.logger.warn('message returned as unroutable', {
      exchange: error.exchange,
      routingKey: error.routingKey,
      replyCode,
      replyText,
    });
    if (pending) pending.returned = error;
  }

  private onDrain(channel: ConfirmChannel): void {
    if (this.keeper.current() !== channel) return;
    this.writable = true;
    this.flush();
  }

  private onChannelClosed(channel: ConfirmChannel, error: Error | undefined): void {
    this.writable = true;
    const missingExchange = missingExchangeOf(error);
    const resend: PendingPublish[] = [];
    for (const pending of this.pending.values()) {
      if (pending.settled || pending.sentOn !== channel) continue;
      pending.sentOn = undefined;
      if (missingExchange !== undefined && pending.exchange === missingExchange) {
        this.settle(pending, new UnroutableMessageError(pending.exchange, pending.routingKey, NOT_FOUND, `NOT_FOUND - no exchange '${pending.exchange}'`));
      } else {
        resend.push(pending);
      }
    }
    if (resend.length > 0) {
      this.logger.warn('channel closed with unconfirmed messages; re-sending them on the next channel', {
        count: resend.length,
        error: error?.message,
      });
      this.requeueFront(resend);
    }
  }

  /** Puts messages back at the head of the queue, keeping their order. */
  private requeueFront(messages: PendingPublish[]): void {
    this.queue = [...messages, ...this.queue.slice(this.queueHead)];
    this.queueHead = 0;
  }

  private expire(pending: PendingPublish, timeoutMs: number): void {
    if (pending.settled) return;
    const reachedBroker = pending.sentOn !== undefined || this.keeper.current() !== undefined;
    this.settle(
      pending,
      reachedBroker
        ? new PublishTimeoutError(`broker did not confirm the message within ${timeoutMs} ms`)
        : new BrokerUnavailableError(`broker not reachable within ${timeoutMs} ms; message not sent`),
    );
  }

  private settle(pending: PendingPublish, error?: Error): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    this.pending.delete(pending.id);
    if (error) pending.reject(error);
    else pending.resolve();
    if (this.pending.size === 0) {
      this.idle.wake();
      // Settled entries left in the queue (timed out while waiting) are garbage now.
      this.queue = [];
      this.queueHead = 0;
    }
  }
}

function amqpOptions(options: RawPublishOptions, id: string): Options.Publish {
  const headers: Record<string, unknown> = { ...outgoingAmqpHeaders() };
  for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key] = value;
  headers[PUBLISH_ID_HEADER] = id;
  const amqp: Options.Publish = {
    contentType: options.contentType ?? 'application/json',
    persistent: options.persistent ?? true,
    mandatory: options.mandatory ?? true,
    headers,
  };
  if (options.contentEncoding !== undefined) amqp.contentEncoding = options.contentEncoding;
  if (options.messageId !== undefined) amqp.messageId = options.messageId;
  if (options.correlationId !== undefined) amqp.correlationId = options.correlationId;
  if (options.type !== undefined) amqp.type = options.type;
  if (options.appId !== undefined) amqp.appId = options.appId;
  if (options.priority !== undefined) amqp.priority = options.priority;
  if (options.expiration !== undefined) amqp.expiration = options.expiration;
  if (options.timestamp !== undefined) amqp.timestamp = options.timestamp;
  return amqp;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
