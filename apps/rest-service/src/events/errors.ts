import { ManagerError } from '@cfy/contracts';

/**
 * 405 `method_not_allowed_error` (rest-api §2.1): a raw-Elasticsearch ("insecure") endpoint while
 * they are disabled, or `POST` on the v2+ `/events` list. The same request fails again.
 */
export class MethodNotAllowedError extends ManagerError {
  override readonly name = 'MethodNotAllowedError';
  readonly retryable = false;

  constructor(message: string) {
    super('method_not_allowed_error', message);
  }
}

/**
 * Elasticsearch could not serve an events search (unreachable, overloaded, 5xx). A 500 whose
 * message names the store only; retrying later can succeed.
 */
export class EventsStoreUnavailableError extends ManagerError {
  override readonly name = 'EventsStoreUnavailableError';
  readonly retryable = true;

  constructor(options?: { cause?: unknown }) {
    super('internal_server_error', 'the events store (Elasticsearch) is unavailable; try again later', options);
  }
}
