import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createEsClient } from './client';
import { BulkItemDroppedError } from './bulk-indexer';
import { EsUnavailableError } from './errors';

const DOWN_URL = 'http://127.0.0.1:1';

describe('with Elasticsearch unreachable', () => {
  const es = createEsClient({ url: DOWN_URL, requestTimeoutMs: 2_000, maxRetries: 0 });

  afterAll(async () => {
    await es.close();
  });

  it('answers the readiness probes with false instead of throwing', async () => {
    expect(await es.ping()).toBe(false);
    expect(await es.isReady()).toBe(false);
  });

  it.each([
    ['create', () => es.create({ index: 'i', id: '1', document: { a: 1 } })],
    ['get', () => es.get('i', '1')],
    ['update', () => es.update({ index: 'i', id: '1', changes: { a: 2 } })],
    ['search', () => es.search({ index: 'i' })],
    ['ensureIndex', () => es.ensureIndex({ name: 'i' })],
    ['ensureIndexTemplate', () => es.ensureIndexTemplate({ name: 't', indexPatterns: ['t-*'] })],
  ])('fails %s with a retryable EsUnavailableError', async (_name, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsUnavailableError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('drops bulk items as retryable after the retries ran out', async () => {
    const indexer = es.bulkIndexer({ flushIntervalMs: 10, maxRetries: 2, retryInitialDelayMs: 5 });
    const error = await indexer.add({ index: 'i', id: '1', document: { a: 1 } }).catch((e: unknown) => e);
    await indexer.close();
    expect(error).toBeInstanceOf(BulkItemDroppedError);
    expect(error).toMatchObject({ retryable: true, dropped: { attempts: 3, status: undefined } });
    expect(indexer.stats()).toMatchObject({ requests: 3, dropped: 1 });
  });
});

describe('a process talking to an unreachable Elasticsearch', () => {
  const run = promisify(execFile);
  const repoRoot = resolve(__dirname, '../../..');
  const scenario = join(__dirname, 'testing', 'es-down-scenario.ts');

  const runScenario = async (...args: string[]): Promise<unknown> => {
    // tsx is the workspace's TypeScript runner; a non-zero exit (a crash) makes execFile throw.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', scenario, ...args], { cwd: repoRoot, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '');
  };

  it('gets typed retryable errors everywhere, never crashes and leaves no unhandled rejection', async () => {
    const report = await runScenario();
    expect(report).toEqual({
      outcomes: {
        ping: 'resolved:false',
        isReady: 'resolved:false',
        ensureIndexTemplate: 'EsUnavailableError:true',
        ensureIndex: 'EsUnavailableError:true',
        create: 'EsUnavailableError:true',
        get: 'EsUnavailableError:true',
        update: 'EsUnavailableError:true',
        search: 'EsUnavailableError:true',
        bulkAdd: 'BulkItemDroppedError:true',
      },
      unhandled: [],
    });
  });

  it('would see an unhandled rejection (control run)', async () => {
    const report = await runScenario('--control');
    expect(report).toMatchObject({ unhandled: ['control rejection'] });
  });
});
