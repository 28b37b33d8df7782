import { useElasticsearch } from '@cfy/testing';
import { type EsClient, createEsClient } from './client';
import { EsRequestError } from './errors';

describe('index bootstrap against Elasticsearch', () => {
  const es = useElasticsearch();
  let client: EsClient;

  beforeAll(() => {
    client = createEsClient({ url: es.url });
  });

  afterAll(async () => {
    await client.close();
  });

  const mappingOf = async (index: string): Promise<unknown> => {
    const response = await client.raw.indices.getMapping({ index });
    return response[index]?.mappings.properties;
  };

  it('puts an index template twice and concurrently without failing, and new indices get its mappings', async () => {
    const template = {
      name: `${es.prefix}events`,
      indexPatterns: [`${es.prefix}events-*`],
      priority: 500,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { timestamp: { type: 'date' as const }, event_type: { type: 'keyword' as const } } },
    };
    await client.ensureIndexTemplate(template);
    await client.ensureIndexTemplate(template);
    await Promise.all(Array.from({ length: 5 }, () => client.ensureIndexTemplate(template)));

    const stored = await client.raw.indices.getIndexTemplate({ name: template.name });
    expect(stored.index_templates).toHaveLength(1);

    const index = `${es.prefix}events-2024.01.01`;
    await client.create({ index, id: 'e1', document: { timestamp: '2024-01-01T00:00:00Z', event_type: 'task_started' } });
    expect(await mappingOf(index)).toEqual({ timestamp: { type: 'date' }, event_type: { type: 'keyword' } });
  });

  it('creates an index once and reports it as existing afterwards', async () => {
    const definition = { name: `${es.prefix}blueprints`, mappings: { properties: { id: { type: 'keyword' as const } } } };
    expect(await client.ensureIndex(definition)).toBe('created');
    expect(await client.ensureIndex(definition)).toBe('exists');
  });

  it('lets concurrent starts ensure the same index: exactly one creates it, none fails', async () => {
    const definition = { name: `${es.prefix}executions`, mappings: { properties: { status: { type: 'keyword' as const } } } };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => client.ensureIndex(definition)));
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(5);
  });

  it('adds newly declared fields to an existing index', async () => {
    const name = `${es.prefix}nodes`;
    await client.ensureIndex({ name, mappings: { properties: { id: { type: 'keyword' } } } });
    await client.ensureIndex({ name, mappings: { properties: { id: { type: 'keyword' }, host_id: { type: 'keyword' } } } });
    expect(await mappingOf(name)).toEqual({ id: { type: 'keyword' }, host_id: { type: 'keyword' } });
  });

  it('fails the start with EsRequestError when a declared field changes type', async () => {
    const name = `${es.prefix}plugins`;
    await client.ensureIndex({ name, mappings: { properties: { size: { type: 'long' } } } });
    const error = await client.ensureIndex({ name, mappings: { properties: { size: { type: 'keyword' } } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsRequestError);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });
});
