import { RETRY_COUNT_HEADER } from './headers';

/** What the consumer does with a message whose handler failed. */
export type FailureDecision =
  | { readonly action: 'retry'; readonly retryCount: number }
  | { readonly action: 'dead-letter'; readonly reason: string };

/** Longest dead-letter reason we put in a header; a validation report can be long. */
export const MAX_REASON_LENGTH = 1_000;

/** Retries already made for a message, read from its headers; 0 when absent or garbled. */
export function retryCountOf(headers: Readonly<Record<string, unknown>> | undefined): number {
  const raw = headers?.[RETRY_COUNT_HEADER];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Whether trying a failed handler again can help. An error says no with `retryable: false`
 * (our NonRetryableError, typed errors of other libs) or `nonRetryable: true`; anything else,
 * including thrown non-errors, counts as transient, as Cloudify treats unknown task errors.
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  if ('retryable' in error && typeof error.retryable === 'boolean') return error.retryable;
  if ('nonRetryable' in error && error.nonRetryable === true) return false;
  return true;
}

/**
 * Retry a retryable failure until `maxRetries` retries were made, then dead-letter; dead-letter a
 * non-retryable failure at once.
 * @example failureDecision(new Error('ES down'), 0, 3) // { action: 'retry', retryCount: 1 }
 */
export function failureDecision(error: unknown, retryCount: number, maxRetries: number): FailureDecision {
  const message = describeError(error);
  if (!isRetryable(error)) return { action: 'dead-letter', reason: truncate(`handler failed (not retryable): ${message}`) };
  if (retryCount < maxRetries) return { action: 'retry', retryCount: retryCount + 1 };
  return { action: 'dead-letter', reason: truncate(`handler failed after ${retryCount + 1} attempts: ${message}`) };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function truncate(text: string, max = MAX_REASON_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
