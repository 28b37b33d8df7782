import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** HTTP header carrying the correlation id (the gateway sets it when a client did not). */
export const HTTP_CORRELATION_HEADER = 'x-request-id';
/** AMQP message header carrying the correlation id. Same value as contracts' CORRELATION_ID_HEADER. */
export const AMQP_CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<string>();

/** Runs `fn` with `correlationId` as the current id: every log line inside carries it. */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run(correlationId, fn);
}

/** The correlation id of the request or message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

export function newCorrelationId(): string {
  return randomUUID();
}

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id carried by incoming headers (HTTP or AMQP), if it is a sane token. A header
 * with spaces, control characters or over 128 chars is ignored rather than logged verbatim.
 */
export function correlationIdFrom(headers: Record<string, unknown> | undefined, header: string): string | undefined {
  const raw = headers?.[header];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (Buffer.isBuffer(value)) return checked(value.toString('utf8'));
  return typeof value === 'string' ? checked(value) : undefined;
}

function checked(value: string): string | undefined {
  return VALID_ID.test(value) ? value : undefined;
}

/** Headers to add to an outgoing AMQP message so the consumer continues the same correlation. */
export function outgoingAmqpHeaders(): Record<string, string> {
  const id = currentCorrelationId();
  return id ? { [AMQP_CORRELATION_HEADER]: id } : {};
}
