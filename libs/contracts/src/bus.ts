import type { z } from 'zod';
import { cloudifyEventSchema, cloudifyLogSchema } from './events';
import { diamondMetricSchema, policyControlSchema } from './metrics';

/*
 * The bus topology (reference: amqp-and-agents.md §2) and the one map from queue to message schema.
 * Departure from 3.4, on purpose: the events and logs queues are durable and never auto-deleted,
 * so a restarting indexer loses nothing (issue 4).
 */

export const EVENTS_QUEUE = 'cloudify-events';
export const LOGS_QUEUE = 'cloudify-logs';
export const MONITORING_EXCHANGE = 'cloudify-monitoring';
export const POLICY_CONTROL_QUEUE = 'manager-riemann';
export const DEAD_LETTER_EXCHANGE = 'cloudify.dead-letter';

/** Header carrying why a message was dead-lettered. */
export const DEAD_LETTER_REASON_HEADER = 'x-cfy-dead-letter-reason';
/** Header carrying the correlation id across AMQP hops. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** Dead-letter queue name for a queue. @example deadLetterQueueName('cloudify-events') → 'cloudify-events.dlq' */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/**
 * Every message contract on the bus, keyed by the queue it is consumed from (or the exchange, for
 * the metrics topic whose queues are per consumer). Consumers validate against this at the edge.
 */
export const BUS_CONTRACTS = {
  [EVENTS_QUEUE]: cloudifyEventSchema,
  [LOGS_QUEUE]: cloudifyLogSchema,
  [MONITORING_EXCHANGE]: diamondMetricSchema,
  [POLICY_CONTROL_QUEUE]: policyControlSchema,
} as const satisfies Record<string, z.ZodType>;

export type BusAddress = keyof typeof BUS_CONTRACTS;
export type BusMessage<A extends BusAddress> = z.infer<(typeof BUS_CONTRACTS)[A]>;

export interface QueueTopology {
  readonly durable: boolean;
  readonly autoDelete: boolean;
}

/** Declared flags of the queues the manager owns. */
export const QUEUE_TOPOLOGY: Record<typeof EVENTS_QUEUE | typeof LOGS_QUEUE, QueueTopology> = {
  [EVENTS_QUEUE]: { durable: true, autoDelete: false },
  [LOGS_QUEUE]: { durable: true, autoDelete: false },
};
