/** How long to wait between reconnect (or re-subscribe) attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, in ms (jitter included). */
  readonly maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /**
   * Fraction of each delay that is random, 0..1. Default 0.5: a delay of `d` becomes a value in
   * [d/2, d], so clients dropped by the same broker restart do not all come back at once.
   */
  readonly jitter?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 200, maxDelayMs: 30_000, factor: 2, jitter: 0.5 };

/*
 * amqplib has a built-in schedule, but we pass our own (its `calculateDelay` hook) so the same
 * function paces channel re-opens too, and so the schedule is a pure function we can test with a
 * fixed random source.
 */

/**
 * Delay before retry number `attempt` (1-based): exponential growth capped at `maxDelayMs`,
 * with the top `jitter` fraction randomised ("equal jitter").
 * @example backoffDelayMs(3, { initialDelayMs: 100, maxDelayMs: 5_000, jitter: 0 }) // 400
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const factor = Math.max(1, options.factor ?? 2);
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const maxDelay = Math.max(0, options.maxDelayMs);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const initial = Math.max(0, options.initialDelayMs);
  // factor ** exponent overflows to Infinity on long outages; the cap absorbs it (0 * Infinity is not).
  const base = initial === 0 ? 0 : Math.min(maxDelay, initial * factor ** exponent);
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
