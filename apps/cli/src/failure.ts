import { CommanderError } from 'commander';
import { CliError } from './errors';
import { type Output } from './io';
import { errorLike, ManagerConnectionError, ManagerHttpError, UnexpectedResponseError } from './rest-errors';

/** Manager answers 3.4 prints as the bare message, without "An error occurred on the server". */
const BARE_MESSAGE_CODES = new Set(['maintenance_mode_active', 'entering_maintenance_mode', 'not_modified']);

const MAX_CAUSES = 5;

/** Exit status for usage errors, as argparse (3.4's parser) uses. */
const USAGE_EXIT_CODE = 2;

/**
 * Prints a failed command's error on stderr as 3.4 does (cli.md §1) and returns the exit status:
 * - a manager error → `An error occurred on the server: <message>` (+ server traceback with `-v`);
 *   maintenance-mode 503s and 304s → the message alone;
 * - an unreachable manager → `Can't connect to the manager at <url>: <reason>`;
 * - a {@link CliError} → its message, with its exit status;
 * - commander's usage errors were printed by commander → status 2 (help/version → 0).
 * Anything else is a bug: its message, and its stack with `-v`.
 */
export function reportFailure(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  if (error instanceof ManagerHttpError) {
    const bare = error.status === 304 || (error.errorCode !== null && BARE_MESSAGE_CODES.has(error.errorCode));
    output.error(bare ? error.message : `An error occurred on the server: ${error.message}`);
    if (output.verbosity > 0 && error.serverTraceback) output.error(error.serverTraceback);
    return 1;
  }
  if (error instanceof ManagerConnectionError || error instanceof UnexpectedResponseError) {
    output.error(error.message);
    return 1;
  }
  if (error instanceof CliError) {
    output.error(error.message);
    if (output.verbosity > 0) printCauses(error.cause, output);
    return error.exitCode;
  }
  output.error(`Unexpected error: ${errorLike(error)?.message ?? String(error)}`);
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (output.verbosity > 0 && typeof stack === 'string') output.error(stack);
  return 1;
}

/** The `cause` chain (at most {@link MAX_CAUSES} deep), one line each. */
function printCauses(cause: unknown, output: Output): void {
  for (let current = errorLike(cause), depth = 0; current !== null && depth < MAX_CAUSES; current = errorLike(current.cause), depth += 1) {
    output.error(`Caused by: ${current.name}: ${current.message.split('\n')[0] ?? ''}`);
  }
}
