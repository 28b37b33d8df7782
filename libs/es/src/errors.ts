import { errors } from '@elastic/elasticsearch';

/**
 * Base of every error this lib throws. `retryable` says whether repeating the same request later
 * can succeed (Elasticsearch down, overloaded) or not (bad request, conflict, missing document).
 */
export abstract class EsError extends Error {
  abstract readonly retryable: boolean;
  /** HTTP status Elasticsearch answered with; undefined when no response arrived. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * Elasticsearch could not serve the request now: connection refused or reset, request timeout,
 * 429 (rejected execution) or any 5xx. Retrying later can succeed.
 */
export class EsUnavailableError extends EsError {
  override readonly name = 'EsUnavailableError';
  readonly retryable = true;
}

/** Elasticsearch rejected the request itself (a non-conflict 4xx); repeating it cannot help. */
export class EsRequestError extends EsError {
  override readonly name = 'EsRequestError';
  readonly retryable = false;
  /** Elasticsearch's error type, e.g. `mapper_parsing_exception`, when it gave one. */
  readonly type: string | undefined;

  constructor(message: string, options: { status?: number; type?: string; cause?: unknown } = {}) {
    super(message, options);
    this.type = options.type;
  }
}

/**
 * A write lost an optimistic-concurrency race: the id already exists (create), or the document
 * changed since `version` was read (update, replace, delete). Re-read and decide; a blind retry
 * fails the same way.
 */
export class DocumentConflictError extends EsError {
  override readonly name = 'DocumentConflictError';
  readonly retryable = false;

  constructor(
    readonly index: string,
    readonly id: string,
    options: { reason?: string; cause?: unknown } = {},
  ) {
    super(`document ${index}/${id}: ${options.reason ?? 'version conflict'}`, { status: 409, cause: options.cause });
  }
}

/** The document (or its whole index) does not exist. */
export class DocumentNotFoundError extends EsError {
  override readonly name = 'DocumentNotFoundError';
  readonly retryable = false;

  constructor(
    readonly index: string,
    readonly id: string,
    options: { cause?: unknown } = {},
  ) {
    super(`document ${index}/${id} not found`, { status: 404, cause: options.cause });
  }
}

/** A stored document did not match the schema the caller read it with. */
export class InvalidDocumentError extends EsError {
  override readonly name = 'InvalidDocumentError';
  readonly retryable = false;

  constructor(
    readonly index: string,
    readonly id: string,
    cause: unknown,
  ) {
    super(`document ${index}/${id} does not match the expected schema: ${messageOf(cause)}`, { cause });
  }
}

/** True for item or request statuses worth retrying: 429 (queue full) and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The document a request addressed; with it, 409 and 404 become document errors. */
export interface DocumentTarget {
  index: string;
  id: string;
}

/**
 * The one place where @elastic/transport errors become ours. Connection failures, timeouts,
 * 429 and 5xx become EsUnavailableError; 409 on a document becomes DocumentConflictError; 404 on
 * a document becomes DocumentNotFoundError; any other response is an EsRequestError. Errors that
 * are not from the transport (programming errors) are returned unchanged so they stay visible.
 */
export function toEsError(error: unknown, target?: DocumentTarget): Error {
  if (error instanceof EsError) return error;
  if (error instanceof errors.ResponseError) return fromResponse(error, target);
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.RequestAbortedError
  ) {
    return new EsUnavailableError(`Elasticsearch unavailable: ${error.message}`, { cause: error });
  }
  if (error instanceof errors.ElasticsearchClientError) {
    // Serialization, deserialization, configuration and product-check failures: the same
    // request would fail the same way.
    return new EsRequestError(`Elasticsearch client error: ${error.message}`, { type: error.name, cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function fromResponse(error: errors.ResponseError, target: DocumentTarget | undefined): EsError {
  const status = error.statusCode ?? 0;
  const { type, reason } = errorCauseOf(error.body);
  if (status === 409 && target) return new DocumentConflictError(target.index, target.id, { reason, cause: error });
  if (status === 404 && target) return new DocumentNotFoundError(target.index, target.id, { cause: error });
  const detail = [type, reason].filter(Boolean).join(': ') || `HTTP ${status}`;
  if (isRetryableStatus(status)) {
    return new EsUnavailableError(`Elasticsearch answered ${status}: ${detail}`, { status, cause: error });
  }
  return new EsRequestError(`Elasticsearch rejected the request (${status}): ${detail}`, { status, type, cause: error });
}

/** Reads `{error: {type, reason}}` from an error body without trusting its shape. */
export function errorCauseOf(body: unknown): { type?: string; reason?: string } {
  if (!isRecord(body)) return {};
  const cause = body['error'];
  if (typeof cause === 'string') return { reason: cause };
  if (!isRecord(cause)) return {};
  const type = cause['type'];
  const reason = cause['reason'];
  return {
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
