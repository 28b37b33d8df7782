/*
 * Every failure this lib reports is one of these classes, and each says whether trying the same
 * thing again later can help (`retryable`), so callers decide without parsing messages.
 */

/** Base of the lib's errors. */
export abstract class AmqpError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The broker cannot be reached (refused, unresolvable, handshake failed) or did not come back
 * within the caller's time limit. Retryable: the connection keeps reconnecting in the background.
 */
export class BrokerUnavailableError extends AmqpError {
  override readonly name = 'BrokerUnavailableError';
  readonly retryable = true;
}

/**
 * A message reached the broker but was not confirmed within the publish time limit (for example
 * while the connection was blocked by a memory alarm). It may or may not have been stored, so a
 * retry can produce a duplicate; consumers are at-least-once anyway.
 */
export class PublishTimeoutError extends AmqpError {
  override readonly name = 'PublishTimeoutError';
  readonly retryable = true;
}

/** The broker refused responsibility for a message (basic.nack: an internal broker error). */
export class PublishNackedError extends AmqpError {
  override readonly name = 'PublishNackedError';
  readonly retryable = true;
}

/**
 * A mandatory message matched no queue (basic.return, reply code 312 NO_ROUTE) or was sent to an
 * exchange that does not exist (channel error 404). Not retryable: the topology has to change first.
 */
export class UnroutableMessageError extends AmqpError {
  override readonly name = 'UnroutableMessageError';
  readonly retryable = false;

  constructor(
    readonly exchange: string,
    readonly routingKey: string,
    readonly replyCode: number,
    readonly replyText: string,
  ) {
    super(`message to exchange '${exchange}' with routing key '${routingKey}' is unroutable: ${replyCode} ${replyText}`);
  }
}

/** The message cannot be sent as given (body not JSON-serialisable, header table too large). */
export class InvalidMessageError extends AmqpError {
  override readonly name = 'InvalidMessageError';
  readonly retryable = false;
}

/** Declaring exchanges, queues or bindings failed, e.g. a queue exists with other flags (406). */
export class TopologyError extends AmqpError {
  override readonly name = 'TopologyError';
  readonly retryable = false;
}

/** The connection, publisher or consumer was closed by its owner; nothing more will be sent. */
export class AmqpClosedError extends AmqpError {
  override readonly name = 'AmqpClosedError';
  readonly retryable = false;
}

/**
 * Throw from a message handler when retrying cannot help (bad data, unknown deployment): the
 * message goes to the dead-letter queue at once. Any error with `retryable: false` does the same.
 * @example throw new NonRetryableError(`deployment ${id} does not exist`);
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
  readonly retryable = false;
}
