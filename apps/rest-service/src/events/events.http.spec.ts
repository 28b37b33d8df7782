import request from 'supertest';
import { unitApp } from '../testing/fakes';
import type { EventsQuery } from './events-query';
import type { EventsPage, EventsStore, RawSearchBody } from './events-store';

/** Records what the routes ask of storage and answers with canned pages. */
class RecordingStore implements EventsStore {
  readonly searches: EventsQuery[] = [];
  readonly raw: Array<{ target: 'events' | 'storage'; body: RawSearchBody }> = [];

  constructor(private readonly page: EventsPage = { total: 0, items: [] }) {}

  search(query: EventsQuery): Promise<EventsPage> {
    this.searches.push(query);
    return Promise.resolve(this.page);
  }

  rawEventsSearch(body: RawSearchBody): Promise<unknown> {
    this.raw.push({ target: 'events', body });
    return Promise.resolve({ hits: { total: { value: 0 }, hits: [] } });
  }

  rawStorageSearch(body: RawSearchBody): Promise<unknown> {
    this.raw.push({ target: 'storage', body });
    return Promise.resolve({ hits: { total: { value: 0 }, hits: [] } });
  }
}

const EVENT = { type: 'cloudify_event', event_type: 'workflow_started', '@timestamp': '2016-08-02T11:39:24.813Z', context: { execution_id: 'e1' } };

function appWith(store: EventsStore, insecureEndpointsEnabled = false) {
  return unitApp({ events: { store, insecureEndpointsEnabled } }).app;
}

describe('/events and /search routes', () => {
  it.each(['v2', 'v2.1'])('answers GET /api/%s/events with the stored documents in the list envelope', async (version) => {
    const store = new RecordingStore({ total: 7, items: [EVENT] });
    const res = await request(appWith(store)).get(`/api/${version}/events?execution_id=e1&type=cloudify_event&_offset=3&_size=1&_sort=@timestamp`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [EVENT], metadata: { pagination: { total: 7, size: 1, offset: 3 } } });
    expect(store.searches[0]).toMatchObject({
      filters: new Map([
        ['context.execution_id', ['e1']],
        ['type', ['cloudify_event']],
      ]),
      streams: ['events'],
      sort: [{ field: '@timestamp', order: 'asc' }],
    });
  });

  it('reports the default page size when _size is not given', async () => {
    const res = await request(appWith(new RecordingStore())).get('/api/v2.1/events');
    expect(res.body).toEqual({ items: [], metadata: { pagination: { total: 0, size: 1000, offset: 0 } } });
  });

  it('refuses bad pagination and ranges with bad_parameters_error before searching', async () => {
    const store = new RecordingStore();
    const size = await request(appWith(store)).get('/api/v2.1/events?_size=1001');
    expect(size.status).toBe(400);
    expect(size.body).toEqual({ error_code: 'bad_parameters_error', message: 'Invalid pagination: 1001, max allowed: 1000' });
    const range = await request(appWith(store)).get('/api/v2.1/events?_range=@timestamp');
    expect(range.status).toBe(400);
    expect(range.body.error_code).toBe('bad_parameters_error');
    expect(store.searches).toHaveLength(0);
  });

  it('answers POST on the v2+ events list with 405 method_not_allowed_error', async () => {
    const res = await request(appWith(new RecordingStore(), true)).post('/api/v2.1/events').send({ query: { match_all: {} } });
    expect(res.status).toBe(405);
    expect(res.body.error_code).toBe('method_not_allowed_error');
  });

  describe('insecure endpoints (raw Elasticsearch queries)', () => {
    it.each([
      ['get', '/api/v1/events'],
      ['post', '/api/v1/events'],
      ['post', '/api/v1/search'],
      ['post', '/api/v2.1/search'],
    ] as const)('%s %s answers 405 while disabled, without touching storage', async (method, path) => {
      const store = new RecordingStore();
      const res = await request(appWith(store))[method](path).set('Content-Type', 'application/json').send('{"query":{"match_all":{}}}');
      expect(res.status).toBe(405);
      expect(res.body).toEqual({
        error_code: 'method_not_allowed_error',
        message: 'Method not allowed: raw Elasticsearch queries (insecure endpoints) are disabled on this manager',
      });
      expect(store.raw).toHaveLength(0);
    });

    it('passes the JSON body of v1 /events to the events search and answers with its response', async () => {
      const store = new RecordingStore();
      const res = await request(appWith(store, true)).post('/api/v1/events').set('Content-Type', 'application/json').send('{"query":{"term":{"type":"cloudify_log"}},"size":5}');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ hits: { total: { value: 0 }, hits: [] } });
      expect(store.raw).toEqual([{ target: 'events', body: { query: { term: { type: 'cloudify_log' } }, size: 5 } }]);
    });

    it('searches everything on a bodiless v1 GET /events and sends /search to the stored documents', async () => {
      const store = new RecordingStore();
      expect((await request(appWith(store, true)).get('/api/v1/events')).status).toBe(200);
      expect((await request(appWith(store, true)).post('/api/v2/search').set('Content-Type', 'application/json').send('{}')).status).toBe(200);
      expect(store.raw).toEqual([
        { target: 'events', body: {} },
        { target: 'storage', body: {} },
      ]);
    });

    it('refuses other content types with 415 and non-object bodies with 400', async () => {
      const store = new RecordingStore();
      const text = await request(appWith(store, true)).post('/api/v1/events').set('Content-Type', 'application/json; charset=utf-8').send('{}');
      expect(text.status).toBe(415);
      expect(text.body.error_code).toBe('unsupported_content_type_error');
      const array = await request(appWith(store, true)).post('/api/v1/events').set('Content-Type', 'application/json').send('[1]');
      expect(array.status).toBe(400);
      expect(array.body.error_code).toBe('bad_parameters_error');
      expect(store.raw).toHaveLength(0);
    });
  });
});
