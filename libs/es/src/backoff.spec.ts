import { backoffDelayMs } from './backoff';

const options = { initialDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelayMs', () => {
  it('doubles the nominal delay per retry, between half and all of it', () => {
    expect([1, 2, 3].map((retry) => backoffDelayMs(retry, options, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((retry) => backoffDelayMs(retry, options, () => 1))).toEqual([100, 200, 400]);
  });

  it('caps the delay at maxDelayMs', () => {
    expect(backoffDelayMs(30, options, () => 1)).toBe(1_000);
    expect(backoffDelayMs(30, options, () => 0)).toBe(500);
  });

  it('stays within bounds for random jitter', () => {
    for (let retry = 1; retry <= 10; retry++) {
      const nominal = Math.min(1_000, 100 * 2 ** (retry - 1));
      const delay = backoffDelayMs(retry, options);
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
    }
  });

  it('waits nothing when the initial delay is 0', () => {
    expect(backoffDelayMs(3, { initialDelayMs: 0, maxDelayMs: 1_000 })).toBe(0);
  });
});
