import { ManagerError } from '@cfy/contracts';

/**
 * An uploaded archive broke a rule (format, layout, safety or size). The archive itself is at fault,
 * so sending the same bytes again cannot help.
 */
export class ArchiveRejectedError extends ManagerError {
  override readonly name = 'ArchiveRejectedError';
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_parameters_error', message, options);
  }
}

/** A path, id or file name in a request is not acceptable; the same request will fail again. */
export class InvalidPathError extends ManagerError {
  override readonly name = 'InvalidPathError';
  readonly retryable = false;

  constructor(message: string) {
    super('bad_parameters_error', message);
  }
}

/** A request body is larger than the configured limit. */
export class PayloadTooLargeError extends ManagerError {
  override readonly name = 'PayloadTooLargeError';
  readonly retryable = false;

  constructor(limitBytes: number) {
    super('payload_too_large_error', `Blueprint archive is larger than the limit of ${limitBytes} bytes`);
  }
}

/** The internal API was called without the configured shared token. */
export class InternalTokenError extends ManagerError {
  override readonly name = 'InternalTokenError';
  readonly retryable = false;

  constructor() {
    super('unauthorized_error', 'Missing or invalid internal token');
  }
}

/** The errno code of a Node system error (`ENOENT`, `EISDIR`, …), or undefined for any other error. */
export function errnoCode(error: unknown): string | undefined {
  // No instanceof Error: errors from another realm (a vm context, as under jest) fail that test.
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Shortens and quotes an untrusted name for an error message (it may hold control characters). */
export function quoteName(name: string): string {
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return JSON.stringify(shown);
}
