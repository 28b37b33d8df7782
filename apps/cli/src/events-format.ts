import { z } from 'zod';
import type { EventDocument } from './events-api';
import { cellText } from './tables';

/*
 * How `cfy events list` and the execution waiters print an event or log (cli.md §5):
 *   <timestamp> <CFY|LOG> <<deployment_id>> [<info>] <message>
 * Read leniently: a document missing a field still prints, with Python's `None` where 3.4 would.
 */

/** From this verbosity on (`-v`), failed/rescheduled task lines are followed by their tracebacks. */
export const CAUSES_VERBOSITY = 1;
/** From this verbosity on (`-vv`), `debug` logs are shown. */
export const DEBUG_LOGS_VERBOSITY = 2;

const CAUSES_SEPARATOR = '-'.repeat(32);

const displayedSchema = z.looseObject({
  type: z.unknown().optional(),
  event_type: z.unknown().optional(),
  '@timestamp': z.unknown().optional(),
  timestamp: z.unknown().optional(),
  level: z.unknown().optional(),
  message: z.looseObject({ text: z.unknown().optional() }).nullish().catch(null),
  context: z.record(z.string(), z.unknown()).nullish().catch(null),
});

const causesSchema = z.array(z.looseObject({ traceback: z.unknown().optional() }));

/**
 * The line printed for `document` at `verbosity`, or undefined when it is not shown there (a
 * `debug` log below `-vv`). Failed and rescheduled task events carry their tracebacks on the
 * following lines from `-v` on (with several causes: a `Causes (most recent cause last):` header
 * and a 32-dash rule before each).
 * @example
 * formatEventLine(event, 0)
 * // "2016-08-02T11:39:24 CFY <hello1> [http_web_server_a1b2c3.start] Task succeeded 'script_runner.tasks.run'"
 */
export function formatEventLine(document: EventDocument, verbosity: number): string | undefined {
  const event = displayedSchema.parse(document);
  const context = event.context ?? {};
  const isLog = event.type === 'cloudify_log';
  const level = cellText(event.level).toUpperCase();
  if (isLog && level === 'DEBUG' && verbosity < DEBUG_LOGS_VERBOSITY) return undefined;

  const timestamp = cellText(present(event['@timestamp']) ?? event.timestamp).split('.')[0];
  const info = operationInfo(context);
  let message = cellText(event.message?.text);
  if (isLog) message = `${level}: ${message}`;
  else if ((event.event_type === 'task_failed' || event.event_type === 'task_rescheduled') && verbosity >= CAUSES_VERBOSITY) {
    const causes = causesText(context['task_error_causes']);
    if (causes !== undefined) message = `${message}\n${causes}`;
  }
  return `${timestamp} ${isLog ? 'LOG' : 'CFY'} <${cellText(context['deployment_id'])}> ${info === '' ? '' : `${info} `}${message}`;
}

/**
 * `[<source_id>-><target_id>|<op>]` for relationship operations, else `[` + the present values among
 * node_id, op, group, policy, trigger joined with `.` + `]`; '' when there is nothing to show.
 * `<op>` is the last segment of `context.operation`.
 */
function operationInfo(context: Readonly<Record<string, unknown>>): string {
  const operation = present(context['operation']);
  const op = operation === undefined ? undefined : (cellText(operation).split('.').pop() ?? '');
  if (present(context['source_id']) !== undefined) {
    return `[${cellText(context['source_id'])}->${cellText(context['target_id'])}|${cellText(op)}]`;
  }
  const parts = [context['node_id'], op, context['group'], context['policy'], context['trigger']].flatMap((value) => {
    const shown = present(value);
    return shown === undefined ? [] : [cellText(shown)];
  });
  return parts.length === 0 ? '' : `[${parts.join('.')}]`;
}

function causesText(value: unknown): string | undefined {
  const parsed = causesSchema.safeParse(value);
  if (!parsed.success || parsed.data.length === 0) return undefined;
  const several = parsed.data.length > 1;
  let text = several ? 'Causes (most recent cause last):\n' : '';
  for (const cause of parsed.data) {
    if (several) text += `${CAUSES_SEPARATOR}\n`;
    text += typeof cause.traceback === 'string' ? cause.traceback : '';
  }
  return text;
}

/** The value unless it is null or absent (Python's `is not None`). */
function present(value: unknown): unknown {
  return value === null || value === undefined ? undefined : value;
}
