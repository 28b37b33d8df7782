import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff';

const noJitter = { initialDelayMs: 100, maxDelayMs: 5_000, factor: 2, jitter: 0 };

describe('backoffDelayMs', () => {
  it('doubles from the initial delay on each attempt', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, noJitter))).toEqual([100, 200, 400, 800, 1_600]);
  });

  it('never exceeds the maximum, even after a very long outage', () => {
    expect(backoffDelayMs(7, noJitter)).toBe(5_000);
    expect(backoffDelayMs(5_000, noJitter)).toBe(5_000);
    expect(backoffDelayMs(5_000, { ...noJitter, jitter: 1 }, () => 0.999)).toBeLessThanOrEqual(5_000);
  });

  it('randomises only the jitter fraction of each delay', () => {
    const options = { ...noJitter, jitter: 0.5 };
    expect(backoffDelayMs(3, options, () => 0)).toBe(200);
    expect(backoffDelayMs(3, options, () => 1)).toBe(400);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(300);
  });

  it('spreads clients that retry at the same attempt', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(6, DEFAULT_BACKOFF)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(3_200);
      expect(delay).toBeLessThanOrEqual(6_400);
    }
  });

  it('treats a zero initial delay as immediate retries', () => {
    expect(backoffDelayMs(2_000, { initialDelayMs: 0, maxDelayMs: 1_000 })).toBe(0);
  });

  it('clamps nonsensical settings instead of returning NaN or negative delays', () => {
    expect(backoffDelayMs(0, noJitter)).toBe(100);
    expect(backoffDelayMs(3, { ...noJitter, factor: 0.5 })).toBe(100);
    expect(backoffDelayMs(3, { ...noJitter, jitter: 7 }, () => 0)).toBe(0);
    expect(backoffDelayMs(3, { initialDelayMs: -5, maxDelayMs: 100 })).toBe(0);
  });
});
