import { eventTimestampToIso, formatEventTimestamp } from '@cfy/contracts';
import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { runCli } from './program';
import { type ChildService, type EventQueues, publishEvents, startLogsIndexer, startRestService } from './testing/events-stack';

/*
 * `cfy events list` in this process against the real pipeline: documents published to RabbitMQ,
 * stored by the real logs-indexer, searched by the real rest-service, both as child processes.
 */

type Doc = Record<string, unknown>;

const contextOf = (execution: string, deployment: string) => ({ blueprint_id: 'hello', deployment_id: deployment, execution_id: execution, workflow_id: 'install' });
const operationOf = (execution: string, deployment: string) => ({
  ...contextOf(execution, deployment),
  task_id: 'task-1',
  task_name: 'script_runner.tasks.run',
  task_queue: 'web_a1b2c3',
  task_target: 'web_a1b2c3',
  operation: 'cloudify.interfaces.lifecycle.start',
  plugin: 'script',
  node_id: 'web_a1b2c3',
  node_name: 'web',
});
const event = (time: Date, eventType: string, text: string, context: Doc, args: Doc | null = null): Doc => ({
  type: 'cloudify_event',
  event_type: eventType,
  timestamp: formatEventTimestamp(time),
  message_code: null,
  message: { text, arguments: args },
  context,
});
const log = (time: Date, level: string, text: string, context: Doc): Doc => ({
  type: 'cloudify_log',
  timestamp: formatEventTimestamp(time),
  message_code: null,
  logger: 'task-1',
  level,
  message: { text },
  context,
});

// A finished execution in the past.
const PAST = new Date('2016-08-02T11:38:00.000Z');
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);
const PAST_STARTED = event(PAST, 'workflow_started', "Starting 'install' workflow execution", contextOf('exec-past', 'hello1'));
const PAST_TASK = event(later(PAST, 1_000), 'task_succeeded', "Task succeeded 'script_runner.tasks.run'", { ...operationOf('exec-past', 'hello1'), task_current_retries: 0, task_total_retries: -1 });
const PAST_LOG = log(later(PAST, 1_500), 'info', 'Starting HTTP server', operationOf('exec-past', 'hello1'));
const PAST_DEBUG = log(later(PAST, 1_600), 'debug', 'Listening on 8080', operationOf('exec-past', 'hello1'));
const PAST_END = event(later(PAST, 2_000), 'workflow_succeeded', "'install' workflow execution succeeded", contextOf('exec-past', 'hello1'));
// A failed execution in the past.
const FAILED_STARTED = event(PAST, 'workflow_started', "Starting 'install' workflow execution", contextOf('exec-failed', 'broken1'));
const FAILED_END = event(later(PAST, 500), 'workflow_failed', "'install' workflow execution failed: RuntimeError: boom", contextOf('exec-failed', 'broken1'), {
  error: 'Traceback (most recent call last):\nRuntimeError: boom',
});

/** The `@timestamp` the indexer stores for a published document. */
const storedTime = (document: Doc): string => eventTimestampToIso(String(document['timestamp'])) ?? '';

interface Run {
  readonly done: Promise<number>;
  stdout(): string;
  stderr(): string;
}

function start(argv: readonly string[], managerUrl: string): Run {
  let stdout = '';
  let stderr = '';
  const done = runCli(argv, {
    cwd: __dirname,
    env: { CFY_MANAGER_URL: managerUrl },
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { done, stdout: () => stdout, stderr: () => stderr };
}

describe('cfy events list against the real logs-indexer and rest-service', () => {
  const es = useElasticsearch();
  const rabbit = useRabbitMq();
  let queues: EventQueues;
  let indexer: ChildService | undefined;
  let rest: ChildService | undefined;

  const publish = (documents: Doc[]) => publishEvents(rabbit.url, queues, documents);
  const run = async (argv: readonly string[]) => {
    const cli = start(argv, rest?.url ?? '');
    const code = await cli.done;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };
  const storedCount = async (execution: string): Promise<number> => {
    const res = await fetch(`${rest?.url ?? ''}/api/v2.1/events?execution_id=${execution}&_size=0`);
    return ((await res.json()) as { metadata: { pagination: { total: number } } }).metadata.pagination.total;
  };
  const untilStored = (execution: string, count: number) =>
    waitFor(async () => ((await storedCount(execution)) === count ? true : undefined), { timeoutMs: 30_000, intervalMs: 200, what: `${count} documents of ${execution}` });

  beforeAll(async () => {
    queues = { events: rabbit.name('events'), logs: rabbit.name('logs') };
    rabbit.name('events.dlq');
    rabbit.name('logs.dlq');
    [indexer, rest] = await Promise.all([
      startLogsIndexer({ amqpUrl: rabbit.url, esUrl: es.url, prefix: es.prefix, queues }),
      startRestService(es.url, es.prefix),
    ]);
    await publish([PAST_STARTED, PAST_TASK, PAST_LOG, PAST_DEBUG, PAST_END, FAILED_STARTED, FAILED_END]);
    await untilStored('exec-past', 5);
    await untilStored('exec-failed', 2);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([indexer?.stop(), rest?.stop()]);
  });

  it("prints an execution's events in order, one line each, and the total", async () => {
    const result = await run(['events', 'list', '-e', 'exec-past']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Listing events for execution id exec-past [include_logs=False]',
        "2016-08-02T11:38:00 CFY <hello1> Starting 'install' workflow execution",
        "2016-08-02T11:38:01 CFY <hello1> [web_a1b2c3.start] Task succeeded 'script_runner.tasks.run'",
        "2016-08-02T11:38:02 CFY <hello1> 'install' workflow execution succeeded",
        '',
        'Total events: 3',
        '',
      ].join('\n'),
    );
  });

  it('adds the logs with --include-logs, debug ones only from -vv on', async () => {
    const result = await run(['events', 'list', '-e', 'exec-past', '--include-logs']);
    expect(result.stdout.split('\n').slice(1, 5)).toEqual([
      "2016-08-02T11:38:00 CFY <hello1> Starting 'install' workflow execution",
      "2016-08-02T11:38:01 CFY <hello1> [web_a1b2c3.start] Task succeeded 'script_runner.tasks.run'",
      '2016-08-02T11:38:01 LOG <hello1> [web_a1b2c3.start] INFO: Starting HTTP server',
      "2016-08-02T11:38:02 CFY <hello1> 'install' workflow execution succeeded",
    ]);
    expect(result.stdout.endsWith('\nTotal events: 5\n')).toBe(true);
    expect((await run(['events', 'list', '-e', 'exec-past', '-l', '-vv'])).stdout).toContain('2016-08-02T11:38:01 LOG <hello1> [web_a1b2c3.start] DEBUG: Listening on 8080\n');
  });

  it('prints the stored documents as JSON lines with --json', async () => {
    const result = await run(['events', 'list', '-e', 'exec-past', '-l', '--json']);
    expect(result.code).toBe(0);
    const documents = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Doc);
    expect(documents).toEqual(
      [PAST_STARTED, PAST_TASK, PAST_LOG, PAST_DEBUG, PAST_END].map((published) => ({
        ...published,
        '@timestamp': storedTime(published),
        '@version': '1',
        tags: ['event'],
      })),
    );
  });

  it('with --tail exits 1 naming the error of a failed workflow', async () => {
    const result = await run(['events', 'list', '-e', 'exec-failed', '--tail']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("CFY <broken1> 'install' workflow execution failed: RuntimeError: boom\n");
    expect(result.stderr).toBe('Execution of workflow install for deployment broken1 failed. [error=Traceback (most recent call last):\nRuntimeError: boom]\n');
  });

  it('with --tail prints events appended while it runs, each once, late ones too, and stops at the end event', async () => {
    const t0 = new Date();
    const context = contextOf('exec-live', 'live1');
    const started = event(t0, 'workflow_started', "Starting 'install' workflow execution", context);
    const stage = event(later(t0, 2_000), 'workflow_stage', 'Creating deployment work directory', context);
    // Stored after `stage` although it happened before it: arrives late, inside the window.
    const late = event(later(t0, 1_000), 'workflow_node_event', 'Creating node', { ...context, node_id: 'web_a1b2c3', node_name: 'web' });
    const log1 = log(later(t0, 2_500), 'info', 'Starting HTTP server', operationOf('exec-live', 'live1'));
    const end = event(later(t0, 3_000), 'workflow_succeeded', "'install' workflow execution succeeded", context);
    const line = (document: Doc) => storedTime(document).split('.')[0];

    await publish([started]);
    const tail = start(['events', 'list', '-e', 'exec-live', '--tail', '--include-logs'], rest?.url ?? '');
    await waitFor(() => (tail.stdout().includes("Starting 'install' workflow execution") ? true : undefined), { timeoutMs: 20_000, what: 'the first event printed' });
    await publish([stage]);
    await waitFor(() => (tail.stdout().includes('Creating deployment work directory') ? true : undefined), { timeoutMs: 20_000, what: 'the appended event printed' });
    await publish([late, log1, end]);

    expect(await tail.done).toBe(0);
    expect(tail.stdout()).toBe(
      [
        'Listing events for execution id exec-live [include_logs=True]',
        `${line(started)} CFY <live1> Starting 'install' workflow execution`,
        `${line(stage)} CFY <live1> Creating deployment work directory`,
        `${line(late)} CFY <live1> [web_a1b2c3] Creating node`,
        `${line(log1)} LOG <live1> [web_a1b2c3.start] INFO: Starting HTTP server`,
        `${line(end)} CFY <live1> 'install' workflow execution succeeded`,
        'Finished executing workflow install on deployment live1',
        '',
      ].join('\n'),
    );
  }, 60_000);
});
