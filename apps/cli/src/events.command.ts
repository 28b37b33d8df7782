import { type Command } from 'commander';
import { z } from 'zod';
import { CliError } from './errors';
import { type EventDocument, eventsApi } from './events-api';
import { ExecutionEventFollower, followUntilWorkflowEnds } from './events-follower';
import { formatEventLine } from './events-format';
import { authHeaders } from './manager';
import { parseOptions, type Session, withOutputOptions } from './session';
import { cellText } from './tables';

/** From this verbosity on, every HTTP request is traced on stderr (as for RestClient). */
const TRACE_HTTP_VERBOSITY = 2;

const listOptions = z.object({
  executionId: z.string().min(1),
  includeLogs: z.boolean().default(false),
  tail: z.boolean().default(false),
});

/**
 * `cfy events list -e <id> [-l/--include-logs] [--tail] [--json]` (cli.md §2, §5): prints the
 * execution's events (and logs) so far and `Total events: N`, or with `--tail` follows them until
 * the workflow's end event, then reports how it ended (exit 1 when it failed). `--json` prints each
 * document as one JSON object per line.
 */
export function registerEventsCommands(program: Command, session: Session): void {
  const events = program.command('events').description("show executions' events and logs");

  withOutputOptions(
    events
      .command('list')
      .description("print an execution's events (and logs), or follow them with --tail")
      .requiredOption('-e, --execution-id <execution-id>', 'id of the execution')
      .option('-l, --include-logs', 'include logs in the output')
      .option('--tail', 'keep printing new events until the execution ends'),
  ).action(async (_options: unknown, command: Command) => {
    const options = parseOptions(listOptions, command.opts());
    const { target } = await session.manager();
    const output = session.output;
    const follower = new ExecutionEventFollower({
      listEvents: eventsApi({
        baseUrl: target.baseUrl,
        headers: authHeaders(session.io.env),
        trace: (line) => output.debug(TRACE_HTTP_VERBOSITY, line),
      }),
      executionId: options.executionId,
      includeLogs: options.includeLogs,
    });
    const print = (documents: readonly EventDocument[]): void => {
      for (const document of documents) {
        if (output.json) {
          session.io.stdout.write(`${JSON.stringify(document)}\n`);
          continue;
        }
        const line = formatEventLine(document, output.verbosity);
        if (line !== undefined) output.info(line);
      }
    };

    output.info(`Listing events for execution id ${options.executionId} [include_logs=${options.includeLogs ? 'True' : 'False'}]`);
    if (!options.tail) {
      print(await follower.poll());
      output.info(`\nTotal events: ${follower.count}`);
      return;
    }
    const end = await followUntilWorkflowEnds(follower, { onEvents: print });
    const context = z.record(z.string(), z.unknown()).catch({}).parse(end['context']);
    const workflow = cellText(context['workflow_id']);
    const deployment = cellText(context['deployment_id']);
    if (end['event_type'] === 'workflow_failed') {
      throw new CliError(`Execution of workflow ${workflow} for deployment ${deployment} failed. [error=${failureOf(end)}]`);
    }
    output.info(`Finished executing workflow ${workflow} on deployment ${deployment}`);
  });
}

/**
 * The execution's error as 3.4 reports it: the traceback the `workflow_failed` event carries in
 * `message.arguments.error` (data-model.md §11.4), else its message text.
 */
function failureOf(end: EventDocument): string {
  const message = z
    .looseObject({ text: z.unknown().optional(), arguments: z.looseObject({ error: z.unknown().optional() }).nullish().catch(null) })
    .catch({ text: undefined, arguments: null })
    .parse(end['message']);
  const error = message.arguments?.error;
  return typeof error === 'string' && error !== '' ? error : cellText(message.text);
}
