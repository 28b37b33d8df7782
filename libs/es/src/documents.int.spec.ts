import { useElasticsearch } from '@cfy/testing';
import { type EsClient, createEsClient } from './client';
import { DocumentConflictError, DocumentNotFoundError, InvalidDocumentError } from './errors';

interface Deployment {
  id: string;
  rank: number;
  status: string;
}

/** Hand-written so this lib needs no schema library; services pass zod schemas. */
const deploymentSchema = {
  parse(source: unknown): Deployment {
    if (typeof source === 'object' && source !== null && 'id' in source && 'rank' in source && 'status' in source) {
      const { id, rank, status } = source;
      if (typeof id === 'string' && typeof rank === 'number' && typeof status === 'string') return { id, rank, status };
    }
    throw new Error('not a deployment');
  },
};

describe('documents against Elasticsearch', () => {
  const es = useElasticsearch();
  let client: EsClient;
  let index: string;

  beforeAll(async () => {
    client = createEsClient({ url: es.url });
    index = `${es.prefix}deployments`;
    await client.ensureIndex({
      name: index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { id: { type: 'keyword' }, rank: { type: 'integer' }, status: { type: 'keyword' } } },
    });
  });

  afterAll(async () => {
    await client.close();
  });

  it('creates a document and refuses a second create with the same id as a conflict', async () => {
    const first = await client.create({ index, id: 'dup', document: { id: 'dup', rank: 1, status: 'new' } });
    expect(Number.isSafeInteger(first.version)).toBe(true);
    const error = await client.create({ index, id: 'dup', document: { id: 'dup', rank: 2, status: 'other' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentConflictError);
    expect(error).toMatchObject({ index, id: 'dup', retryable: false });
    expect((await client.get(index, 'dup', deploymentSchema))?.source.rank).toBe(1);
  });

  it('gets the stored document with the version its write returned', async () => {
    const { version } = await client.create({ index, id: 'g1', document: { id: 'g1', rank: 5, status: 'new' } });
    expect(await client.get(index, 'g1', deploymentSchema)).toEqual({
      index,
      id: 'g1',
      version,
      source: { id: 'g1', rank: 5, status: 'new' },
    });
  });

  it('returns undefined for a missing document and for a missing index', async () => {
    expect(await client.get(index, 'nope')).toBeUndefined();
    expect(await client.get(`${es.prefix}no-such-index`, 'nope')).toBeUndefined();
  });

  it('refuses a stored document that does not match the schema', async () => {
    await client.create({ index, id: 'odd', document: { id: 'odd', rank: 1 } });
    await expect(client.get(index, 'odd', deploymentSchema)).rejects.toBeInstanceOf(InvalidDocumentError);
  });

  it('updates with the current version, increasing it, and refuses a stale version as a conflict', async () => {
    const created = await client.create({ index, id: 'u1', document: { id: 'u1', rank: 1, status: 'new' } });
    const updated = await client.update<Deployment>({ index, id: 'u1', changes: { status: 'started' }, version: created.version });
    expect(updated.version).toBeGreaterThan(created.version);

    const stale = await client
      .update<Deployment>({ index, id: 'u1', changes: { status: 'lost' }, version: created.version })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(DocumentConflictError);

    const stored = await client.get(index, 'u1', deploymentSchema);
    expect(stored).toMatchObject({ version: updated.version, source: { status: 'started', rank: 1 } });
  });

  it('keeps the version when an update changes nothing', async () => {
    const { version } = await client.create({ index, id: 'noop', document: { id: 'noop', rank: 1, status: 'new' } });
    expect(await client.update<Deployment>({ index, id: 'noop', changes: { status: 'new' }, version })).toEqual({ version });
  });

  it('refuses to update a missing document', async () => {
    await expect(client.update<Deployment>({ index, id: 'ghost', changes: { status: 'x' } })).rejects.toBeInstanceOf(
      DocumentNotFoundError,
    );
  });

  it('replaces a document only at its current version', async () => {
    const { version } = await client.create({ index, id: 'r1', document: { id: 'r1', rank: 1, status: 'new' } });
    const replaced = await client.replace({ index, id: 'r1', document: { id: 'r1', rank: 9, status: 'done' }, version });
    expect(replaced.version).toBeGreaterThan(version);
    await expect(client.replace({ index, id: 'r1', document: { id: 'r1', rank: 0, status: 'x' }, version })).rejects.toBeInstanceOf(
      DocumentConflictError,
    );
    expect((await client.get(index, 'r1', deploymentSchema))?.source).toEqual({ id: 'r1', rank: 9, status: 'done' });
  });

  it('deletes only at the current version and reports a missing document', async () => {
    const created = await client.create({ index, id: 'del', document: { id: 'del', rank: 1, status: 'new' } });
    const { version } = await client.update<Deployment>({ index, id: 'del', changes: { rank: 2 } });
    await expect(client.delete({ index, id: 'del', version: created.version })).rejects.toBeInstanceOf(DocumentConflictError);
    await client.delete({ index, id: 'del', version });
    expect(await client.get(index, 'del')).toBeUndefined();
    await expect(client.delete({ index, id: 'del' })).rejects.toBeInstanceOf(DocumentNotFoundError);
  });
});

describe('search against Elasticsearch', () => {
  const es = useElasticsearch();
  let client: EsClient;
  let index: string;

  beforeAll(async () => {
    client = createEsClient({ url: es.url });
    index = `${es.prefix}search`;
    await client.ensureIndex({
      name: index,
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: { properties: { id: { type: 'keyword' }, rank: { type: 'integer' }, status: { type: 'keyword' } } },
    });
    for (let rank = 0; rank < 25; rank++) {
      const id = `s${String(rank).padStart(2, '0')}`;
      await client.create({ index, id, document: { id, rank, status: rank % 5 === 0 ? 'failed' : 'ok' } });
    }
    await client.refresh(index);
  });

  afterAll(async () => {
    await client.close();
  });

  const ranksOf = (items: Array<{ source: Deployment }>) => items.map((item) => item.source.rank);

  it('pages through 25 documents in pages of 10, ascending, with the exact total', async () => {
    const pages = await Promise.all(
      [0, 10, 20].map((from) => client.search({ index, sort: [{ field: 'rank' }], from, size: 10 }, deploymentSchema)),
    );
    expect(pages.map((page) => page.total)).toEqual([25, 25, 25]);
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 5]);
    expect(pages.flatMap((page) => ranksOf(page.items))).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('sorts descending', async () => {
    const page = await client.search({ index, sort: [{ field: 'rank', order: 'desc' }], from: 10, size: 10 }, deploymentSchema);
    expect(ranksOf(page.items)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
  });

  it('filters with a query and counts exactly', async () => {
    const page = await client.search(
      { index, query: { term: { status: 'failed' } }, sort: [{ field: 'rank', order: 'desc' }], size: 2 },
      deploymentSchema,
    );
    expect(page.total).toBe(5);
    expect(ranksOf(page.items)).toEqual([20, 15]);
    expect(await client.count(index, { term: { status: 'failed' } })).toBe(5);
    expect(await client.count(index)).toBe(25);
  });

  it('returns each hit with a version that updates accept', async () => {
    const page = await client.search({ index, query: { term: { id: 's03' } } }, deploymentSchema);
    const hit = page.items[0];
    expect(hit).toMatchObject({ index, id: 's03', source: { rank: 3 } });
    await expect(client.update<Deployment>({ index, id: 's03', changes: { status: 'seen' }, version: hit?.version })).resolves.toEqual({
      version: expect.any(Number),
    });
  });

  it('returns an empty page for a missing index', async () => {
    expect(await client.search({ index: `${es.prefix}missing` })).toEqual({ total: 0, items: [] });
  });
});
