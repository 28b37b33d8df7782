/**
 * Cloudify's REST error codes (reference: rest-api-v2.1.md §2.1) and the HTTP status each maps to.
 * The one table from which every service renders `{message, error_code}`.
 * Three codes are ours, not 3.4's, for errors 3.4's nginx answered with HTML pages:
 * payload_too_large_error (413), bad_gateway_error (502) and gateway_timeout_error (504).
 */
export const ERROR_HTTP_STATUS = {
  bad_parameters_error: 400,
  no_such_include_field_error: 400,
  invalid_blueprint_error: 400,
  missing_required_deployment_input_error: 400,
  unknown_deployment_input_error: 400,
  deployment_outputs_evaluation_error: 400,
  functions_evaluation_error: 400,
  dependent_exists_error: 400,
  nonexistent_workflow_error: 400,
  existing_running_execution_error: 400,
  deployment_environment_creation_pending_error: 400,
  deployment_environment_creation_in_progress_error: 400,
  illegal_execution_parameters_error: 400,
  illegal_action_error: 400,
  invalid_exception_status_update: 400,
  existing_started_deployment_modification_error: 400,
  deployment_modification_already_ended_error: 400,
  unknown_modification_stage_error: 400,
  unsupported_change_in_deployment_update: 400,
  resolver_instantiation_error: 400,
  snapshot_action_error: 400,
  invalid_plugin_error: 400,
  plugin_installation_error: 400,
  plugin_installation_timeout: 400,
  param_url_not_found_error: 400,
  global_parallel_running_executions_limit_reached_error: 400,
  insufficient_memory_error: 400,
  unauthorized_error: 401,
  application_not_secured_error: 401,
  no_token_generator_error: 401,
  not_found_error: 404,
  method_not_allowed_error: 405,
  plugin_in_use: 405,
  conflict_error: 409,
  payload_too_large_error: 413,
  unsupported_content_type_error: 415,
  internal_server_error: 500,
  bad_gateway_error: 502,
  gateway_timeout_error: 504,
  maintenance_mode_active: 503,
  entering_maintenance_mode: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** The wire shape of every handled error. */
export interface ErrorBody {
  message: string;
  error_code: ErrorCode;
}

/**
 * A business error with a stable Cloudify error code. Services throw these; one HTTP middleware
 * maps them to status and body, so no handler builds an error response by hand.
 */
export class ManagerError extends Error {
  override readonly name: string = 'ManagerError';

  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.errorCode];
  }

  toBody(): ErrorBody {
    return { message: this.message, error_code: this.errorCode };
  }
}

export class BadParametersError extends ManagerError {
  override readonly name = 'BadParametersError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_parameters_error', message, options);
  }
}

export class NotFoundError extends ManagerError {
  override readonly name = 'NotFoundError';
  /** @example new NotFoundError('blueprint', 'bp1') → "blueprint bp1 not found" */
  constructor(docType: string, id: string) {
    super('not_found_error', `${docType} ${id} not found`);
  }
}

export class ConflictError extends ManagerError {
  override readonly name = 'ConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict_error', message, options);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_HTTP_STATUS, value);
}
