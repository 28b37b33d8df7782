import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useElasticsearch } from '@cfy/testing';
import { gzip, tar } from '../testing/archives';
import { send } from '../testing/http';
import { type ChildService, type InProcessRestService, startFileserver, startRestService } from '../testing/stack';

interface Page {
  items: Array<Record<string, unknown>>;
  metadata: { pagination: { total: number; size: number; offset: number } };
}

/** id → [description (null = none), main file name] */
const SEED: Array<[string, string | null, string]> = [
  ['alpha', 'Hello World app', 'blueprint.yaml'],
  ['beta', 'hello world', 'app.yaml'],
  ['gamma', null, 'blueprint.yaml'],
  ['delta', 'Hello', 'main.yaml'],
  ['epsilon', 'Goodbye World', 'app.yaml'],
];

function archiveFor(description: string | null, mainFile: string): Buffer {
  const yaml = `tosca_definitions_version: cloudify_dsl_1_3\n${description === null ? '' : `description: ${description}\n`}node_templates: {}\n`;
  return gzip(tar([{ name: 'bp/', type: 'directory' }, { name: `bp/${mainFile}`, content: yaml }]));
}

describe('blueprint lists on real Elasticsearch: filters, sort, paging, projection', () => {
  const es = useElasticsearch();
  let root: string;
  let fileserver: ChildService | undefined;
  let rest: InProcessRestService | undefined;
  const createdAt = new Map<string, string>();

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await send(rest?.url ?? '', path);
    return { status: res.status, body: res.json() };
  };
  const page = async (query: string, version = 'v2.1'): Promise<Page> => {
    const res = await get(`/api/${version}/blueprints?${query}`);
    expect(res.status).toBe(200);
    return res.body as Page;
  };
  const ids = async (query: string): Promise<unknown[]> => (await page(`_include=id&${query}`)).items.map((item) => item['id']);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rest-list-resources-'));
    fileserver = await startFileserver(root);
    rest = await startRestService({ ES_URL: es.url, ES_INDEX_PREFIX: es.prefix, FILESERVER_URL: fileserver.url });
    for (const [id, description, mainFile] of SEED) {
      const res = await send(rest.url, `/api/v2.1/blueprints/${id}?application_file_name=${mainFile}`, { method: 'PUT', body: archiveFor(description, mainFile) });
      expect(res.status).toBe(201);
      createdAt.set(id, (res.json() as { created_at: string }).created_at);
    }
  }, 180_000);

  afterAll(async () => {
    await rest?.stop();
    await fileserver?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers the v2 envelope with the default page size and the exact total', async () => {
    const all = await page('');
    expect(all.metadata.pagination).toEqual({ total: 5, size: 1000, offset: 0 });
    expect(all.items).toHaveLength(5);
    expect(Object.keys(all.items[0] ?? {})).toEqual(['id', 'plan', 'description', 'main_file_name', 'created_at', 'updated_at']);
    expect(await page('', 'v2')).toEqual(all);
  });

  it('ORs repeated values of one filter key and ANDs different keys', async () => {
    expect((await ids('id=alpha&id=gamma&_sort=id')).sort()).toEqual(['alpha', 'gamma']);
    expect(await ids('main_file_name=app.yaml&id=beta&id=alpha')).toEqual(['beta']);
  });

  it('matches whole whitespace-separated tokens, case-sensitively, or the whole value', async () => {
    expect(await ids('description=Hello&_sort=id')).toEqual(['alpha', 'delta']);
    expect(await ids('description=World&_sort=id')).toEqual(['alpha', 'epsilon']);
    expect(await ids('description=Wor')).toEqual([]);
    expect(await ids('description=Hello%20World%20app')).toEqual(['alpha']);
    const alphaCreated = createdAt.get('alpha') ?? '';
    expect(await ids(`created_at=${encodeURIComponent(alphaCreated)}`)).toEqual(['alpha']);
  });

  it('accepts a filter on the plan, which matches nothing', async () => {
    expect((await page('plan=anything')).metadata.pagination.total).toBe(0);
  });

  it('sorts by several keys in the order given, descending with a leading -', async () => {
    expect(await ids('_sort=-id')).toEqual(['gamma', 'epsilon', 'delta', 'beta', 'alpha']);
    expect(await ids('_sort=main_file_name&_sort=-id')).toEqual(['epsilon', 'beta', 'gamma', 'alpha', 'delta']);
    expect(await ids('_sort=created_at')).toEqual(SEED.map(([id]) => id));
    expect(await ids('_sort=-created_at&_sort=unknown_field')).toEqual(SEED.map(([id]) => id).reverse());
  });

  it('pages with _offset and _size, the total counting every match', async () => {
    const second = await page('_include=id&_sort=id&_size=2&_offset=2');
    expect(second).toEqual({ items: [{ id: 'delta' }, { id: 'epsilon' }], metadata: { pagination: { total: 5, size: 2, offset: 2 } } });
    expect(await page('_sort=id&_size=2&_offset=10&_include=id')).toEqual({ items: [], metadata: { pagination: { total: 5, size: 2, offset: 10 } } });
    expect((await page('_size=0')).items).toEqual([]);
  });

  it.each([
    ['_size=1001', 'bad_parameters_error', 'Invalid pagination: 1001, max allowed: 1000'],
    ['_size=-1', 'bad_parameters_error', 'Invalid pagination: -1, max allowed: 1000'],
    ['_size=ten', 'bad_parameters_error', 'Invalid pagination: _size must be an integer, got ten'],
    ['_offset=-1', 'bad_parameters_error', 'Invalid pagination: _offset must not be negative, got -1'],
    [
      'name=alpha',
      'bad_parameters_error',
      "Filter keys '['name']' do not exist. Allowed filters are: ['id', 'plan', 'description', 'created_at', 'updated_at', 'main_file_name']",
    ],
    [
      '_include=id,owner',
      'no_such_include_field_error',
      'Illegal include fields: [owner] - available fields: [id, plan, description, main_file_name, created_at, updated_at]',
    ],
  ])('refuses %s with %s', async (query, code, message) => {
    expect(await get(`/api/v2.1/blueprints?${query}`)).toEqual({ status: 400, body: { message, error_code: code } });
  });

  it('answers v1 with a bare array of v1 documents, ignoring filters and paging', async () => {
    const v1 = await get('/api/v1/blueprints?id=alpha&_size=1&_sort=-id');
    expect(v1.status).toBe(200);
    const items = v1.body as Array<Record<string, unknown>>;
    expect(items.map((item) => item['id'])).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    expect(Object.keys(items[0] ?? {})).toEqual(['id', 'plan', 'created_at', 'updated_at']);
    expect((await get('/api/v1/blueprints?_include=id,updated_at')).body).toEqual(SEED.map(([id]) => ({ id, updated_at: createdAt.get(id) })).sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(await get('/api/v1/blueprints?_include=description')).toEqual({
      status: 400,
      body: { message: 'Illegal include fields: [description] - available fields: [id, plan, created_at, updated_at]', error_code: 'no_such_include_field_error' },
    });
  });

  it('projects single reads too, v1 without description', async () => {
    expect((await get('/api/v2.1/blueprints/gamma?_include=id,description')).body).toEqual({ id: 'gamma', description: null });
    expect((await get('/api/v1/blueprints/gamma')).body).toEqual({
      id: 'gamma',
      plan: expect.objectContaining({ nodes: [] }),
      created_at: createdAt.get('gamma'),
      updated_at: createdAt.get('gamma'),
    });
  });
});
