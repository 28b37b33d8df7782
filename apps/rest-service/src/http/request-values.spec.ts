import { BadParametersError } from '@cfy/contracts';
import { silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle, createHttpApp } from '@cfy/runtime';
import request from 'supertest';
import { jsonBody, parseBoolean, queryOf } from './request-values';

describe('parseBoolean', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['False', false],
    ['TRUE', true],
  ])('reads %p as %p', (value, expected) => {
    expect(parseBoolean('force', value, !expected)).toBe(expected);
  });

  it('falls back when absent', () => {
    expect(parseBoolean('force', undefined, true)).toBe(true);
    expect(parseBoolean('force', null, false)).toBe(false);
  });

  it.each([['yes'], [1], ['']])('refuses %p with the 3.4 message', (value) => {
    const attempt = (): unknown => parseBoolean('force', value, false);
    expect(attempt).toThrow(BadParametersError);
    expect(attempt).toThrow(`force must be <true/false>, got ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  });
});

describe('jsonBody', () => {
  const lifecycle = new ServiceLifecycle(silentLogger);
  lifecycle.markRunning();
  const app = createHttpApp({
    logger: silentLogger,
    lifecycle,
    readiness: new Readiness(),
    routes: (routes) => {
      routes.post('/echo', ...jsonBody('1kb'), (req, res) => {
        res.json({ got: req.body as unknown });
      });
    },
  });

  it('parses a body sent as exactly application/json', async () => {
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send('{"a":1}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: { a: 1 } });
  });

  it.each([['application/json; charset=utf-8'], ['text/plain'], ['application/x-www-form-urlencoded']])(
    'refuses Content-Type %s with 415 unsupported_content_type_error',
    async (type) => {
      const res = await request(app).post('/echo').set('Content-Type', type).send('{"a":1}');
      expect(res.status).toBe(415);
      expect(res.body).toEqual({ message: 'Content type must be application/json', error_code: 'unsupported_content_type_error' });
    },
  );

  it('refuses invalid JSON with bad_parameters_error', async () => {
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send('{nope');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('bad_parameters_error');
  });
});

describe('queryOf', () => {
  it('keeps repeated keys and decodes the query string of the original URL', () => {
    const params = queryOf('/api/v2/blueprints?id=a&id=b&application_file_name=my%20app.yaml');
    expect(params.getAll('id')).toEqual(['a', 'b']);
    expect(params.get('application_file_name')).toBe('my app.yaml');
    expect([...queryOf('/api/v2/blueprints')]).toEqual([]);
  });
});
