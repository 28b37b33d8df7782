import { useElasticsearch, useRabbitMq, waitFor } from '@cfy/testing';
import { send } from '../testing/http';
import { type LogsIndexerProcess, startLogsIndexer } from '../testing/logs-indexer';
import { type InProcessRestService, startRestService } from '../testing/stack';

/*
 * GET /events against what the real pipeline stored: documents published to RabbitMQ, indexed by
 * the real logs-indexer (its templates, daily indices and stored shape), searched by the real
 * rest-service in Elasticsearch.
 */

type Doc = Record<string, unknown>;

const install = { blueprint_id: 'hello', deployment_id: 'hello1', execution_id: 'exec-a', workflow_id: 'install' };
const uninstall = { blueprint_id: 'other', deployment_id: 'other1', execution_id: 'exec-b', workflow_id: 'uninstall' };
const operation = {
  ...install,
  task_id: 'task-1',
  task_name: 'script_runner.tasks.run',
  task_queue: 'vm_k3x9q2',
  task_target: 'vm_k3x9q2',
  operation: 'cloudify.interfaces.lifecycle.create',
  plugin: 'script',
  node_id: 'vm_k3x9q2',
  node_name: 'vm',
};

const event = (timestamp: string, eventType: string, text: string, context: Doc, extra: Doc = {}): Doc => ({
  type: 'cloudify_event',
  event_type: eventType,
  timestamp,
  message_code: null,
  message: { text, arguments: null },
  context,
  ...extra,
});
const log = (timestamp: string, level: string, text: string, context: Doc): Doc => ({
  type: 'cloudify_log',
  timestamp,
  message_code: null,
  logger: 'task-1',
  level,
  message: { text },
  context,
});

// Execution A spans two UTC days, so two daily indices of each stream are searched at once.
const A1 = event('2016-08-01 23:59:59.900+0000', 'workflow_started', "Starting 'install' workflow execution", install);
const A2 = event('2016-08-02 00:00:01.000+0000', 'sending_task', "Sending task 'script_runner.tasks.run'", { ...operation, task_current_retries: 0, task_total_retries: -1 });
const A3 = log('2016-08-02 00:00:02.000+0000', 'info', 'Starting HTTP server', operation);
const A4 = log('2016-08-02 00:00:02.500+0000', 'debug', 'Listening on port 8080', operation);
const A5 = event('2016-08-02 00:00:03.000+0000', 'task_failed', "Task failed 'script_runner.tasks.run' -> boom (exit 1) [retry 1/3]", {
  ...operation,
  task_current_retries: 1,
  task_total_retries: 3,
  task_error_causes: [{ message: 'boom', type: 'ProcessException', traceback: 'Traceback ...' }],
});
const A6 = event('2016-08-02 00:00:05.000+0000', 'workflow_succeeded', "'install' workflow execution succeeded", install);
const B1 = event('2016-08-02 00:00:02.000+0000', 'workflow_started', "Starting 'uninstall' workflow execution", uninstall);
const B2 = log('2016-08-02 00:00:04.000+0000', 'warning', 'Disk almost FULL on host', uninstall);
const ALL = [A1, A2, A3, A4, A5, A6, B1, B2];

interface Envelope {
  items: Doc[];
  metadata: { pagination: { total: number; size: number; offset: number } };
}

describe('GET /events over the logs-indexer\'s daily indices', () => {
  const es = useElasticsearch();
  const rabbit = useRabbitMq();
  let rest: InProcessRestService;
  let insecure: InProcessRestService;
  let indexer: LogsIndexerProcess | undefined;

  const get = async (query: string, service: InProcessRestService = rest): Promise<Envelope> => {
    const res = await send(service.url, `/api/v2.1/events?${query}`);
    if (res.status !== 200) throw new Error(`GET /events?${query} answered ${res.status}: ${res.body.toString('utf8')}`);
    return res.json() as Envelope;
  };
  const messages = async (query: string): Promise<unknown[]> => (await get(query)).items.map((item) => (item['message'] as Doc)['text']);

  beforeAll(async () => {
    const env = { ES_URL: es.url, ES_INDEX_PREFIX: es.prefix, EVENTS_INDEX_PREFIX: es.prefix, FILESERVER_URL: 'http://127.0.0.1:1' };
    rest = await startRestService(env);
    insecure = await startRestService({ ...env, INSECURE_ENDPOINTS_ENABLED: 'true' });
  });

  afterAll(async () => {
    await indexer?.stop();
    await rest?.stop();
    await insecure?.stop();
  });

  it('answers an empty page while no event was ever stored', async () => {
    expect(await get('execution_id=exec-a&type=cloudify_event&_sort=@timestamp')).toEqual({ items: [], metadata: { pagination: { total: 0, size: 1000, offset: 0 } } });
  });

  describe('with events and logs of two executions stored', () => {
    beforeAll(async () => {
      const queues = { events: rabbit.name('events'), logs: rabbit.name('logs') };
      rabbit.name('events.dlq');
      rabbit.name('logs.dlq');
      indexer = await startLogsIndexer({ amqpUrl: rabbit.url, esUrl: es.url, indexPrefix: es.prefix, queues });
      await indexer.publish(ALL);
      await waitFor(async () => ((await get('_size=0')).metadata.pagination.total === ALL.length ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: `all ${ALL.length} documents searchable`,
      });
    }, 120_000);

    it('returns the stored documents unchanged: the published JSON plus @timestamp, @version and tags', async () => {
      const { items } = await get('execution_id=exec-a&event_type=task_failed');
      expect(items).toEqual([{ ...A5, '@timestamp': '2016-08-02T00:00:03.000Z', '@version': '1', tags: ['event'] }]);
    });

    it("filters by execution and type, ordered by @timestamp both ways, across daily indices", async () => {
      expect(await messages('execution_id=exec-a&type=cloudify_event&_sort=@timestamp')).toEqual([A1, A2, A5, A6].map(textOf));
      expect(await messages('execution_id=exec-a&type=cloudify_event&type=cloudify_log&_sort=@timestamp')).toEqual([A1, A2, A3, A4, A5, A6].map(textOf));
      expect(await messages('execution_id=exec-a&type=cloudify_event&type=cloudify_log&_sort=-@timestamp')).toEqual([A6, A5, A4, A3, A2, A1].map(textOf));
      expect(await messages('execution_id=exec-a&type=cloudify_log&_sort=@timestamp')).toEqual([A3, A4].map(textOf));
    });

    it('searches events and logs alike when no type is given', async () => {
      expect((await get('_size=0')).metadata.pagination.total).toBe(8);
      expect(await messages('deployment_id=other1&_sort=@timestamp')).toEqual([B1, B2].map(textOf));
    });

    it('pages with _offset and _size inside the list envelope', async () => {
      const page = await get('execution_id=exec-a&_sort=@timestamp&_offset=1&_size=2');
      expect(page.metadata.pagination).toEqual({ total: 6, size: 2, offset: 1 });
      expect(page.items.map(textOf)).toEqual([A2, A3].map(textOf));
      expect((await get('execution_id=exec-a&_sort=@timestamp&_offset=6&_size=2')).items).toEqual([]);
    });

    it('bounds @timestamp inclusively with _range, in ISO or YYYY-MM-DD HH:MM:SS, either bound open', async () => {
      expect(await messages('_range=@timestamp,2016-08-02T00:00:01.000Z,2016-08-02%2000:00:03&execution_id=exec-a&_sort=@timestamp')).toEqual([A2, A3, A4, A5].map(textOf));
      expect(await messages('_range=@timestamp,,2016-08-02T00:00:01Z&_sort=@timestamp')).toEqual([A1, A2].map(textOf));
      expect(await messages('_range=@timestamp,2016-08-02%2000:00:04,&_sort=@timestamp')).toEqual([B2, A6].map(textOf));
      expect(await messages('_range=@timestamp,2016-08-02%2000:00:02,2016-08-02%2000:00:02.000&_sort=@timestamp&_sort=type')).toEqual([B1, A3].map(textOf));
    });

    it('refuses a _range bound Elasticsearch cannot read as a date with bad_parameters_error', async () => {
      const res = await send(rest.url, '/api/v2.1/events?_range=@timestamp,2016-13-45T00:00,');
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ error_code: 'bad_parameters_error' });
    });

    it('finds message.text words as case-insensitive substrings, all of them, reserved characters ignored', async () => {
      expect(await messages('message.text=http%20SERV')).toEqual([textOf(A3)]);
      expect(await messages('message.text=script_runner.tasks&_sort=@timestamp')).toEqual([A2, A5].map(textOf));
      expect(await messages('message.text=full%20disk')).toEqual([textOf(B2)]);
      expect(await messages('message.text=(boom)')).toEqual([textOf(A5)]);
      expect(await messages('message.text=boom%20nowhere')).toEqual([]);
      expect(await messages('message.text=uninstall&message.text=HTTP&_sort=@timestamp')).toEqual([B1, A3].map(textOf));
    });

    it('matches event_type, level and context keys exactly, and numbers only with numbers', async () => {
      expect(await messages('event_type=workflow_started&_sort=@timestamp')).toEqual([A1, B1].map(textOf));
      expect(await messages('level=warning')).toEqual([textOf(B2)]);
      expect(await messages('deployment_id=hello1&context.node_name=vm&type=cloudify_event&_sort=@timestamp')).toEqual([A2, A5].map(textOf));
      expect(await messages('deployment_id=hello')).toEqual([]);
      expect(await messages('context.task_current_retries=1')).toEqual([textOf(A5)]);
      expect(await messages('context.task_current_retries=one')).toEqual([]);
    });

    it('accepts any filter key and matches nothing for fields no document has', async () => {
      expect(await get('no_such_key=x&node_instance_id=vm_k3x9q2')).toEqual({ items: [], metadata: { pagination: { total: 0, size: 1000, offset: 0 } } });
    });

    it('projects each item to the _include names without validating them', async () => {
      const { items } = await get('execution_id=exec-a&type=cloudify_event&_sort=@timestamp&_include=event_type,context.execution_id,nope&_size=2');
      expect(items).toEqual([
        { event_type: 'workflow_started', context: { execution_id: 'exec-a' } },
        { event_type: 'sending_task', context: { execution_id: 'exec-a' } },
      ]);
    });

    it('answers the raw-query endpoints with 405 unless INSECURE_ENDPOINTS_ENABLED', async () => {
      const body = Buffer.from('{"query":{"term":{"level":"warning"}}}');
      const headers = { 'content-type': 'application/json' };
      const disabled = await send(rest.url, '/api/v1/events', { method: 'POST', headers, body });
      expect(disabled.status).toBe(405);
      expect(disabled.json()).toMatchObject({ error_code: 'method_not_allowed_error' });

      const enabled = await send(insecure.url, '/api/v1/events', { method: 'POST', headers, body });
      expect(enabled.status).toBe(200);
      const raw = enabled.json() as { hits: { hits: Array<{ _source: Doc }> } };
      expect(raw.hits.hits.map((hit) => textOf(hit._source))).toEqual([textOf(B2)]);
    });

    it('runs an enabled /search over the stored documents only, never over events', async () => {
      const res = await send(insecure.url, '/api/v2.1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"query":{"match_all":{}}}') });
      expect(res.status).toBe(200);
      const raw = res.json() as { hits: { total: { value: number } } };
      expect(raw.hits.total.value).toBe(0);
    });

    it('answers POST on the v2.1 list with 405 method_not_allowed_error', async () => {
      const res = await send(rest.url, '/api/v2.1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
      expect(res.status).toBe(405);
    });
  });
});

function textOf(document: Doc): unknown {
  return (document['message'] as Doc)['text'];
}
