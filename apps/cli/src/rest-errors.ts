/**
 * The manager answered with an error status. `errorCode`/`serverTraceback` come from the JSON
 * error body (rest-api-v2.1.md §2) and are null when the body was not one (e.g. a plain 404 for an
 * unknown path, or a proxy's HTML page); `message` is then the body text or the status line.
 * Retrying can help for 5xx (502/503/504 from a restarting manager or maintenance mode).
 */
export class ManagerHttpError extends Error {
  override readonly name = 'ManagerHttpError';
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    message: string,
    readonly errorCode: string | null,
    readonly serverTraceback: string | null,
    readonly url: string,
  ) {
    super(message);
    this.retryable = status >= 500;
  }

  /** 3.4's `str(CloudifyClientError)`: `<status>: <message>`. */
  describe(): string {
    return `${this.status}: ${this.message}`;
  }
}

/** No HTTP answer: DNS failure, refused or reset connection, TLS failure. Retrying can help. */
export class ManagerConnectionError extends Error {
  override readonly name = 'ManagerConnectionError';
  readonly retryable = true;

  constructor(
    /** Origin that was called, e.g. `http://10.0.0.5:80`. */
    readonly origin: string,
    /** Short reason, e.g. `connect ECONNREFUSED 10.0.0.5:80`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Can't connect to the manager at ${origin}: ${reason}`, options);
  }
}

/** A success response whose body does not match the v2.1 document shape. Not retryable. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  readonly retryable = false;

  constructor(
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Unexpected response from ${url}: ${detail}`, options);
  }
}

/**
 * The reason behind undici's generic `TypeError: fetch failed`: the socket error's message
 * (`connect ECONNREFUSED 127.0.0.1:1`), or every address's error for multi-address hosts.
 */
export function describeNetworkFailure(error: unknown): string {
  const outer = errorLike(error);
  const cause = outer?.cause !== undefined ? outer.cause : error;
  if (Array.isArray((cause as { errors?: unknown } | null)?.errors) && (cause as { errors: unknown[] }).errors.length > 0) {
    return (cause as { errors: unknown[] }).errors.map((inner) => describeNetworkFailure(inner)).join('; ');
  }
  const inner = errorLike(cause);
  if (inner === null) return String(cause);
  return inner.message !== '' ? inner.message : (inner.code ?? inner.name);
}

/** Error-shaped values without `instanceof`, which fails for errors made in another realm (undici's, under jest). */
export function errorLike(value: unknown): { name: string; message: string; code?: string; cause?: unknown } | null {
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  if (typeof candidate.message !== 'string') return null;
  return {
    name: typeof candidate.name === 'string' ? candidate.name : 'Error',
    message: candidate.message,
    ...(typeof candidate.code === 'string' ? { code: candidate.code } : {}),
    ...('cause' in candidate ? { cause: candidate.cause } : {}),
  };
}
