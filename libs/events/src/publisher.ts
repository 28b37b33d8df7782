import type { PublishOptions, PublisherOptions, Topology } from '@cfy/amqp';
import { cloudifyEventSchema, cloudifyLogSchema, EVENTS_QUEUE, LOGS_QUEUE, QUEUE_TOPOLOGY, type CloudifyEvent, type CloudifyLog } from '@cfy/contracts';
import { silentLogger, type Logger } from '@cfy/logging';
import { z } from 'zod';
import { InvalidEventError } from './errors';

/** The queues events and logs go to; each is also the routing key on the default exchange. */
export interface EventQueues {
  readonly events: string;
  readonly logs: string;
}

/** `cloudify-events` / `cloudify-logs`, as every 3.4 client uses them. */
export const DEFAULT_EVENT_QUEUES: EventQueues = { events: EVENTS_QUEUE, logs: LOGS_QUEUE };

/**
 * The declaration of both queues: durable and never auto-deleted (our departure from 3.4, whose
 * queues vanished with their last consumer and lost messages meanwhile). Producers and the indexer
 * declare the same thing, so whoever comes first creates them right.
 * @example eventQueueTopology().queues // [{ name: 'cloudify-events', options: { durable: true, autoDelete: false } }, …]
 */
export function eventQueueTopology(queues: EventQueues = DEFAULT_EVENT_QUEUES): Topology {
  const flags = QUEUE_TOPOLOGY[EVENTS_QUEUE];
  const logFlags = QUEUE_TOPOLOGY[LOGS_QUEUE];
  return {
    queues: [
      { name: queues.events, options: { durable: flags.durable, autoDelete: flags.autoDelete, exclusive: false } },
      { name: queues.logs, options: { durable: logFlags.durable, autoDelete: logFlags.autoDelete, exclusive: false } },
    ],
  };
}

/** What the publisher needs of a broker connection; `AmqpConnection` from @cfy/amqp is one. */
export interface EventTransport {
  declare(topology: Topology): Promise<void>;
  createPublisher(options?: PublisherOptions): EventSink;
}

/** A confirming publisher (`Publisher` from @cfy/amqp). */
export interface EventSink {
  publish(exchange: string, routingKey: string, body: unknown, options?: PublishOptions): Promise<void>;
  close(timeoutMs?: number): Promise<void>;
}

export interface EventPublisherOptions {
  readonly connection: EventTransport;
  /** Default `cloudify-events` / `cloudify-logs`; tests use queues of their own. */
  readonly queues?: EventQueues;
  /** Time limit of one publish (reaching the broker plus its confirm), in ms. Default 30 000. */
  readonly publishTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Publishes Cloudify events and logs the way 3.4 clients do: JSON on the default exchange with
 * routing key `cloudify-events` / `cloudify-logs`, persistent, with publisher confirms, after
 * declaring both queues. Every document is checked against the contract first, so a malformed one
 * fails loudly where it was built instead of in the indexer's dead-letter queue.
 *
 * @example
 * const publisher = await EventPublisher.open({ connection: amqp, logger });
 * await publisher.publish(new EventBuilder().workflowStarted(context));
 * await publisher.close();
 */
export class EventPublisher {
  private constructor(
    private readonly sink: EventSink,
    private readonly queues: EventQueues,
  ) {}

  /**
   * Declares both queues (now, or on connect if the broker is not reachable yet) and opens a
   * confirm channel. Rejects with TopologyError when a queue exists with other flags.
   */
  static async open(options: EventPublisherOptions): Promise<EventPublisher> {
    const queues = options.queues ?? DEFAULT_EVENT_QUEUES;
    await options.connection.declare(eventQueueTopology(queues));
    const sink = options.connection.createPublisher({
      timeoutMs: options.publishTimeoutMs ?? 30_000,
      logger: (options.logger ?? silentLogger).child({ component: 'event-publisher' }),
    });
    return new EventPublisher(sink, queues);
  }

  /**
   * Resolves once the broker confirmed the document. Rejects with InvalidEventError (not sent) when
   * it breaks the contract, else with the @cfy/amqp publish errors (each says whether a retry helps).
   * The current correlation id travels in the message headers.
   */
  publish(document: CloudifyEvent | CloudifyLog, options: Pick<PublishOptions, 'headers' | 'timeoutMs'> = {}): Promise<void> {
    let routingKey: string;
    try {
      routingKey = this.validate(document);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.sink.publish('', routingKey, document, options);
  }

  /** Waits (up to `timeoutMs`, default 10 000) for publishes in flight, then closes the channel. */
  close(timeoutMs?: number): Promise<void> {
    return this.sink.close(timeoutMs);
  }

  /** Checks `document` against its contract and returns its routing key. */
  private validate(document: CloudifyEvent | CloudifyLog): string {
    // Widened on purpose: callers in plain JS or with casts can pass anything.
    const kind: unknown = document.type;
    if (kind === 'cloudify_event') {
      assertValid(cloudifyEventSchema, document, 'event');
      return this.queues.events;
    }
    if (kind === 'cloudify_log') {
      assertValid(cloudifyLogSchema, document, 'log');
      return this.queues.logs;
    }
    throw new InvalidEventError('not a Cloudify event or log', `type must be "cloudify_event" or "cloudify_log", got ${JSON.stringify(kind)}`);
  }
}

function assertValid(schema: z.ZodType, document: unknown, what: string): void {
  const result = schema.safeParse(document);
  if (!result.success) throw new InvalidEventError(`the ${what} breaks the contract`, z.prettifyError(result.error));
}
