/** Backoff settings for retried writes, in milliseconds. */
export interface BackoffOptions {
  /** Upper bound of the first wait. */
  initialDelayMs: number;
  /** No wait is longer, whatever the attempt or the server's Retry-After. */
  maxDelayMs: number;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): "full jitter" exponential
 * backoff, a random time up to initialDelayMs·2^attempt, so writers that failed together do not
 * retry together; at least the server's Retry-After; never more than maxDelayMs.
 * @example retryDelayMs(2, { initialDelayMs: 200, maxDelayMs: 10_000 }) // somewhere in [0, 800]
 */
export function retryDelayMs(
  attempt: number,
  backoff: BackoffOptions,
  retryAfterMs: number | undefined = undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** attempt);
  const jittered = Math.round(random() * ceiling);
  return Math.min(backoff.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
