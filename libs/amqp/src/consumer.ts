import { DEAD_LETTER_EXCHANGE } from '@cfy/contracts';
import { withCorrelationId, type Logger } from '@cfy/logging';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import { ChannelKeeper } from './channel-keeper';
import type { ConnectionHandle } from './connection-handle';
import { decodeMessage } from './decode';
import { deadLetterOptions, retryOptions } from './forwarding';
import { messageContext, type MessageContext } from './message-context';
import type { RawPublishOptions } from './publish-options';
import { Publisher } from './publisher';
import { describeError, failureDecision } from './retry-policy';
import { Waiters, settlesWithin } from './timeouts';

/** Handles one valid message. Throw to fail it: see `ConsumerOptions.maxRetries` and NonRetryableError. */
export type MessageHandler<T> = (message: T, context: MessageContext) => Promise<void> | void;

export interface ConsumerOptions<S extends z.ZodType> {
  /** Queue to consume; it must be declared (e.g. in the connection's topology). */
  readonly queue: string;
  /** Every body is parsed as JSON and validated with this schema before the handler sees it (usually BUS_CONTRACTS[queue]). */
  readonly schema: S;
  readonly handler: MessageHandler<z.output<S>>;
  /** Unacknowledged messages the broker hands over at once = handlers running at once. Default 20. */
  readonly prefetch?: number;
  /** Retries after a retryable handler failure before the message is dead-lettered. Default 3. */
  readonly maxRetries?: number;
  /** How long stop() waits for running handlers, in ms. Default 10 000. */
  readonly drainTimeoutMs?: number;
  /** Time limit in ms to forward a message (retry or dead-letter) with confirm. Default 10 000. */
  readonly forwardTimeoutMs?: number;
  readonly logger?: Logger;
}

export type ConsumerState = 'running' | 'stopping' | 'stopped';

const DEFAULT_PREFETCH = 20;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
const CANCEL_LIMIT_MS = 5_000;

/**
 * Consumes one queue with manual acks. Each message is validated at the edge, then:
 * - invalid JSON or schema failure: dead-lettered with the reason;
 * - handler succeeded: acked;
 * - handler failed, retryable: put back on the queue with a retry count header, up to `maxRetries`,
 *   then dead-lettered; not retryable: dead-lettered at once.
 * A forward (retry or dead-letter) is confirmed by the broker before the original is acked, so a
 * message is never lost; if the forward fails the original is requeued. Messages go to
 * `cloudify.dead-letter` with the queue name as routing key, into `<queue>.dlq`.
 *
 * It re-subscribes by itself after a reconnect. Create it with `AmqpConnection.consume()`.
 */
export class Consumer<S extends z.ZodType> {
  readonly queue: string;
  private readonly logger: Logger;
  private readonly prefetch: number;
  private readonly maxRetries: number;
  private readonly drainTimeoutMs: number;
  private readonly forwardTimeoutMs: number;
  private status: ConsumerState = 'running';
  private subscription: { channel: Channel; consumerTag: string } | undefined;
  private readonly handling = new Set<Promise<void>>();
  private readonly idle = new Waiters();
  private stopping: Promise<void> | undefined;
  private readonly forwarder: Publisher;
  private readonly keeper: ChannelKeeper<Channel>;

  constructor(
    connection: ConnectionHandle,
    private readonly options: ConsumerOptions<S>,
  ) {
    this.queue = options.queue;
    this.logger = (options.logger ?? connection.logger).child({ component: 'amqp-consumer', queue: options.queue });
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.forwardTimeoutMs = options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS;
    this.forwarder = new Publisher(connection, { timeoutMs: this.forwardTimeoutMs, logger: this.logger });
    this.keeper = new ChannelKeeper<Channel>({
      connection,
      logger: this.logger,
      create: (model) => model.createChannel(),
      setUp: (channel) => this.subscribe(channel),
      onOpened: () => this.logger.info('consuming', { prefetch: this.prefetch }),
      onClosed: (channel) => {
        if (this.subscription?.channel === channel) this.subscription = undefined;
        if (this.status === 'running') this.logger.warn('consumer channel closed; re-subscribing when possible', { inFlight: this.handling.size });
      },
    });
  }

  get state(): ConsumerState {
    return this.status;
  }

  /** Readiness: running and subscribed to the queue. */
  isConsuming(): boolean {
    return this.status === 'running' && this.keeper.current() !== undefined;
  }

  /** Handlers running now. */
  inFlight(): number {
    return this.handling.size;
  }

  /**
   * Ordered stop: cancel the subscription (no new messages), wait up to `drainTimeoutMs` for running
   * handlers to finish and ack, then close the channels. Messages still unacknowledged go back to the
   * queue. Idempotent.
   */
  stop(drainTimeoutMs = this.drainTimeoutMs): Promise<void> {
    this.stopping ??= this.shutDown(drainTimeoutMs);
    return this.stopping;
  }

  private async shutDown(drainTimeoutMs: number): Promise<void> {
    this.status = 'stopping';
    this.keeper.stopReopening();
    const subscription = this.subscription;
    if (subscription && this.keeper.current() === subscription.channel) {
      await settlesWithin(subscription.channel.cancel(subscription.consumerTag), CANCEL_LIMIT_MS);
    }
    if (this.handling.size > 0) {
      this.logger.info('draining', { inFlight: this.handling.size });
      const drained = await settlesWithin(this.idle.next(), drainTimeoutMs);
      if (!drained) {
        this.logger.warn('drain time limit reached; unacknowledged messages return to the queue', {
          inFlight: this.handling.size,
          drainTimeoutMs,
        });
      }
    }
    await this.keeper.stop();
    await this.forwarder.close(this.forwardTimeoutMs);
    this.status = 'stopped';
    this.logger.info('consumer stopped');
  }

  private async subscribe(channel: Channel): Promise<void> {
    await channel.prefetch(this.prefetch);
    const { consumerTag } = await channel.consume(this.queue, (message) => this.onDelivery(channel, message), { noAck: false });
    this.subscription = { channel, consumerTag };
  }

  private onDelivery(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (queue deleted, or its node went away): re-open with backoff.
      this.logger.warn('broker cancelled the subscription');
      channel.close().catch(() => undefined);
      return;
    }
    if (this.status !== 'running') {
      // Arrived between our cancel and its confirmation: hand it back untouched.
      settleQuietly(() => channel.nack(message, false, true));
      return;
    }
    const task: Promise<void> = this.handle(channel, message)
      .catch((error: unknown) => this.logger.error('message handling failed unexpectedly', { error: describeError(error) }))
      .finally(() => {
        this.handling.delete(task);
        if (this.handling.size === 0) this.idle.wake();
      });
    this.handling.add(task);
  }

  private handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const context = messageContext(this.queue, message);
    const run = () => this.process(channel, message, context);
    return context.correlationId ? withCorrelationId(context.correlationId, run) : run();
  }

  private async process(channel: Channel, message: ConsumeMessage, context: MessageContext): Promise<void> {
    const decoded = decodeMessage(message.content, this.options.schema);
    if (!decoded.ok) {
      await this.deadLetter(channel, message, decoded.reason);
      return;
    }
    try {
      await this.options.handler(decoded.value, context);
    } catch (error) {
      const decision = failureDecision(error, context.retryCount, this.maxRetries);
      if (decision.action === 'retry') await this.retry(channel, message, decision.retryCount, error);
      else await this.deadLetter(channel, message, decision.reason);
      return;
    }
    this.ack(channel, message);
  }

  private async retry(channel: Channel, message: ConsumeMessage, retryCount: number, error: unknown): Promise<void> {
    this.logger.warn('handler failed; retrying the message', { retryCount, maxRetries: this.maxRetries, error: describeError(error) });
    await this.forward(channel, message, '', this.queue, retryOptions(message, retryCount));
  }

  private async deadLetter(channel: Channel, message: ConsumeMessage, reason: string): Promise<void> {
    this.logger.warn('dead-lettering message', { reason, deadLetterExchange: DEAD_LETTER_EXCHANGE });
    await this.forward(channel, message, DEAD_LETTER_EXCHANGE, this.queue, deadLetterOptions(message, reason));
  }

  /** Publishes the copy with confirm, then acks the original; requeues the original if the copy failed. */
  private async forward(
    channel: Channel,
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    options: RawPublishOptions,
  ): Promise<void> {
    try {
      await this.forwarder.publishRaw(exchange, routingKey, message.content, options);
    } catch (error) {
      this.logger.error('could not forward the message; requeueing it', { exchange, routingKey, error: describeError(error) });
      settleQuietly(() => channel.nack(message, false, true));
      return;
    }
    this.ack(channel, message);
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    if (!settleQuietly(() => channel.ack(message))) {
      // The channel died with the connection; the broker redelivers the message (flagged redelivered).
      this.logger.debug('ack not sent: channel closed; the broker will redeliver the message');
    }
  }
}

/** Runs an ack/nack; false when the channel is already closed (amqplib throws IllegalOperationError). */
function settleQuietly(send: () => void): boolean {
  try {
    send();
    return true;
  } catch {
    return false;
  }
}
