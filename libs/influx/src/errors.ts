/**
 * Every error this lib throws. Each says whether trying the same thing again can help
 * (`retryable`), so callers (the BatchWriter, consumers, health checks) decide without parsing
 * messages.
 */
export abstract class InfluxError extends Error {
  abstract readonly retryable: boolean;
}

/**
 * InfluxDB could not be reached or could not take the request right now: connection refused or
 * reset, request timeout, HTTP 5xx, 429 or 408. Retrying later can help.
 */
export class InfluxUnavailableError extends InfluxError {
  override readonly name = 'InfluxUnavailableError';
  readonly retryable = true;

  readonly details: {
    /** HTTP status when the server answered; absent for network errors and timeouts. */
    readonly status?: number;
    /** The server's error text, when it sent one. */
    readonly serverMessage?: string;
    /** How long the server asked us to wait (from `Retry-After`), in milliseconds. */
    readonly retryAfterMs?: number;
  };

  constructor(message: string, { cause, ...details }: InfluxUnavailableError['details'] & { cause?: unknown } = {}) {
    super(message, { cause });
    this.details = details;
  }
}

/**
 * InfluxDB refused a write with a 4xx: malformed line protocol, a field type conflict, a missing
 * database, points outside the retention policy, bad credentials. Sending the same points again
 * fails again. For a partial write InfluxDB stored the other points of the request.
 */
export class InfluxWriteError extends InfluxError {
  override readonly name = 'InfluxWriteError';
  readonly retryable = false;

  constructor(
    message: string,
    readonly status: number,
    /** InfluxDB's own explanation, e.g. `partial write: field type conflict: … dropped=1`. */
    readonly serverMessage: string,
    /** How many points InfluxDB says it dropped (`dropped=N`), when it says so. */
    readonly droppedPoints: number | undefined,
  ) {
    super(message);
  }

  /** True when InfluxDB stored some points of the request and dropped only `droppedPoints`. */
  get partial(): boolean {
    return this.serverMessage.includes('partial write');
  }
}

/**
 * A query InfluxDB refused or could not run: an InfluxQL parse error (HTTP 400), an error inside
 * one statement's result (e.g. `database not found`), bad credentials, or a response that does not
 * have the documented shape. Running the same query again fails again.
 */
export class InfluxQueryError extends InfluxError {
  override readonly name = 'InfluxQueryError';
  readonly retryable = false;

  readonly details: {
    /** HTTP status, when the server refused the request as a whole. */
    readonly status?: number;
    /** InfluxDB's own explanation, when it gave one. */
    readonly serverMessage?: string;
    /** The index of the failing statement in a multi-statement query. */
    readonly statementId?: number;
  };

  constructor(message: string, { cause, ...details }: InfluxQueryError['details'] & { cause?: unknown } = {}) {
    super(message, { cause });
    this.details = details;
  }
}

/** A point that cannot be written as line protocol (NaN, no fields, an unrepresentable name…). */
export class LineProtocolError extends InfluxError {
  override readonly name = 'LineProtocolError';
  readonly retryable = false;

  constructor(
    message: string,
    /** The measurement of the offending point, to find it in logs. */
    readonly measurement: string,
  ) {
    super(message);
  }
}

/** Options that cannot work (bad URL, bad retention duration, conflicting credentials). */
export class InfluxConfigError extends InfluxError {
  override readonly name = 'InfluxConfigError';
  readonly retryable = false;
}

/** `write()` was called on a BatchWriter after `close()`. */
export class InfluxWriterClosedError extends InfluxError {
  override readonly name = 'InfluxWriterClosedError';
  readonly retryable = false;

  constructor() {
    super('the InfluxDB batch writer is closed');
  }
}

/** True when retrying the failed operation can help (network trouble, 5xx, 429). */
export function isRetryableInfluxError(error: unknown): boolean {
  return error instanceof InfluxError && error.retryable;
}
