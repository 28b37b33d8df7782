import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { useInfluxDb } from '@cfy/testing';
import { z } from 'zod';
import { type DroppedPoints } from './batch-writer';
import { InfluxClient } from './client';
import { InfluxUnavailableError, InfluxWriteError } from './errors';
import { type Point } from './line-protocol';
import { seriesToRows, statementRows } from './query-result';
import { defined } from './testing/defined';

const execFileAsync = promisify(execFile);
const REPO_ROOT = resolve(__dirname, '../../..');
const UNREACHABLE_WRITER = resolve(__dirname, 'testing/unreachable-writer.ts');

const childReportSchema = z.object({
  unhandled: z.array(z.string()),
  drops: z.array(z.object({ count: z.number(), error: z.string() })),
  errors: z.record(z.string(), z.string()),
  stats: z.object({ droppedPoints: z.number(), bufferedPoints: z.number(), inFlightRequests: z.number() }),
});

/** Tag values that need escaping or are easy to mangle; each must come back unchanged. */
const HOSTS = [
  'plain',
  'with space',
  'with,comma',
  'with=equals',
  'back\\slash inside',
  'two\\\\backslashes',
  'comma, space = equals ',
  '"double" and \'single\' quotes',
  'ünïcödé ✓',
  'tab\there',
];

const NOTE = 'say "hi" \\ C:\\dir\\\nsecond line, a=b';
const BASE_MS = Date.UTC(2024, 0, 1);

function loadPoint(i: number): Point {
  return {
    measurement: 'load avg',
    tags: { host: HOSTS[i % HOSTS.length], 'node id': `vm_${i % 7}` },
    fields: { value: i / 4, seq: BigInt(i), even: i % 2 === 0, ...(i % 1000 === 0 ? { note: NOTE } : {}) },
    timestamp: BASE_MS + i,
  };
}

describe('BatchWriter against a real InfluxDB', () => {
  const influx = useInfluxDb();
  const client = () => new InfluxClient({ url: influx.url, database: influx.database });

  beforeAll(() => client().bootstrap());

  it('writes a 5,000-point batch (one gzip request) and reads every point back', async () => {
    const drops: DroppedPoints[] = [];
    const writer = client().batchWriter({ batchSize: 5000, flushIntervalMs: 60_000, onDrop: (d) => drops.push(d) });
    const started = performance.now();
    await writer.writeAll(Array.from({ length: 5000 }, (_, i) => loadPoint(i)));
    await writer.close();
    const elapsedMs = performance.now() - started;

    expect(drops).toEqual([]);
    expect(writer.stats()).toMatchObject({ writtenPoints: 5000, droppedPoints: 0, retries: 0 });
    expect(elapsedMs).toBeLessThan(10_000);

    const [total] = await client().query('SELECT count(value) FROM "load avg"');
    expect(statementRows(defined(total))[0]?.['count']).toBe(5000);

    const [perHost] = await client().query('SELECT count(seq) FROM "load avg" GROUP BY host');
    const counts = Object.fromEntries(defined(perHost).series.map((series) => [series.tags['host'], seriesToRows(series)[0]?.['count']]));
    expect(counts).toEqual(Object.fromEntries(HOSTS.map((host) => [host, 500])));

    const [spot] = await client().query('SELECT * FROM "load avg" WHERE seq = 3000 OR seq = 4321', { epoch: 'ms' });
    const rowSchema = z.object({
      time: z.number(),
      value: z.number(),
      seq: z.number(),
      even: z.boolean(),
      host: z.string(),
      'node id': z.string(),
      note: z.string().nullable(),
    });
    expect(seriesToRows(defined(defined(spot).series[0]), rowSchema)).toEqual([
      { time: BASE_MS + 3000, value: 750, seq: 3000, even: true, host: HOSTS[0], 'node id': 'vm_4', note: NOTE },
      { time: BASE_MS + 4321, value: 1080.25, seq: 4321, even: false, host: HOSTS[1], 'node id': 'vm_2', note: null },
    ]);
  });

  it('finds points by an escaped tag value with a bound parameter', async () => {
    const writer = client().batchWriter({ flushIntervalMs: 60_000 });
    await writer.writeAll(HOSTS.map((host, i) => ({ measurement: 'lookup', tags: { host }, fields: { i: BigInt(i) }, timestamp: BASE_MS + i })));
    await writer.close();
    for (const [i, host] of HOSTS.entries()) {
      const [result] = await client().query('SELECT i FROM lookup WHERE host = $host', { params: { host } });
      expect(statementRows(defined(result)).map((row) => row['i'])).toEqual([i]);
    }
  });

  it('reports points InfluxDB refused for a field type conflict through onDrop, with its text', async () => {
    const drops: DroppedPoints[] = [];
    const writer = client().batchWriter({ flushIntervalMs: 60_000, onDrop: (d) => drops.push(d) });
    await writer.write({ measurement: 'typed', fields: { value: 1.5 }, timestamp: BASE_MS });
    await writer.flush();
    await writer.writeAll([
      { measurement: 'typed', fields: { value: 2.5 }, timestamp: BASE_MS + 1 },
      { measurement: 'typed', fields: { value: 'not a number' }, timestamp: BASE_MS + 2 },
      { measurement: 'typed', fields: { value: 3.5 }, timestamp: BASE_MS + 3 },
    ]);
    await writer.close();

    expect(drops).toHaveLength(1);
    expect(drops[0]?.count).toBe(1);
    expect(drops[0]?.points).toHaveLength(3);
    expect(drops[0]?.error).toBeInstanceOf(InfluxWriteError);
    expect((drops[0]?.error as InfluxWriteError).serverMessage).toMatch(/field type conflict: input field "value" on measurement "typed" is type string, already exists as type float/);
    expect(writer.stats()).toMatchObject({ writtenPoints: 1, droppedPoints: 1, retries: 0 });

    const [result] = await client().query('SELECT count(value) FROM typed');
    expect(statementRows(defined(result))[0]?.['count']).toBe(3);
  });

  it('survives InfluxDB being down: retries, then reports every point as dropped', async () => {
    const down = new InfluxClient({ url: 'http://127.0.0.1:1', database: influx.database, requestTimeoutMs: 1000 });
    const drops: DroppedPoints[] = [];
    const writer = down.batchWriter({
      batchSize: 2,
      flushIntervalMs: 20,
      maxRetries: 2,
      retryInitialDelayMs: 10,
      retryMaxDelayMs: 20,
      onDrop: (d) => drops.push(d),
    });
    await writer.writeAll([loadPoint(1), loadPoint(2), loadPoint(3)]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the timed flush run on its own
    await writer.close();

    expect(drops.map((d) => d.count).sort()).toEqual([1, 2]);
    for (const drop of drops) {
      expect(drop.error).toBeInstanceOf(InfluxUnavailableError);
      expect(drop.error.message).toContain('http://127.0.0.1:1');
    }
    expect(writer.stats()).toMatchObject({ writtenPoints: 0, droppedPoints: 3, retries: 4, inFlightRequests: 0, bufferedPoints: 0 });
  });

  // Jest's sandbox keeps 'unhandledRejection' from test code (it fails the test itself), so the
  // listener runs in a child process; the --provoke run shows that listener does catch one.
  it.each([
    ['leaves no unhandled rejection when InfluxDB is down', [], []],
    ['(control) its listener does see a deliberate unhandled rejection', ['--provoke'], ['Error: provoked']],
  ])('%s', async (_label, extraArgs, expectedUnhandled) => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', UNREACHABLE_WRITER, 'http://127.0.0.1:1', ...extraArgs], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    const report = childReportSchema.parse(JSON.parse(stdout));
    expect(report.unhandled).toEqual(expectedUnhandled);
    expect(report.drops).toEqual(expect.arrayContaining([{ count: 2, error: 'InfluxUnavailableError' }, { count: 1, error: 'InfluxUnavailableError' }]));
    expect(report.errors).toEqual({ ping: 'InfluxUnavailableError', query: 'InfluxUnavailableError', write: 'InfluxUnavailableError' });
    expect(report.stats).toMatchObject({ droppedPoints: 3, bufferedPoints: 0, inFlightRequests: 0 });
  });
});
