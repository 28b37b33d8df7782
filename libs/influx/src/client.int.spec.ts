import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { useInfluxDb } from '@cfy/testing';
import { z } from 'zod';
import { InfluxClient, type InfluxClientOptions } from './client';
import { InfluxQueryError, InfluxUnavailableError, InfluxWriteError } from './errors';
import { seriesToRows, statementRows } from './query-result';
import { defined } from './testing/defined';

/** The URL of a local port that nothing listens on any more. */
async function freedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('InfluxClient against a real InfluxDB', () => {
  const influx = useInfluxDb();
  const client = (options: Partial<InfluxClientOptions> = {}) => new InfluxClient({ url: influx.url, database: influx.database, ...options });
  const week = { name: 'cfy_week', duration: '7d', replication: 1, default: true };

  async function policies(): Promise<Array<Record<string, unknown>>> {
    const [result] = await client().query(`SHOW RETENTION POLICIES ON "${influx.database}"`, { database: null });
    return result ? statementRows(result) : [];
  }

  it('answers ping with the server version', async () => {
    const { version } = await client().ping();
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it('bootstraps the database and retention policy, and a second run is harmless', async () => {
    await client({ retentionPolicy: week }).bootstrap();
    await client({ retentionPolicy: week }).bootstrap();
    const [databases] = await client().query('SHOW DATABASES', { database: null });
    expect(statementRows(defined(databases)).map((row) => row['name'])).toContain(influx.database);
    expect((await policies()).find((row) => row['name'] === 'cfy_week')).toMatchObject({ duration: '168h0m0s', replicaN: 1, default: true });
  });

  it('alters an existing retention policy to the configured duration', async () => {
    await client({ retentionPolicy: week }).bootstrap();
    await client({ retentionPolicy: { ...week, duration: '14d' } }).bootstrap();
    expect((await policies()).find((row) => row['name'] === 'cfy_week')).toMatchObject({ duration: '336h0m0s', default: true });
  });

  it('writes into the configured retention policy and reads back with bound parameters', async () => {
    const writer = client({ retentionPolicy: week });
    await writer.bootstrap();
    const now = Date.now();
    await writer.write([
      { measurement: 'cpu', tags: { host: "it's a,host" }, fields: { value: 0.5 }, timestamp: now },
      { measurement: 'cpu', tags: { host: 'other' }, fields: { value: 9 }, timestamp: now },
    ]);
    const [result] = await writer.query('SELECT value, host FROM "cfy_week".cpu WHERE host = $host', { epoch: 'ms', params: { host: "it's a,host" } });
    const rows = seriesToRows(defined(defined(result).series[0]), z.object({ time: z.number(), value: z.number(), host: z.string() }));
    expect(rows).toEqual([{ time: now, value: 0.5, host: "it's a,host" }]);
  });

  it('reports a field type conflict as an InfluxWriteError with InfluxDB’s text, keeping the other points', async () => {
    const c = client();
    await c.bootstrap();
    const now = Date.now();
    await c.write([{ measurement: 'conflict', fields: { value: 1.5 }, timestamp: now }]);
    const error = await caught(
      c.write([
        { measurement: 'conflict', fields: { value: 'text' }, timestamp: now + 1 },
        { measurement: 'conflict', fields: { value: 2.5 }, timestamp: now + 2 },
      ]),
    );
    expect(error).toBeInstanceOf(InfluxWriteError);
    const writeError = error as InfluxWriteError;
    expect(writeError).toMatchObject({ status: 400, droppedPoints: 1, partial: true, retryable: false });
    expect(writeError.serverMessage).toMatch(/field type conflict/);
    const [result] = await c.query('SELECT count(value) FROM conflict');
    expect(statementRows(defined(result))[0]?.['count']).toBe(2);
  });

  it('reports a parse error and a failed statement as InfluxQueryError', async () => {
    const parseError = await caught(client().query('SELECT FROM WHERE'));
    expect(parseError).toBeInstanceOf(InfluxQueryError);
    expect((parseError as InfluxQueryError).details).toMatchObject({ status: 400 });
    expect((parseError as InfluxQueryError).details.serverMessage).toMatch(/error parsing query/);

    const statementError = await caught(client({ database: `${influx.database}_missing` }).query('SELECT * FROM cpu'));
    expect(statementError).toBeInstanceOf(InfluxQueryError);
    expect((statementError as InfluxQueryError).details).toMatchObject({ statementId: 0 });
    expect((statementError as InfluxQueryError).details.serverMessage).toMatch(/database not found/);
  });

  it('reports a missing database on write as an InfluxWriteError', async () => {
    const error = await caught(client({ database: `${influx.database}_missing` }).write([{ measurement: 'm', fields: { v: 1 } }]));
    expect(error).toBeInstanceOf(InfluxWriteError);
    expect((error as InfluxWriteError).status).toBe(404);
    expect((error as InfluxWriteError).serverMessage).toMatch(/database not found/);
  });

  it('reports InfluxDB down as InfluxUnavailableError from ping, query, write and bootstrap', async () => {
    // Port 1 is on fetch's blocked-port list, so fetch fails without connecting; a port that was
    // just freed gives a real ECONNREFUSED. Both must be the same retryable error.
    for (const url of ['http://127.0.0.1:1', await freedPortUrl()]) {
      const down = new InfluxClient({ url, database: influx.database, requestTimeoutMs: 2000 });
      const errors = await Promise.all([
        caught(down.ping()),
        caught(down.query('SHOW DATABASES')),
        caught(down.write([{ measurement: 'm', fields: { v: 1 } }])),
        caught(down.bootstrap()),
      ]);
      for (const error of errors) {
        expect(error).toBeInstanceOf(InfluxUnavailableError);
        expect((error as InfluxUnavailableError).retryable).toBe(true);
        expect((error as Error).message).toContain(url);
      }
    }
  });

  it('says ECONNREFUSED when nothing listens on the port', async () => {
    const error = await caught(new InfluxClient({ url: await freedPortUrl(), database: influx.database }).ping());
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });
});
