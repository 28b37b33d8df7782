import {
  AmqpClosedError,
  BrokerUnavailableError,
  InvalidMessageError,
  NonRetryableError,
  PublishNackedError,
  PublishTimeoutError,
  TopologyError,
  UnroutableMessageError,
} from './errors';
import { RETRY_COUNT_HEADER } from './headers';
import { failureDecision, isRetryable, MAX_REASON_LENGTH, retryCountOf } from './retry-policy';

describe('retryCountOf', () => {
  it.each([
    ['no headers', undefined, 0],
    ['no retry header', { other: 1 }, 0],
    ['a number', { [RETRY_COUNT_HEADER]: 2 }, 2],
    ['a numeric string (header set by another client)', { [RETRY_COUNT_HEADER]: '4' }, 4],
    ['garbage', { [RETRY_COUNT_HEADER]: 'many' }, 0],
    ['an empty string', { [RETRY_COUNT_HEADER]: '' }, 0],
    ['a negative number', { [RETRY_COUNT_HEADER]: -3 }, 0],
    ['a fraction', { [RETRY_COUNT_HEADER]: 1.5 }, 0],
  ])('reads %s as %i', (_label, headers, expected) => {
    expect(retryCountOf(headers)).toBe(expected);
  });
});

describe('isRetryable', () => {
  it('trusts an explicit retryable flag', () => {
    expect(isRetryable(new NonRetryableError('bad data'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: true }))).toBe(true);
    expect(isRetryable({ retryable: false })).toBe(false);
  });

  it('honours the nonRetryable convention', () => {
    expect(isRetryable(Object.assign(new Error('x'), { nonRetryable: true }))).toBe(false);
  });

  it('treats unknown failures as transient, like Cloudify treats unknown task errors', () => {
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable('a thrown string')).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });

  it('classifies the lib errors by whether waiting can help', () => {
    expect(isRetryable(new BrokerUnavailableError('down'))).toBe(true);
    expect(isRetryable(new PublishTimeoutError('slow'))).toBe(true);
    expect(isRetryable(new PublishNackedError('nack'))).toBe(true);
    expect(isRetryable(new UnroutableMessageError('ex', 'rk', 312, 'NO_ROUTE'))).toBe(false);
    expect(isRetryable(new InvalidMessageError('cyclic'))).toBe(false);
    expect(isRetryable(new TopologyError('406'))).toBe(false);
    expect(isRetryable(new AmqpClosedError('closed'))).toBe(false);
  });
});

describe('failureDecision', () => {
  it('retries a retryable failure with the next retry count', () => {
    expect(failureDecision(new Error('ES down'), 0, 3)).toEqual({ action: 'retry', retryCount: 1 });
    expect(failureDecision(new Error('ES down'), 2, 3)).toEqual({ action: 'retry', retryCount: 3 });
  });

  it('dead-letters once the retries are used up, saying how many attempts were made', () => {
    expect(failureDecision(new Error('ES down'), 3, 3)).toEqual({
      action: 'dead-letter',
      reason: 'handler failed after 4 attempts: Error: ES down',
    });
  });

  it('dead-letters a non-retryable failure at once', () => {
    expect(failureDecision(new NonRetryableError('unknown deployment'), 0, 3)).toEqual({
      action: 'dead-letter',
      reason: 'handler failed (not retryable): NonRetryableError: unknown deployment',
    });
  });

  it('never retries when maxRetries is 0', () => {
    expect(failureDecision(new Error('x'), 0, 0).action).toBe('dead-letter');
  });

  it('keeps the reason short enough for a header', () => {
    const decision = failureDecision(new NonRetryableError('x'.repeat(10_000)), 0, 3);
    expect(decision.action === 'dead-letter' && decision.reason.length).toBe(MAX_REASON_LENGTH);
  });
});
