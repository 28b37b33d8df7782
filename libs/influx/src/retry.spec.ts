import { InfluxConfigError, InfluxQueryError, InfluxUnavailableError, InfluxWriteError, isRetryableInfluxError, LineProtocolError } from './errors';
import { isRetryableStatus, parseRetryAfter, serverMessageOf } from './http';
import { retryDelayMs } from './retry';

describe('retry classification', () => {
  it.each([500, 502, 503, 504, 429, 408])('retries HTTP %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry HTTP %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });

  it('retries only InfluxUnavailableError among the error classes', () => {
    expect(isRetryableInfluxError(new InfluxUnavailableError('down'))).toBe(true);
    expect(isRetryableInfluxError(new InfluxWriteError('no', 400, 'bad', undefined))).toBe(false);
    expect(isRetryableInfluxError(new InfluxQueryError('no'))).toBe(false);
    expect(isRetryableInfluxError(new LineProtocolError('no', 'm'))).toBe(false);
    expect(isRetryableInfluxError(new InfluxConfigError('no'))).toBe(false);
    expect(isRetryableInfluxError(new Error('other'))).toBe(false);
  });

  it('knows a partial write from a whole-request refusal', () => {
    expect(new InfluxWriteError('x', 400, 'partial write: field type conflict: … dropped=1', 1).partial).toBe(true);
    expect(new InfluxWriteError('x', 404, 'database not found: "x"', undefined).partial).toBe(false);
  });
});

describe('server error text', () => {
  it.each([
    ['1.x JSON', '{"error":"unable to parse \'x\': missing fields"}', "unable to parse 'x': missing fields"],
    ['2.x/3.x JSON', '{"code":"invalid","message":"partial write error"}', 'partial write error'],
    ['plain text', ' upstream timed out \n', 'upstream timed out'],
    ['other JSON', '{"status":"x"}', '{"status":"x"}'],
  ])('reads %s', (_label, body, expected) => {
    expect(serverMessageOf(body)).toBe(expected);
  });

  it('cuts very long bodies', () => {
    expect(serverMessageOf('x'.repeat(5000)).length).toBeLessThanOrEqual(2001);
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates, ignores garbage', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('backoff', () => {
  const backoff = { initialDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling per attempt and never passes the maximum', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 10].map((attempt) => retryDelayMs(attempt, backoff, undefined, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads retries with jitter', () => {
    expect(retryDelayMs(3, backoff, undefined, () => 0.25)).toBe(200);
    expect(retryDelayMs(3, backoff, undefined, () => 0)).toBe(0);
  });

  it("waits at least the server's Retry-After, capped at the maximum", () => {
    expect(retryDelayMs(0, backoff, 700, () => 0)).toBe(700);
    expect(retryDelayMs(0, backoff, 60_000, () => 0)).toBe(1000);
  });
});
