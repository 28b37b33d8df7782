import { silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle } from '@cfy/runtime';
import request from 'supertest';
import { createIndexerApp } from './app';

function app(options: { ready?: boolean; stats?: unknown } = {}) {
  const lifecycle = new ServiceLifecycle(silentLogger);
  lifecycle.markRunning();
  const readiness = new Readiness();
  readiness.add('elasticsearch', async () => {
    if (options.ready === false) throw new Error('Elasticsearch not reachable or red');
  });
  return createIndexerApp({ logger: silentLogger, lifecycle, readiness, stats: async () => options.stats ?? {} });
}

describe('indexer liveness app', () => {
  it('answers /health', async () => {
    await request(app()).get('/health').expect(200, { status: 'ok', state: 'running' });
  });

  it('is not ready while a backend is away, naming it', async () => {
    const response = await request(app({ ready: false })).get('/ready').expect(503);
    expect(response.body).toMatchObject({ ready: false, checks: { elasticsearch: 'Elasticsearch not reachable or red' } });
  });

  it('serves the counters on /stats', async () => {
    const stats = { streams: { events: { indexed: 3, invalid: 1 } } };
    await request(app({ stats })).get('/stats').expect(200, stats);
  });

  it('answers unknown paths with the JSON 404', async () => {
    const response = await request(app()).get('/nope').expect(404);
    expect(response.body).toMatchObject({ error_code: 'not_found_error' });
  });
});
