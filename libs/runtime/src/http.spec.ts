import { BadParametersError, ManagerError, NotFoundError } from '@cfy/contracts';
import { currentCorrelationId, silentLogger } from '@cfy/logging';
import request from 'supertest';
import express from 'express';
import { createHttpApp } from './http';
import { ServiceLifecycle } from './lifecycle';
import { Readiness } from './readiness';

function build(options: { running?: boolean; probe?: () => Promise<void> } = {}): ReturnType<typeof createHttpApp> {
  const lifecycle = new ServiceLifecycle(silentLogger);
  if (options.running ?? true) lifecycle.markRunning();
  const readiness = new Readiness(200);
  readiness.add('dependency', options.probe ?? (async () => undefined));
  return createHttpApp({
    logger: silentLogger,
    lifecycle,
    readiness,
    routes: (app) => {
      app.get('/boom', () => {
        throw new Error('secret database password in message');
      });
      app.get('/missing', () => {
        throw new NotFoundError('blueprint', 'bp1');
      });
      app.get('/bad', async () => {
        await Promise.resolve();
        throw new BadParametersError('_size must be a positive integer');
      });
      app.post('/json', express.json({ limit: '10b' }), (req, res) => {
        res.json(req.body);
      });
      app.get('/maintenance', () => {
        throw new ManagerError('maintenance_mode_active', 'Your request was rejected since Cloudify manager is in maintenance mode');
      });
      app.get('/whoami', (_req, res) => {
        res.json({ correlationId: currentCorrelationId() });
      });
    },
  });
}

describe('service HTTP app', () => {
  it('answers /health while alive', async () => {
    const res = await request(build()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', state: 'running' });
  });

  it('is ready only when running and every dependency answers', async () => {
    expect((await request(build()).get('/ready')).status).toBe(200);
    expect((await request(build({ running: false })).get('/ready')).status).toBe(503);
    const down = await request(build({ probe: () => Promise.reject(new Error('connect ECONNREFUSED')) })).get('/ready');
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ dependency: 'connect ECONNREFUSED' });
  });

  it('treats a hung dependency as not ready instead of hanging', async () => {
    const res = await request(build({ probe: () => new Promise(() => undefined) })).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.dependency).toMatch(/no answer within 200 ms/);
  });

  it('maps business errors to their Cloudify code, sync and async', async () => {
    const missing = await request(build()).get('/missing');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: 'blueprint bp1 not found', error_code: 'not_found_error' });
    const bad = await request(build()).get('/bad');
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('bad_parameters_error');
  });

  it('hides the cause of a 500 and never sends a stack', async () => {
    const res = await request(build()).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Internal error occurred in manager REST server', error_code: 'internal_server_error' });
    expect(res.text).not.toContain('secret');
  });

  it('keeps a deliberate 5xx business error, such as maintenance mode, as it is', async () => {
    const res = await request(build()).get('/maintenance');
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('maintenance_mode_active');
  });

  it('turns body-parser failures into 400 and 413 in the error format', async () => {
    const broken = await request(build()).post('/json').set('content-type', 'application/json').send('{"a":');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ message: 'Request body is not valid JSON', error_code: 'bad_parameters_error' });
    const large = await request(build()).post('/json').set('content-type', 'application/json').send('{"a":"0123456789"}');
    expect(large.status).toBe(413);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await request(build()).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('not_found_error');
  });

  it('keeps the caller correlation id, or makes one, and exposes it to handlers', async () => {
    const kept = await request(build()).get('/whoami').set('x-request-id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    expect(kept.body.correlationId).toBe('abc-123');
    const made = await request(build()).get('/whoami');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.correlationId).toBe(made.headers['x-request-id']);
  });
});
