import { AMQP_CORRELATION_HEADER, correlationIdFrom } from '@cfy/logging';
import { originalRoute, type ReceivedMessage } from './forwarding';
import { retryCountOf } from './retry-policy';

/** What a handler learns about a message besides its typed body. */
export interface MessageContext {
  /** The queue it was consumed from. */
  readonly queue: string;
  /** Exchange it was first published to ('' = default exchange), also after retries. */
  readonly exchange: string;
  /** Routing key it was first published with, also after retries. */
  readonly routingKey: string;
  /** The broker delivered it before and it was not acknowledged (e.g. the consumer's connection dropped). */
  readonly redelivered: boolean;
  /** Retries made so far after handler failures: 0 on the first attempt. */
  readonly retryCount: number;
  /** Correlation id from the message header, when it carries a sane one. */
  readonly correlationId: string | undefined;
  readonly messageId: string | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
}

export function messageContext(queue: string, message: ReceivedMessage): MessageContext {
  const headers = message.properties.headers ?? {};
  const route = originalRoute(message);
  const messageId: unknown = message.properties.messageId;
  return {
    queue,
    exchange: route.exchange,
    routingKey: route.routingKey,
    redelivered: message.fields.redelivered,
    retryCount: retryCountOf(headers),
    correlationId: correlationIdFrom(headers, AMQP_CORRELATION_HEADER),
    messageId: typeof messageId === 'string' ? messageId : undefined,
    headers,
  };
}
