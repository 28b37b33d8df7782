/** Exponential backoff settings, in milliseconds. */
export interface BackoffOptions {
  /** Base delay before the first retry. */
  initialDelayMs: number;
  /** Upper bound for any single delay. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1 = first retry): `initialDelayMs * 2^(retry-1)`, capped at
 * `maxDelayMs`, with "equal jitter" (half of it fixed, half random) so that several indexers
 * hitting the same overloaded node do not retry in lockstep, yet each still waits at least half
 * the nominal delay.
 *
 * @example backoffDelayMs(3, { initialDelayMs: 100, maxDelayMs: 5_000 }) // between 200 and 400
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, retry - 1);
  const nominal = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
