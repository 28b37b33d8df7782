import type { EventDocument, EventsQueryParams, ListEvents } from './events-api';
import { canonicalJson, ExecutionEventFollower, followUntilWorkflowEnds, timeOf } from './events-follower';

/**
 * GET /events over documents in memory, with the server's semantics for what the follower sends:
 * execution_id and type filters, `_range=@timestamp,<from>,`, `_sort=@timestamp` (ties in storage
 * order), `_offset`, `_size` and the total. `visible` is what Elasticsearch can see so far.
 */
class EventStoreStub {
  readonly visible: EventDocument[] = [];
  readonly requests: EventsQueryParams[] = [];

  readonly listEvents: ListEvents = (params) => {
    this.requests.push(params);
    const values = (key: string): string[] => {
      const value = params[key];
      return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
    };
    const [field, from] = (values('_range')[0] ?? '').split(',');
    let matches = this.visible.filter(
      (document) =>
        (document['context'] as Record<string, unknown>)['execution_id'] === values('execution_id')[0] &&
        values('type').includes(String(document['type'])) &&
        (field !== '@timestamp' || !from || (timeOf(document) ?? 0) >= Date.parse(from)),
    );
    if (values('_sort')[0] === '@timestamp') matches = [...matches].sort((a, b) => (timeOf(a) ?? 0) - (timeOf(b) ?? 0));
    const offset = Number(values('_offset')[0] ?? 0);
    const size = Number(values('_size')[0] ?? 1000);
    return Promise.resolve({ items: matches.slice(offset, offset + size), metadata: { pagination: { total: matches.length, size, offset } } });
  };

  add(...documents: EventDocument[]): void {
    this.visible.push(...documents);
  }
}

const at = (second: number, text: string, extra: Record<string, unknown> = {}): EventDocument => ({
  type: 'cloudify_event',
  event_type: 'workflow_stage',
  '@timestamp': new Date(Date.UTC(2016, 7, 2, 11, 0, 0) + second * 1000).toISOString(),
  message: { text },
  context: { execution_id: 'e1', deployment_id: 'd1', workflow_id: 'install' },
  ...extra,
});
const texts = (documents: readonly EventDocument[]): unknown[] => documents.map((document) => (document['message'] as { text: unknown }).text);

describe('ExecutionEventFollower', () => {
  it('returns everything so far in @timestamp order on the first poll, then only what is new', async () => {
    const store = new EventStoreStub();
    store.add(at(2, 'b'), at(1, 'a'), at(3, 'c'), { ...at(2, 'other execution'), context: { execution_id: 'e2' } });
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false });

    expect(texts(await follower.poll())).toEqual(['a', 'b', 'c']);
    expect(texts(await follower.poll())).toEqual([]);
    store.add(at(4, 'd'), at(5, 'e'));
    expect(texts(await follower.poll())).toEqual(['d', 'e']);
    expect(follower.count).toBe(5);
  });

  it('asks for events only, or events and logs with includeLogs', async () => {
    const store = new EventStoreStub();
    store.add(at(1, 'event'), { ...at(2, 'log'), type: 'cloudify_log', level: 'info' });
    const eventsOnly = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false });
    expect(texts(await eventsOnly.poll())).toEqual(['event']);
    expect(store.requests[0]).toMatchObject({ execution_id: 'e1', type: ['cloudify_event'] });
    const withLogs = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: true });
    expect(texts(await withLogs.poll())).toEqual(['event', 'log']);
    expect(store.requests.at(-1)).toMatchObject({ type: ['cloudify_event', 'cloudify_log'], _sort: '@timestamp' });
  });

  it('picks up a document that became searchable after newer ones, inside the late-arrival window, once', async () => {
    const store = new EventStoreStub();
    store.add(at(10, 'a'), at(12, 'c'));
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false, lateArrivalWindowMs: 5_000 });
    expect(texts(await follower.poll())).toEqual(['a', 'c']);
    store.add(at(11, 'b (late)'), at(13, 'd'));
    expect(texts(await follower.poll())).toEqual(['b (late)', 'd']);
    // The window is read again from 13 s - 5 s on: nothing is shown twice.
    expect(texts(await follower.poll())).toEqual([]);
    expect(store.requests.at(-1)).toMatchObject({ _range: '@timestamp,2016-08-02T11:00:08.000Z,' });
  });

  it('notices by the count a document older than the window and shows it after a full rescan', async () => {
    const store = new EventStoreStub();
    store.add(at(0, 'a'), at(60, 'c'));
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false, lateArrivalWindowMs: 5_000 });
    expect(texts(await follower.poll())).toEqual(['a', 'c']);
    store.add(at(30, 'b (very late)'), at(61, 'd'));
    expect(texts(await follower.poll())).toEqual(['d', 'b (very late)']);
    expect(texts(await follower.poll())).toEqual([]);
    expect(follower.count).toBe(4);
  });

  it('pages by time: a long execution never needs a deep offset, and ties longer than a page are all read once', async () => {
    const store = new EventStoreStub();
    for (let i = 0; i < 1_000; i++) store.add(at(i, `event ${i}`));
    for (let i = 0; i < 250; i++) store.add(at(2_000, `tie ${i}`));
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false, pageSize: 100 });

    const received = await follower.poll();
    expect(received).toHaveLength(1_250);
    expect(new Set(texts(received)).size).toBe(1_250);
    const offsets = store.requests.map((request) => Number(request['_offset'] ?? 0));
    expect(Math.max(...offsets)).toBeLessThanOrEqual(200);
    expect(store.requests.filter((request) => request['_size'] === '100').length).toBeLessThan(20);
  });

  it('knows the end event once returned', async () => {
    const store = new EventStoreStub();
    store.add(at(1, 'started', { event_type: 'workflow_started' }));
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false });
    await follower.poll();
    expect(follower.endEvent).toBeUndefined();
    store.add(at(2, 'failed', { event_type: 'workflow_failed' }));
    await follower.poll();
    expect(follower.endEvent?.['event_type']).toBe('workflow_failed');
  });
});

describe('followUntilWorkflowEnds', () => {
  it('keeps polling, handing over each new batch, until the end event and resolves with it', async () => {
    const store = new EventStoreStub();
    store.add(at(1, 'started', { event_type: 'workflow_started' }));
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false });
    const batches: unknown[][] = [];
    let polls = 0;
    const end = await followUntilWorkflowEnds(follower, {
      pollIntervalMs: 1,
      onEvents: (events) => {
        batches.push(texts(events));
        polls += 1;
        if (polls === 2) store.add(at(2, 'stage'));
        if (polls === 3) store.add(at(3, 'succeeded', { event_type: 'workflow_succeeded' }), at(4, 'after'));
      },
    });
    expect(end['event_type']).toBe('workflow_succeeded');
    expect(batches).toEqual([['started'], [], ['stage'], ['succeeded', 'after']]);
  });

  it('stops waiting when aborted', async () => {
    const store = new EventStoreStub();
    const follower = new ExecutionEventFollower({ listEvents: store.listEvents, executionId: 'e1', includeLogs: false });
    const controller = new AbortController();
    const following = followUntilWorkflowEnds(follower, { pollIntervalMs: 60_000, onEvents: () => controller.abort(new Error('interrupted')), signal: controller.signal });
    await expect(following).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('canonicalJson', () => {
  it('gives one text per content whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: null, e: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[1,{"e":"x","f":null}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
