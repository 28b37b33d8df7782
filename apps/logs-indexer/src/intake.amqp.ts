import type { AmqpConnection, Consumer } from '@cfy/amqp';
import { BUS_CONTRACTS, deadLetterQueueName, EVENTS_QUEUE, LOGS_QUEUE } from '@cfy/contracts';
import type { EventQueues } from '@cfy/events';
import type { Logger } from '@cfy/logging';
import type { z } from 'zod';
import { indexMessageHandler, type DocumentSink } from './index-message';
import type { StreamKind } from './index-names';
import { validatedAgainst } from './intake-schema';
import type { IndexerStats } from './stats';

const CONTRACTS = { events: BUS_CONTRACTS[EVENTS_QUEUE], logs: BUS_CONTRACTS[LOGS_QUEUE] } as const;
/** A stats request must not hang on a broker that stopped answering. */
const QUEUE_CHECK_LIMIT_MS = 2_000;

export interface IntakeOptions {
  readonly connection: AmqpConnection;
  readonly queues: EventQueues;
  readonly prefix: string;
  /** Unacknowledged messages per queue. */
  readonly prefetch: number;
  /** How long stop() lets messages in flight finish, in ms. */
  readonly drainTimeoutMs: number;
  readonly sink: DocumentSink;
  readonly stats: IndexerStats;
  readonly logger: Logger;
}

/** The state of one stream's consumer, for /stats. */
export interface StreamIntakeState {
  readonly queue: string;
  readonly consuming: boolean;
  /** Messages being stored now (delivered, not yet acknowledged). */
  readonly in_flight: number;
}

/**
 * Consumes `cloudify-events` and `cloudify-logs` (manual acks, `prefetch` each): every body is
 * validated against its contract at the edge (a failure is dead-lettered with the reason by the
 * consumer and counted here), stored, and acknowledged once Elasticsearch confirmed it. While
 * Elasticsearch is away the handlers wait, so at most `prefetch` messages per queue are held and
 * the rest stay with the broker.
 */
export class Intake {
  private constructor(
    private readonly options: IntakeOptions,
    private readonly consumers: Readonly<Record<StreamKind, Consumer<z.ZodType>>>,
  ) {}

  static async start(options: IntakeOptions): Promise<Intake> {
    const logger = (kind: StreamKind) => options.logger.child({ stream: kind });
    const consume = (kind: StreamKind): Promise<Consumer<z.ZodType>> =>
      options.connection.consume({
        queue: options.queues[kind],
        schema: validatedAgainst(CONTRACTS[kind], () => options.stats.invalid(kind)),
        handler: indexMessageHandler({ kind, prefix: options.prefix, sink: options.sink, stats: options.stats, logger: logger(kind) }),
        prefetch: options.prefetch,
        drainTimeoutMs: options.drainTimeoutMs,
        logger: logger(kind),
      });
    const [events, logs] = await Promise.all([consume('events'), consume('logs')]);
    return new Intake(options, { events, logs });
  }

  /** Both consumers subscribed. */
  isConsuming(): boolean {
    return this.consumers.events.isConsuming() && this.consumers.logs.isConsuming();
  }

  state(kind: StreamKind): StreamIntakeState {
    const consumer = this.consumers[kind];
    return { queue: consumer.queue, consuming: consumer.isConsuming(), in_flight: consumer.inFlight() };
  }

  /**
   * Messages waiting in the stream's dead-letter queue, from the broker (it also holds bodies that
   * were not even JSON, which the `invalid` counter cannot see); null when the broker is away.
   */
  async deadLettered(kind: StreamKind): Promise<number | null> {
    const model = this.options.connection.currentModel();
    if (!model) return null;
    let timer: NodeJS.Timeout | undefined;
    try {
      const channel = await model.createChannel();
      // A missing queue closes the channel with an 'error' event; the failed call says so already.
      channel.on('error', () => undefined);
      try {
        const check = channel.checkQueue(deadLetterQueueName(this.options.queues[kind]));
        const limit = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUEUE_CHECK_LIMIT_MS)));
        const result = await Promise.race([check, limit]);
        return result === null ? null : result.messageCount;
      } finally {
        clearTimeout(timer);
        await channel.close().catch(() => undefined);
      }
    } catch {
      return null;
    }
  }

  /** Cancels both subscriptions, lets messages in flight be stored and acknowledged, closes the channels. */
  async stop(): Promise<void> {
    await Promise.all([this.consumers.events.stop(), this.consumers.logs.stop()]);
  }
}
