import { DEAD_LETTER_REASON_HEADER } from '@cfy/contracts';
import type { Message } from 'amqplib';
import { ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, PUBLISH_ID_HEADER, RETRY_COUNT_HEADER } from './headers';
import type { RawPublishOptions } from './publish-options';

/*
 * A consumer forwards a message in two cases: back to its own queue for another attempt, and to
 * the dead-letter exchange. Both keep the body and properties as they were and record where the
 * message was first published, so the last hop still tells where it came from.
 */

export type ReceivedMessage = Pick<Message, 'fields' | 'properties'>;

export interface Route {
  readonly exchange: string;
  readonly routingKey: string;
}

/** Where a message was first published: the original-route headers if a retry set them, else its own fields. */
export function originalRoute(message: ReceivedMessage): Route {
  const headers = headersOf(message);
  const exchange = headers[ORIGINAL_EXCHANGE_HEADER];
  const routingKey = headers[ORIGINAL_ROUTING_KEY_HEADER];
  return {
    exchange: typeof exchange === 'string' ? exchange : message.fields.exchange,
    routingKey: typeof routingKey === 'string' ? routingKey : message.fields.routingKey,
  };
}

/** Options to publish `message` to the dead-letter exchange with `reason`. */
export function deadLetterOptions(message: ReceivedMessage, reason: string): RawPublishOptions {
  return { ...carriedOptions(message), headers: { ...carriedHeaders(message), [DEAD_LETTER_REASON_HEADER]: reason } };
}

/** Options to put `message` back on its queue as retry number `retryCount`. */
export function retryOptions(message: ReceivedMessage, retryCount: number): RawPublishOptions {
  return { ...carriedOptions(message), headers: { ...carriedHeaders(message), [RETRY_COUNT_HEADER]: retryCount } };
}

function carriedHeaders(message: ReceivedMessage): Record<string, unknown> {
  const { [PUBLISH_ID_HEADER]: _publishId, ...headers } = headersOf(message);
  const route = originalRoute(message);
  return { ...headers, [ORIGINAL_EXCHANGE_HEADER]: route.exchange, [ORIGINAL_ROUTING_KEY_HEADER]: route.routingKey };
}

function carriedOptions(message: ReceivedMessage): RawPublishOptions {
  const p = message.properties;
  // Expiration is dropped on purpose: a dead-lettered or retried message must not vanish by TTL.
  return withoutUndefined({
    contentType: stringOr(p.contentType),
    contentEncoding: stringOr(p.contentEncoding),
    correlationId: stringOr(p.correlationId),
    messageId: stringOr(p.messageId),
    type: stringOr(p.type),
    appId: stringOr(p.appId),
    priority: typeof p.priority === 'number' ? p.priority : undefined,
    timestamp: typeof p.timestamp === 'number' ? p.timestamp : undefined,
    persistent: true,
    mandatory: true,
  });
}

function headersOf(message: ReceivedMessage): Record<string, unknown> {
  return message.properties.headers ?? {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
