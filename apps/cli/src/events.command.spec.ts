import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CannedManager, type CannedResponse, cfy, errorBody, type RecordedRequest, startCannedManager } from './testing/canned-manager';

const context = { blueprint_id: 'hello', deployment_id: 'hello1', execution_id: 'e1', workflow_id: 'install' };
const operation = { ...context, task_id: 't1', task_name: 'script_runner.tasks.run', operation: 'cloudify.interfaces.lifecycle.start', plugin: 'script', node_id: 'web_a1b2c3', node_name: 'web' };
const stored = (timestamp: string): Record<string, unknown> => ({ '@timestamp': timestamp, '@version': '1', tags: ['event'] });

const STARTED = { type: 'cloudify_event', event_type: 'workflow_started', timestamp: '2016-08-02 11:38:00.000+0000', message_code: null, message: { text: "Starting 'install' workflow execution", arguments: null }, context, ...stored('2016-08-02T11:38:00.000Z') };
const LOG = { type: 'cloudify_log', level: 'info', logger: 't1', timestamp: '2016-08-02 11:39:23.100+0000', message_code: null, message: { text: 'Starting HTTP server' }, context: operation, ...stored('2016-08-02T11:39:23.100Z') };
const DEBUG = { ...LOG, level: 'debug', timestamp: '2016-08-02 11:39:23.200+0000', message: { text: 'noise' }, ...stored('2016-08-02T11:39:23.200Z') };
const SUCCEEDED = { type: 'cloudify_event', event_type: 'workflow_succeeded', timestamp: '2016-08-02 11:40:00.000+0000', message_code: null, message: { text: "'install' workflow execution succeeded", arguments: null }, context, ...stored('2016-08-02T11:40:00.000Z') };
const FAILED = { ...SUCCEEDED, event_type: 'workflow_failed', message: { text: "'install' workflow execution failed: RuntimeError: boom", arguments: { error: 'Traceback (most recent call last):\nRuntimeError: boom' } } };

/** GET /events over `documents` with the filters, paging and total the CLI uses. */
function eventsOf(documents: readonly Record<string, unknown>[]): (request: RecordedRequest) => CannedResponse {
  return (request) => {
    const types = request.query.getAll('type');
    const matches = documents.filter((document) => types.includes(String(document['type'])) && (document['context'] as { execution_id: string }).execution_id === request.query.get('execution_id'));
    const offset = Number(request.query.get('_offset') ?? 0);
    const size = Number(request.query.get('_size') ?? 1000);
    return { status: 200, json: { items: matches.slice(offset, offset + size), metadata: { pagination: { total: matches.length, size, offset } } } };
  };
}

describe('cfy events list', () => {
  let work: string;
  let manager: CannedManager | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-events-'));
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await rm(work, { recursive: true, force: true });
  });

  const run = (argv: string[]) => cfy(argv, { cwd: work, env: { CFY_MANAGER_URL: manager?.url ?? '' } });

  it("prints the execution's events, one line each, and the total", async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': eventsOf([STARTED, LOG, SUCCEEDED]) });

    const result = await run(['events', 'list', '-e', 'e1']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Listing events for execution id e1 [include_logs=False]',
        "2016-08-02T11:38:00 CFY <hello1> Starting 'install' workflow execution",
        "2016-08-02T11:40:00 CFY <hello1> 'install' workflow execution succeeded",
        '',
        'Total events: 2',
        '',
      ].join('\n'),
    );
    const searches = manager.requests.filter((request) => request.query.get('_size') !== '0');
    expect(searches[0]?.query.getAll('type')).toEqual(['cloudify_event']);
    expect(searches[0]?.query.get('execution_id')).toBe('e1');
    expect(searches[0]?.query.get('_sort')).toBe('@timestamp');
  });

  it('adds logs with --include-logs / -l, counting debug logs it does not show below -vv', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': eventsOf([STARTED, LOG, DEBUG, SUCCEEDED]) });

    const result = await run(['events', 'list', '--execution-id', 'e1', '-l']);

    expect(result.stdout).toContain('Listing events for execution id e1 [include_logs=True]\n');
    expect(result.stdout).toContain('2016-08-02T11:39:23 LOG <hello1> [web_a1b2c3.start] INFO: Starting HTTP server\n');
    expect(result.stdout).not.toContain('noise');
    expect(result.stdout.endsWith('\nTotal events: 4\n')).toBe(true);
    expect(manager.requests[0]?.query.getAll('type')).toEqual(['cloudify_event', 'cloudify_log']);

    const verbose = await run(['events', 'list', '-e', 'e1', '--include-logs', '-vv']);
    expect(verbose.stdout).toContain('LOG <hello1> [web_a1b2c3.start] DEBUG: noise\n');
  });

  it('prints each document as one JSON object per line with --json, and nothing else', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': eventsOf([STARTED, LOG, SUCCEEDED]) });

    const result = await run(['events', 'list', '-e', 'e1', '--include-logs', '--json']);

    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([STARTED, LOG, SUCCEEDED]);
  });

  it('with --tail, stops at the end event and reports a finished workflow', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': eventsOf([STARTED, SUCCEEDED]) });

    const result = await run(['events', 'list', '-e', 'e1', '--tail']);

    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      "2016-08-02T11:40:00 CFY <hello1> 'install' workflow execution succeeded",
      'Finished executing workflow install on deployment hello1',
    ]);
  });

  it('with --tail, exits 1 naming the error when the workflow failed', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': eventsOf([STARTED, FAILED]) });

    const result = await run(['events', 'list', '-e', 'e1', '--tail']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("CFY <hello1> 'install' workflow execution failed: RuntimeError: boom\n");
    expect(result.stderr).toBe('Execution of workflow install for deployment hello1 failed. [error=Traceback (most recent call last):\nRuntimeError: boom]\n');
  });

  it("prints the server's error and exits 1", async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/events': errorBody(400, 'bad_parameters_error', 'Invalid pagination: 1001, max allowed: 1000') });

    const result = await run(['events', 'list', '-e', 'e1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('An error occurred on the server: Invalid pagination: 1001, max allowed: 1000\n');
  });

  it('requires the execution id (usage error, exit 2)', async () => {
    manager = await startCannedManager({});
    const result = await run(['events', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-e, --execution-id <execution-id>' not specified");
  });
});
