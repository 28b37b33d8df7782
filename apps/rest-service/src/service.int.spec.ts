import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useElasticsearch, useInfluxDb, useRabbitMq } from '@cfy/testing';
import { gzip, tar } from './testing/archives';
import { send } from './testing/http';
import { type ChildService, type InProcessRestService, listResources, startFileserver, startRestService } from './testing/stack';

interface Status {
  status: string;
  services: Array<{ display_name: string; instances: Array<{ state: string; ActiveState: string; MainPID: number }> }>;
}

const stateOf = (status: Status, name: string): string | undefined => status.services.find((service) => service.display_name === name)?.instances[0]?.state;

describe('rest-service against its real dependencies: status, readiness, shutdown', () => {
  const es = useElasticsearch();
  const rabbit = useRabbitMq();
  const influx = useInfluxDb();
  let root: string;
  let fileserver: ChildService | undefined;
  const started: InProcessRestService[] = [];

  const start = async (env: Record<string, string> = {}): Promise<InProcessRestService> => {
    const rest = await startRestService({ ES_URL: es.url, ES_INDEX_PREFIX: es.prefix, FILESERVER_URL: fileserver?.url ?? '', ...env });
    started.push(rest);
    return rest;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rest-service-resources-'));
    fileserver = await startFileserver(root);
  }, 120_000);

  afterAll(async () => {
    for (const rest of started) if (rest.lifecycle.state === 'running') await rest.stop();
    await fileserver?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('reports every configured service running, with this process id, in the 3.4 shape', async () => {
    const rest = await start({ AMQP_URL: rabbit.url, INFLUX_URL: influx.url });
    const res = await send(rest.url, '/api/v2.1/status');
    expect(res.status).toBe(200);
    const status = res.json() as Status;
    expect(status.status).toBe('running');
    expect(status.services.map((service) => service.display_name)).toEqual(['Manager Rest-Service', 'RabbitMQ', 'InfluxDB', 'Elasticsearch', 'File Server']);
    for (const service of status.services) expect(service.instances.map((instance) => instance.state)).toEqual(['running']);
    expect(status.services[0]?.instances[0]?.MainPID).toBe(process.pid);
    expect((await send(rest.url, '/status')).status).toBe(404);
  });

  it('reports a dependency that does not answer as failed, and one not configured with no instances', async () => {
    const rest = await start({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1/' });
    const status = (await send(rest.url, '/api/v1/status')).json() as Status;
    expect(stateOf(status, 'RabbitMQ')).toBe('failed');
    expect(status.services.find((service) => service.display_name === 'InfluxDB')?.instances).toEqual([]);
    expect(stateOf(status, 'Elasticsearch')).toBe('running');
  });

  it('is ready only while Elasticsearch and the fileserver answer', async () => {
    const rest = await start();
    const ready = await send(rest.url, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, checks: { elasticsearch: 'ok', fileserver: 'ok' } });

    const orphan = await start({ FILESERVER_URL: 'http://127.0.0.1:1' });
    const notReady = await send(orphan.url, '/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.json()).toMatchObject({ ready: false, checks: { elasticsearch: 'ok' } });
  });

  it('on shutdown aborts an upload that does not finish in time, removes its files, then stops cleanly', async () => {
    const rest = await start({ UPLOAD_DRAIN_TIMEOUT_MS: '300' });
    const archive = gzip(tar([{ name: 'bp/blueprint.yaml', content: 'tosca_definitions_version: cloudify_dsl_1_3\n' }, { name: 'bp/noise.bin', content: randomBytes(256 * 1024) }]));
    const target = new URL(rest.url);
    const upload = request({ host: target.hostname, port: target.port, path: '/api/v2.1/blueprints/interrupted', method: 'PUT', headers: { 'transfer-encoding': 'chunked' } });
    const answer = new Promise<number | 'cut'>((resolve) => {
      upload.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      upload.on('error', () => resolve('cut'));
    });
    upload.write(archive.subarray(0, 100 * 1024));
    const deadline = Date.now() + 10_000;
    while (rest.uploads.size === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rest.uploads.size).toBe(1);

    const startedAt = Date.now();
    await rest.stop();
    expect(rest.lifecycle.state).toBe('stopped');
    expect(Date.now() - startedAt).toBeLessThan(8_000);
    expect([500, 'cut']).toContain(await answer);
    upload.destroy();
    expect(rest.uploads.size).toBe(0);
    expect((await listResources(root)).filter((path) => path.includes('interrupted'))).toEqual([]);
    const doc = await fetch(`${es.url}/${es.prefix}blueprints/_doc/interrupted`);
    expect(doc.status).toBe(404);
  });
});
