import { type ErrorCode } from '@cfy/contracts';

/**
 * Where a parser error was found. `line` and `column` are 1-based; `path` is the dotted YAML path
 * from the document root (list items by index), e.g. `node_templates.vm.relationships.0.target`.
 * Fields are null when the error has no place in a file (e.g. a missing main file).
 */
export interface SourceLocation {
  file: string | null;
  line: number | null;
  column: number | null;
  path: string | null;
}

/**
 * Code used for upload failures that Cloudify 3.4 raises without a parser code (bad intrinsic
 * function arguments, unknown `get_input`, circular `get_property`, out-of-range retries). They
 * still fail the upload with `invalid_blueprint_error`.
 */
export const UNCODED_ERROR = 0;

function describeLocation(location: SourceLocation): string {
  const parts: string[] = [];
  if (location.file !== null) parts.push(`in: ${location.file}`);
  if (location.line !== null) parts.push(`in line: ${location.line}, column: ${location.column ?? 1}`);
  if (location.path !== null && location.path !== '') parts.push(`path: ${location.path}`);
  return parts.map((part) => `\n  ${part}`).join('');
}

/**
 * A blueprint the parser rejects. `code` is Cloudify 3.4's numeric parser error code (dsl.md §11;
 * {@link UNCODED_ERROR} where 3.4 has none); `reason` is the bare Cloudify message and `message`
 * adds file, line, column and YAML path. The REST layer maps it to `invalid_blueprint_error` with
 * the message `Invalid blueprint - <message>`.
 *
 * @example
 * try { await parseBlueprint({ mainFile: 'blueprint.yaml', files }) }
 * catch (e) { if (e instanceof DSLParsingError && e.code === 7) console.log(e.line, e.path) }
 */
export class DSLParsingError extends Error implements SourceLocation {
  override readonly name = 'DSLParsingError';
  readonly restErrorCode: ErrorCode = 'invalid_blueprint_error';
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly path: string | null;
  /** True only when the failure came from fetching an import and fetching again may succeed. */
  readonly retryable: boolean;

  constructor(
    readonly code: number,
    readonly reason: string,
    location: Partial<SourceLocation> = {},
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    const full: SourceLocation = {
      file: location.file ?? null,
      line: location.line ?? null,
      column: location.column ?? null,
      path: location.path ?? null,
    };
    super(`${reason}${describeLocation(full)}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = full.file;
    this.line = full.line;
    this.column = full.column;
    this.path = full.path;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Thrown by an {@link ImportResolver} when the requested file or URL does not exist (HTTP 4xx,
 * missing archive entry). Not retryable.
 */
export class ImportNotFoundError extends Error {
  override readonly name = 'ImportNotFoundError';
  readonly retryable = false;
  constructor(
    readonly location: string,
    detail = 'not found',
  ) {
    super(`${location}: ${detail}`);
  }
}

/**
 * Thrown by an {@link ImportResolver} whose own time limit expired before the content arrived.
 * The parser maps it to error 13 with a message naming the URL and the limit. Retryable.
 */
export class ImportTimeoutError extends Error {
  override readonly name = 'ImportTimeoutError';
  readonly retryable = true;
  constructor(
    readonly location: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${timeoutMs} ms fetching '${location}'`);
  }
}

/** Deployment inputs lack values for inputs without a non-null default (REST: missing_required_deployment_input_error). */
export class MissingRequiredInputError extends Error {
  override readonly name = 'MissingRequiredInputError';
  readonly restErrorCode: ErrorCode = 'missing_required_deployment_input_error';
  readonly retryable = false;
  constructor(
    readonly missing: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** Deployment inputs name inputs the blueprint does not declare (REST: unknown_deployment_input_error). */
export class UnknownInputError extends Error {
  override readonly name = 'UnknownInputError';
  readonly restErrorCode: ErrorCode = 'unknown_deployment_input_error';
  readonly retryable = false;
  constructor(
    readonly unknown: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** An intrinsic function cannot be evaluated while preparing a deployment plan. */
export class FunctionEvaluationError extends Error {
  override readonly name = 'FunctionEvaluationError';
  readonly restErrorCode: ErrorCode = 'functions_evaluation_error';
  readonly retryable = false;
}

/**
 * The plan describes a topology instance planning does not support: relationship types not derived
 * from depends_on/connected_to/contained_in, an unknown `connection_type`, `all_to_one` inside a
 * shared scaling group, or instance counts that are not non-negative integers after evaluation.
 * Cloudify 3.4 answers these with a 500, hence the REST code.
 */
export class UnsupportedTopologyError extends Error {
  override readonly name = 'UnsupportedTopologyError';
  readonly restErrorCode: ErrorCode = 'internal_server_error';
  readonly retryable = false;
}
