import { useElasticsearch } from '@cfy/testing';
import { type DroppedItem } from './bulk-indexer';
import { type EsClient, createEsClient } from './client';

interface LogDoc {
  seq: number;
  message: string;
  level: string;
}

describe('bulk indexer against Elasticsearch', () => {
  const es = useElasticsearch();
  let client: EsClient;

  beforeAll(() => {
    client = createEsClient({ url: es.url });
  });

  afterAll(async () => {
    await client.close();
  });

  const logsIndex = async (suffix: string): Promise<string> => {
    const name = `${es.prefix}${suffix}`;
    await client.ensureIndex({
      name,
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
      mappings: { properties: { seq: { type: 'long' }, message: { type: 'text' }, level: { type: 'keyword' } } },
    });
    return name;
  };

  it('stores 20,000 documents, resolving every per-item promise, with the exact count in Elasticsearch', async () => {
    const index = await logsIndex('logs-bulk');
    const drops: Array<DroppedItem<LogDoc>> = [];
    const indexer = client.bulkIndexer<LogDoc>({ flushItems: 1000, concurrency: 2, onDrop: (d) => drops.push(d) });
    const total = 20_000;
    let resolved = 0;
    const started = performance.now();
    const added: Array<Promise<void>> = [];
    for (let seq = 0; seq < total; seq++) {
      const document = { seq, message: `event ${seq} of the bulk test`, level: seq % 10 === 0 ? 'error' : 'info' };
      added.push(indexer.add({ index, id: `log-${seq}`, document }).then(() => void (resolved += 1)));
    }
    await Promise.all(added);
    const elapsedMs = performance.now() - started;
    await indexer.close();

    expect(resolved).toBe(total);
    expect(drops).toEqual([]);
    expect(indexer.stats()).toMatchObject({ stored: total, dropped: 0, pending: 0 });
    await client.refresh(index);
    expect(await client.count(index)).toBe(total);
    expect(await client.count(index, { term: { level: 'error' } })).toBe(total / 10);
    // Informational: the benchmark owns the real throughput figure.
    console.info(`bulk: ${total} docs in ${elapsedMs.toFixed(0)} ms (${Math.round((total / elapsedMs) * 1000)} docs/s)`);
  });

  it('reports a mapping conflict through onDrop and a rejection while its neighbours are stored', async () => {
    const index = await logsIndex('logs-conflict');
    const drops: Array<DroppedItem<Record<string, unknown>>> = [];
    const indexer = client.bulkIndexer<Record<string, unknown>>({ flushItems: 50, onDrop: (d) => drops.push(d) });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, seq) =>
        indexer.add({ index, id: `m-${seq}`, document: { seq: seq === 25 ? 'not a number' : seq, message: 'x', level: 'info' } }),
      ),
    );
    await indexer.close();

    const rejected = results.flatMap((result, seq) => (result.status === 'rejected' ? [seq] : []));
    expect(rejected).toEqual([25]);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({
      item: { id: 'm-25' },
      status: 400,
      type: expect.stringMatching(/parsing_exception$/),
      retryable: false,
      attempts: 1,
    });
    expect(drops[0]?.reason).toContain('seq');
    const failure = results[25];
    expect(failure?.status === 'rejected' && failure.reason).toMatchObject({ name: 'BulkItemDroppedError', retryable: false, status: 400 });
    await client.refresh(index);
    expect(await client.count(index)).toBe(49);
    expect(await client.get(index, 'm-24')).toBeDefined();
    expect(await client.get(index, 'm-26')).toBeDefined();
    expect(await client.get(index, 'm-25')).toBeUndefined();
  });

  it('reports a create of an existing id as a 409 drop and stores the new ones', async () => {
    const index = await logsIndex('logs-create');
    await client.create({ index, id: 'taken', document: { seq: 0, message: 'first', level: 'info' } });
    const drops: Array<DroppedItem<LogDoc>> = [];
    const indexer = client.bulkIndexer<LogDoc>({ onDrop: (d) => drops.push(d) });
    const results = await Promise.allSettled([
      indexer.add({ op: 'create', index, id: 'taken', document: { seq: 1, message: 'second', level: 'info' } }),
      indexer.add({ op: 'create', index, id: 'fresh', document: { seq: 2, message: 'new', level: 'info' } }),
    ]);
    await indexer.close();
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect(drops).toEqual([expect.objectContaining({ status: 409, type: 'version_conflict_engine_exception', retryable: false })]);
    expect(await client.get(index, 'taken')).toMatchObject({ source: { message: 'first' } });
  });

  it('sends items with auto-generated ids', async () => {
    const index = await logsIndex('logs-auto');
    const indexer = client.bulkIndexer<LogDoc>();
    await Promise.all([1, 2, 3].map((seq) => indexer.add({ index, document: { seq, message: 'auto', level: 'info' } })));
    await indexer.close();
    await client.refresh(index);
    expect(await client.count(index)).toBe(3);
  });
});
