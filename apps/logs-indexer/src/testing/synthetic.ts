import { formatEventTimestamp, type CloudifyEvent, type CloudifyLog, type EventType } from '@cfy/contracts';
import { buildEvent, buildEventContext, buildLog } from '@cfy/contracts/testing';
import type { StreamKind } from '../index-names';

/*
 * Realistic events and logs for tests and the benchmark: the contract's fixture builders with
 * contexts and texts varied per sequence number, 600-900 bytes of JSON each (what an operation's
 * events and logs weigh), and unique per run and sequence number through `context.task_id`
 * (`<runId>-<seq>`), which the duplicate checks aggregate on.
 */

const WORKFLOWS = ['install', 'uninstall', 'heal', 'scale', 'execute_operation'] as const;
const OPERATIONS = ['create', 'configure', 'start', 'stop', 'delete'] as const;
const NODES = ['vm', 'http_web_server', 'db', 'app', 'load_balancer', 'monitoring_agent'] as const;
const EVENT_TYPES: readonly EventType[] = ['sending_task', 'task_started', 'task_succeeded', 'plugin_event', 'workflow_node_event'];
const LEVELS = ['info', 'debug', 'warning', 'error'] as const;
const FILLER =
  'Downloading resource scripts/configure.sh from the blueprint resources; executing with env ' +
  'HTTP_PORT=8080 PYTHONPATH=/opt/cloudify/lib; stdout: service configured, listening on 0.0.0.0, ' +
  'health check passed after 3 attempts; writing runtime properties ip, port, public_address; ' +
  'retrying connection to 10.0.0.12:5432 (connection refused), sleeping 5 seconds before the next try; ';

function pick<T>(items: readonly T[], seq: number, salt: number): T {
  return items[(seq * 7 + salt) % items.length] as T;
}

/** Deterministic 600..900: the size a message is padded to. */
function targetBytes(seq: number): number {
  return 600 + ((seq * 2_654_435_761) % 301);
}

function padded<T extends { message: { text: string | null } }>(document: T, seq: number): T {
  const missing = targetBytes(seq) - Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (missing <= 1) return document;
  const filler = FILLER.repeat(Math.ceil(missing / FILLER.length)).slice(0, missing - 1);
  return { ...document, message: { ...document.message, text: `${document.message.text ?? ''} ${filler}` } };
}

/** The unique key of message `seq` of run `runId` (its `context.task_id`). */
export function syntheticKey(runId: string, seq: number): string {
  return `${runId}-${String(seq).padStart(8, '0')}`;
}

function context(runId: string, seq: number) {
  const node = pick(NODES, seq, 1);
  const instance = `${node}_${(seq % 46_656).toString(36).padStart(3, '0')}x`;
  const taskName = 'script_runner.tasks.run';
  return buildEventContext({
    blueprint_id: `bp-${seq % 17}`,
    deployment_id: `dep-${seq % 53}`,
    execution_id: `exec-${runId}-${seq % 101}`,
    workflow_id: pick(WORKFLOWS, seq, 2),
    task_id: syntheticKey(runId, seq),
    task_name: taskName,
    task_queue: instance,
    task_target: instance,
    operation: `cloudify.interfaces.lifecycle.${pick(OPERATIONS, seq, 3)}`,
    plugin: 'script',
    node_id: instance,
    node_name: node,
    task_current_retries: seq % 4,
    task_total_retries: -1,
  });
}

/** Event number `seq` of run `runId`, stamped `at`. */
export function syntheticEvent(runId: string, seq: number, at: Date = new Date()): CloudifyEvent {
  const eventType = pick(EVENT_TYPES, seq, 4);
  const event = buildEvent({
    event_type: eventType,
    timestamp: formatEventTimestamp(at),
    message: { text: `${eventType} #${seq}: Task '${pick(OPERATIONS, seq, 3)}' on node instance`, arguments: null },
    context: context(runId, seq),
  });
  return padded(event, seq);
}

/** Log number `seq` of run `runId`, stamped `at`. */
export function syntheticLog(runId: string, seq: number, at: Date = new Date()): CloudifyLog {
  const ctx = context(runId, seq);
  const log = buildLog({
    timestamp: formatEventTimestamp(at),
    logger: String(ctx.task_id),
    level: pick(LEVELS, seq, 5),
    message: { text: `log line #${seq} of ${String(ctx.node_id)}` },
    context: ctx,
  });
  return padded(log, seq);
}

/** Message `seq`: two thirds events, one third logs. */
export function syntheticMessage(runId: string, seq: number, at: Date = new Date()): { kind: StreamKind; body: CloudifyEvent | CloudifyLog } {
  return seq % 3 === 2 ? { kind: 'logs', body: syntheticLog(runId, seq, at) } : { kind: 'events', body: syntheticEvent(runId, seq, at) };
}
