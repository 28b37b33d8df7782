import { ManagerError, type ErrorCode } from '@cfy/contracts';

/*
 * The rest-service's business errors. Each says whether repeating the same request later can help
 * (`retryable`); the runtime's one error mapper renders them as `{message, error_code}`.
 */

/** `_include` names fields the response type lacks (rest-api §4). */
export class NoSuchIncludeFieldError extends ManagerError {
  override readonly name = 'NoSuchIncludeFieldError';
  readonly retryable = false;

  constructor(illegal: readonly string[], available: readonly string[]) {
    super('no_such_include_field_error', `Illegal include fields: [${illegal.join(', ')}] - available fields: [${available.join(', ')}]`);
  }
}

/** The DSL parser rejected the uploaded blueprint. */
export class InvalidBlueprintError extends ManagerError {
  override readonly name = 'InvalidBlueprintError';
  readonly retryable = false;

  constructor(parserMessage: string, options?: { cause?: unknown }) {
    super('invalid_blueprint_error', `Invalid blueprint - ${parserMessage}`, options);
  }
}

/** Deleting a blueprint that deployments still use. Retryable once the deployments are gone. */
export class DependentExistsError extends ManagerError {
  override readonly name = 'DependentExistsError';
  readonly retryable = true;

  constructor(blueprintId: string, deploymentIds: readonly string[]) {
    super(
      'dependent_exists_error',
      `Can't delete blueprint ${blueprintId} - There exist deployments for this blueprint; Deployments ids: ${deploymentIds.join(',')}`,
    );
  }
}

/** An archive body larger than MAX_BLUEPRINT_ARCHIVE_BYTES. */
export class PayloadTooLargeError extends ManagerError {
  override readonly name = 'PayloadTooLargeError';
  readonly retryable = false;

  constructor(limitBytes: number) {
    super('payload_too_large_error', `Blueprint archive is larger than the limit of ${limitBytes} bytes`);
  }
}

/** The manager has less free memory than `min_available_memory_mb` (rest-api §1). Retryable. */
export class InsufficientMemoryError extends ManagerError {
  override readonly name = 'InsufficientMemoryError';
  readonly retryable = true;

  constructor(neededMb: number, availableMb: number) {
    super('insufficient_memory_error', `Insufficient memory in manager, needed: ${neededMb}mb, available: ${availableMb}mb`);
  }
}

/** `blueprint_archive_url` could not be fetched (unreachable, 4xx/5xx, timed out). */
export class ArchiveUrlNotFoundError extends ManagerError {
  override readonly name = 'ArchiveUrlNotFoundError';
  readonly retryable = true;

  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super('param_url_not_found_error', `Can't fetch blueprint archive from ${url}: ${reason}`, options);
  }
}

/** The fileserver refused a request with a Cloudify error (4xx): the same request fails again. */
export class FileserverRejectedError extends ManagerError {
  override readonly name = 'FileserverRejectedError';
  readonly retryable = false;

  constructor(
    code: ErrorCode,
    message: string,
    /** HTTP status the fileserver answered with. */
    readonly status: number,
  ) {
    super(code, message);
  }
}

/**
 * The fileserver could not be reached, timed out, or failed (5xx, unreadable answer). Rendered as a
 * 500 whose details go to the log only; retrying later can succeed.
 */
export class FileserverUnavailableError extends ManagerError {
  override readonly name = 'FileserverUnavailableError';
  readonly retryable = true;

  constructor(detail: string, options?: { cause?: unknown }) {
    super('internal_server_error', `fileserver unavailable: ${detail}`, options);
  }
}

/** The client went away before its upload was complete; nothing is kept. */
export class ClientAbortedError extends Error {
  override readonly name = 'ClientAbortedError';
  readonly retryable = true;

  constructor() {
    super('the client closed the connection before the upload was complete');
  }
}

/** The service is shutting down and aborted an upload in flight; nothing is kept. */
export class ShuttingDownError extends ManagerError {
  override readonly name = 'ShuttingDownError';
  readonly retryable = true;

  constructor() {
    super('internal_server_error', 'the service is shutting down; the upload was aborted and cleaned up');
  }
}
