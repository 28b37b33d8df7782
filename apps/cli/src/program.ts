import { Command } from 'commander';
import { registerBlueprintsCommands } from './blueprints.command';
import { registerEventsCommands } from './events.command';
import { reportFailure } from './failure';
import { type CliIo } from './io';
import { outputOptionsOf, Session } from './session';
import { registerStatusCommand } from './status.command';
import { registerUseCommand } from './use.command';

/** The cloudify-cli release whose commands, output and exit statuses this CLI reproduces. */
export const COMPATIBLE_CLI_VERSION = '3.4.2';

/** Builds the `cfy` command tree for one invocation; output goes to `session.io`, never to `process`. */
export function buildProgram(session: Session): Command {
  const { io } = session;
  // Configured before any sub-command is added: commander copies exit override and output routing to children at creation.
  const program = new Command('cfy')
    .description("Cloudify's command line (3.4.2-compatible subset: use, status, blueprints, events)")
    .version(`Cloudify CLI ${COMPATIBLE_CLI_VERSION}`, '--version', 'show the CLI version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  // The running command's -v/--json decide how its failure is printed too.
  program.hook('preAction', (_program, action) => {
    session.useOutputOptions(outputOptionsOf(action.opts()));
  });

  registerUseCommand(program, session);
  registerStatusCommand(program, session);
  registerBlueprintsCommands(program, session);
  registerEventsCommands(program, session);
  return program;
}

/**
 * Runs one `cfy` invocation in-process and resolves to its exit status; never calls
 * `process.exit` and never reads `process.env`/`process.cwd()` (everything comes from `io`).
 *
 * @example
 * const code = await runCli(['blueprints', 'list', '--json'], { cwd: dir, env: { CFY_MANAGER_URL: url }, stdout, stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const session = new Session(io);
  const program = buildProgram(session);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    return reportFailure(error, session.output);
  }
}
