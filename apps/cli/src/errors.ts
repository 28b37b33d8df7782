/**
 * A failure the user can act on; its message is printed as is (3.4's `CloudifyCliError`).
 * Exit status 1 unless told otherwise.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: number;
  readonly retryable: boolean;

  constructor(message: string, options: { exitCode?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
    this.retryable = options.retryable ?? false;
  }
}

/** Bad command-line usage (argparse's exit status 2 in 3.4). */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

/** `.cloudify/` is missing, unreadable or names no manager. */
export class WorkingDirectoryError extends CliError {
  override readonly name = 'WorkingDirectoryError';
}
