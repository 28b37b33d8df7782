import { ManagerError } from '@cfy/contracts';

/** Why an upstream exchange failed, for logs and for the client's message. */
export type UpstreamFailureReason = 'refused' | 'reset' | 'timeout' | 'unreachable' | 'failed';

/**
 * An upstream service could not be reached or did not answer in time. Rendered to the client as
 * 502 `bad_gateway_error` naming only the service (never its address or the socket error).
 * Retryable: the same request may succeed once the service is back.
 */
export class UpstreamUnavailableError extends ManagerError {
  override readonly name = 'UpstreamUnavailableError';
  readonly retryable = true;

  constructor(
    readonly upstream: string,
    readonly reason: UpstreamFailureReason,
    options: { timeoutMs?: number; cause?: unknown } = {},
  ) {
    super(
      'bad_gateway_error',
      options.timeoutMs === undefined ? `${upstream} is unavailable` : `${upstream} did not answer within ${options.timeoutMs} ms`,
      { cause: options.cause },
    );
  }

  /** Classifies a socket-level error (`ECONNREFUSED`, `ECONNRESET`, ...) of a request to `upstream`. */
  static fromSocketError(upstream: string, error: unknown, timedOutAfterMs?: number): UpstreamUnavailableError {
    if (timedOutAfterMs !== undefined) return new UpstreamUnavailableError(upstream, 'timeout', { timeoutMs: timedOutAfterMs, cause: error });
    return new UpstreamUnavailableError(upstream, reasonOf(errorCode(error)), { cause: error });
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

const REASON_BY_CODE = new Map<string, UpstreamFailureReason>([
  ['ECONNREFUSED', 'refused'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['ECONNABORTED', 'reset'],
  // The operating system gave up connecting: the host is unreachable, not slow to answer.
  ['ETIMEDOUT', 'unreachable'],
  ['ENOTFOUND', 'unreachable'],
  ['EAI_AGAIN', 'unreachable'],
  ['EHOSTUNREACH', 'unreachable'],
  ['ENETUNREACH', 'unreachable'],
]);

function reasonOf(code: string | undefined): UpstreamFailureReason {
  return (code === undefined ? undefined : REASON_BY_CODE.get(code)) ?? 'failed';
}
