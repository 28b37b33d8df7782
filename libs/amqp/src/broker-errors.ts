/*
 * Reading RabbitMQ's channel-close errors. amqplib gives them as plain Errors with `code` (the AMQP
 * reply code) and the broker's text, e.g.
 *   Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'x' in vhost '/'"
 */

export const NOT_FOUND = 404;

/** The AMQP reply code of a channel or connection error, if it has one. */
export function replyCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}

const MISSING_EXCHANGE = /no exchange '((?:[^']|'(?! in vhost))*)' in vhost/;

/** The exchange a 404 channel error says does not exist, if that is what it says. */
export function missingExchangeOf(error: unknown): string | undefined {
  if (replyCodeOf(error) !== NOT_FOUND || !(error instanceof Error)) return undefined;
  return MISSING_EXCHANGE.exec(error.message)?.[1];
}
