import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { gzip, sampleBlueprintTarGz, tar } from './testing/archives';
import { unitApp } from './testing/fakes';

const TAR_GZ = { 'Content-Type': 'application/octet-stream' };

/** Every error answer is exactly Cloudify's `{message, error_code}`: no traceback, no extras. */
function expectError(res: request.Response, status: number, errorCode: string, message?: string | RegExp): void {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body as object).sort()).toEqual(['error_code', 'message']);
  expect(res.body.error_code).toBe(errorCode);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}

/** Sends `chunks` with Transfer-Encoding: chunked and resolves with status and parsed body. */
async function putChunked(app: ReturnType<typeof unitApp>['app'], path: string, chunks: Buffer[]): Promise<{ status: number; body: unknown }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method: 'PUT', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown }));
      });
      // The server may answer (and close) before every chunk is written.
      req.on('error', () => undefined);
      req.on('close', () => reject(new Error('connection closed without a response')));
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('rest-service app (in-memory storage and files)', () => {
  describe('versions and probes', () => {
    it('answers /version under every API version', async () => {
      const { app } = unitApp();
      for (const version of ['v1', 'v2', 'v2.1']) {
        const res = await request(app).get(`/api/${version}/version`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ version: '0.1.0', build: '85', date: '', commit: '' });
      }
    });

    it('answers /status in the 3.4 shape', async () => {
      const { app } = unitApp({
        statusTargets: [{ displayName: 'Elasticsearch', unit: 'elasticsearch.service', description: 'ES', probe: () => Promise.resolve() }],
      });
      const res = await request(app).get('/api/v2.1/status');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'running',
        services: [
          {
            display_name: 'Elasticsearch',
            instances: [{ Id: 'elasticsearch.service', Description: 'ES', LoadState: 'loaded', ActiveState: 'active', SubState: 'running', MainPID: 0, state: 'running' }],
          },
        ],
      });
    });

    it('answers unknown versions and paths with the JSON 404', async () => {
      const { app } = unitApp();
      expectError(await request(app).get('/api/v3/blueprints'), 404, 'not_found_error');
      expectError(await request(app).get('/api/v2.1/nothing-here'), 404, 'not_found_error');
      expectError(await request(app).get('/blueprints'), 404, 'not_found_error');
    });
  });

  describe('upload', () => {
    it('stores a tar.gz blueprint and answers 201 with the full document and plan', async () => {
      const { app, repository, files } = unitApp();
      const res = await request(app).put('/api/v2.1/blueprints/web').set(TAR_GZ).send(sampleBlueprintTarGz());
      expect(res.status).toBe(201);
      expect(Object.keys(res.body as object)).toEqual(['id', 'plan', 'description', 'main_file_name', 'created_at', 'updated_at']);
      expect(res.body).toMatchObject({
        id: 'web',
        description: 'Web server on an existing host',
        main_file_name: 'blueprint.yaml',
        created_at: '2016-08-02 11:39:24.813000',
        updated_at: '2016-08-02 11:39:24.813000',
      });
      expect(res.body.plan.nodes.map((node: { id: string }) => node.id).sort()).toEqual(['host', 'web']);
      expect(repository.documents.get('web')?.archive_file_name).toBe('web.tar.gz');
      expect(files.calls).toEqual(['put web/web.tar.gz', 'extract web/web.tar.gz']);
    });

    it('answers v1 uploads without description and main_file_name, honouring _include', async () => {
      const { app } = unitApp();
      const res = await request(app).put('/api/v1/blueprints/web?_include=id,created_at').send(sampleBlueprintTarGz());
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: 'web', created_at: '2016-08-02 11:39:24.813000' });
    });

    it('refuses a taken id with 409 before touching any file', async () => {
      const { app, files } = unitApp();
      await request(app).put('/api/v2.1/blueprints/web').send(sampleBlueprintTarGz()).expect(201);
      files.calls.length = 0;
      const res = await request(app).put('/api/v2.1/blueprints/web').send(sampleBlueprintTarGz());
      expectError(res, 409, 'conflict_error', 'blueprint web already exists');
      expect(files.calls).toEqual([]);
      expect(files.extracted.get('web')?.has('blueprint.yaml')).toBe(true);
    });

    it('refuses an unknown format and an empty body without writing anything', async () => {
      const { app, files } = unitApp();
      expectError(await request(app).put('/api/v2.1/blueprints/x').send(Buffer.from('garbage')), 400, 'bad_parameters_error', /unrecognized format/);
      expectError(await request(app).put('/api/v2.1/blueprints/x'), 400, 'bad_parameters_error', 'Blueprint archive is empty');
      expect(files.calls).toEqual([]);
    });

    it('maps parser errors to invalid_blueprint_error and removes the files', async () => {
      const { app, files, repository } = unitApp();
      const broken = sampleBlueprintTarGz({ 'blueprint.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates:\n  a:\n    type: no.such.Type\n' });
      const res = await request(app).put('/api/v2.1/blueprints/broken').send(broken);
      expectError(res, 400, 'invalid_blueprint_error', /^Invalid blueprint - Could not locate node type: 'no.such.Type'/);
      expect(files.calls).toEqual(['put broken/broken.tar.gz', 'extract broken/broken.tar.gz', 'delete broken']);
      expect(files.archives.size + files.extracted.size).toBe(0);
      expect(repository.documents.size).toBe(0);
    });

    it('passes archive problems reported by the fileserver through and removes the files', async () => {
      const { app, files } = unitApp();
      const res = await request(app).put('/api/v2.1/blueprints/x?application_file_name=main.yaml').send(sampleBlueprintTarGz());
      expectError(res, 400, 'bad_parameters_error', 'main.yaml does not exist in the application directory');
      expect(files.calls).toContain('delete x');
      expect(files.archives.size).toBe(0);
    });

    it('refuses a declared body over the limit with 413 before reading it', async () => {
      const { app, files } = unitApp();
      const res = await request(app).put('/api/v2.1/blueprints/big').set('Content-Length', String(64 * 1024 + 1)).send(Buffer.alloc(64 * 1024 + 1));
      expectError(res, 413, 'payload_too_large_error');
      expect(files.calls).toEqual([]);
    });

    it('stops a chunked body at the limit with 413 and removes what was stored', async () => {
      const { app, files } = unitApp();
      const big = gzip(tar([{ name: 'bp/blueprint.yaml', content: randomBytes(200_000) }]));
      expect(big.length).toBeGreaterThan(64 * 1024);
      const chunks = Array.from({ length: Math.ceil(big.length / 8192) }, (_v, i) => big.subarray(i * 8192, (i + 1) * 8192));
      const res = await putChunked(app, '/api/v2.1/blueprints/big', chunks);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ message: 'Blueprint archive is larger than the limit of 65536 bytes', error_code: 'payload_too_large_error' });
      expect(files.calls).toContain('delete big');
      expect(files.archives.size).toBe(0);
    });

    it('refuses multipart bodies and an archive URL given together with a body', async () => {
      const { app } = unitApp();
      const multipart = await request(app).put('/api/v2.1/blueprints/x').attach('blueprint_archive', sampleBlueprintTarGz(), 'bp.tar.gz');
      expectError(multipart, 400, 'bad_parameters_error', /Multipart uploads are not supported/);
      const both = await request(app).put('/api/v2.1/blueprints/x?blueprint_archive_url=http://example.com/a.tar.gz').send(sampleBlueprintTarGz());
      expectError(both, 400, 'bad_parameters_error', /Can't pass both/);
    });

    it('fetches blueprint_archive_url and stores it like a body upload', async () => {
      const archive = sampleBlueprintTarGz();
      const seen: string[] = [];
      const fetchArchive: typeof fetch = (input) => {
        seen.push(String(input));
        return Promise.resolve(new Response(archive, { status: 200 }));
      };
      const { app, repository } = unitApp({ fetch: fetchArchive });
      const res = await request(app).put(`/api/v2.1/blueprints/remote?blueprint_archive_url=${encodeURIComponent('https://example.com/bp.tar.gz')}`);
      expect(res.status).toBe(201);
      expect(seen).toEqual(['https://example.com/bp.tar.gz']);
      expect(repository.documents.has('remote')).toBe(true);
    });

    it('answers param_url_not_found_error for an archive URL that cannot be fetched, and bad_parameters_error for a bad one', async () => {
      const { app, files } = unitApp({
        fetch: (input) => (String(input).includes('missing') ? Promise.resolve(new Response('nope', { status: 404 })) : Promise.reject(new TypeError('fetch failed'))),
      });
      expectError(await request(app).put('/api/v2.1/blueprints/a?blueprint_archive_url=http://example.com/missing.tgz'), 400, 'param_url_not_found_error', /HTTP 404/);
      expectError(await request(app).put('/api/v2.1/blueprints/a?blueprint_archive_url=http://unreachable.invalid/a.tgz'), 400, 'param_url_not_found_error', /fetch failed/);
      expectError(await request(app).put('/api/v2.1/blueprints/a?blueprint_archive_url=file:///etc/passwd'), 400, 'bad_parameters_error', /must be an http or https URL/);
      expectError(await request(app).put('/api/v2.1/blueprints/a?blueprint_archive_url=not%20a%20url'), 400, 'bad_parameters_error', /not a valid URL/);
      expect(files.calls).toEqual([]);
    });

    it('validates _include before storing anything', async () => {
      const { app, files } = unitApp();
      expectError(await request(app).put('/api/v2.1/blueprints/x?_include=nope').send(sampleBlueprintTarGz()), 400, 'no_such_include_field_error');
      expect(files.calls).toEqual([]);
    });
  });

  describe('read and delete', () => {
    async function withBlueprints(ids: string[]): Promise<ReturnType<typeof unitApp>> {
      const built = unitApp();
      for (const id of ids) await request(built.app).put(`/api/v2.1/blueprints/${id}`).send(sampleBlueprintTarGz()).expect(201);
      return built;
    }

    it('lists v2 with the pagination envelope and v1 as a bare array', async () => {
      const { app } = await withBlueprints(['a', 'b', 'c']);
      const v2 = await request(app).get('/api/v2/blueprints?_include=id&_sort=-id&_size=2&_offset=0');
      expect(v2.status).toBe(200);
      expect(v2.body).toEqual({ items: [{ id: 'c' }, { id: 'b' }], metadata: { pagination: { total: 3, size: 2, offset: 0 } } });
      const v1 = await request(app).get('/api/v1/blueprints?_include=id');
      expect(v1.body).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      const v1Full = await request(app).get('/api/v1/blueprints');
      expect(Object.keys(v1Full.body[0] as object)).toEqual(['id', 'plan', 'created_at', 'updated_at']);
    });

    it('ignores filters and paging in v1 but applies them in v2', async () => {
      const { app } = await withBlueprints(['a', 'b']);
      expect((await request(app).get('/api/v1/blueprints?id=a&_size=1&_include=id')).body).toEqual([{ id: 'a' }, { id: 'b' }]);
      expect((await request(app).get('/api/v2.1/blueprints?id=a&_include=id')).body.items).toEqual([{ id: 'a' }]);
      expectError(await request(app).get('/api/v2.1/blueprints?name=a'), 400, 'bad_parameters_error', /^Filter keys '\['name'\]' do not exist/);
    });

    it('gets one blueprint with _include, 404 for a missing one', async () => {
      const { app } = await withBlueprints(['a']);
      expect((await request(app).get('/api/v2.1/blueprints/a?_include=id,main_file_name')).body).toEqual({ id: 'a', main_file_name: 'blueprint.yaml' });
      expectError(await request(app).get('/api/v2.1/blueprints/zzz'), 404, 'not_found_error', 'blueprint zzz not found');
    });

    it('streams the original archive as an attachment', async () => {
      const { app } = await withBlueprints(['a']);
      const res = await request(app).get('/api/v2.1/blueprints/a/archive').buffer(true).parse((response, done) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('end', () => done(null, Buffer.concat(parts)));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toBe('attachment; filename=a.tar.gz');
      expect((res.body as Buffer).equals(sampleBlueprintTarGz())).toBe(true);
      expectError(await request(app).get('/api/v2.1/blueprints/zzz/archive'), 404, 'not_found_error', 'blueprint zzz not found');
    });

    it('encodes an archive name that needs quoting in Content-Disposition', async () => {
      const { app } = await withBlueprints(['my%20blueprint']);
      const res = await request(app).get('/api/v2.1/blueprints/my%20blueprint/archive');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toBe('attachment; filename="my blueprint.tar.gz"');
    });

    it('deletes a blueprint and its files, answering only the id', async () => {
      const { app, files, repository } = await withBlueprints(['a']);
      const res = await request(app).delete('/api/v2.1/blueprints/a');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'a', plan: null, description: null, main_file_name: null, created_at: null, updated_at: null });
      expect(repository.documents.size).toBe(0);
      expect(files.extracted.size + files.archives.size).toBe(0);
      expectError(await request(app).delete('/api/v2.1/blueprints/a'), 404, 'not_found_error', 'blueprint a not found');
    });

    it('refuses to delete a blueprint deployments use, naming them', async () => {
      const { app, repository, files } = await withBlueprints(['a']);
      repository.deployments.set('d2', 'a');
      repository.deployments.set('d1', 'a');
      expectError(
        await request(app).delete('/api/v2.1/blueprints/a'),
        400,
        'dependent_exists_error',
        "Can't delete blueprint a - There exist deployments for this blueprint; Deployments ids: d1,d2",
      );
      expect(repository.documents.has('a')).toBe(true);
      expect(files.extracted.has('a')).toBe(true);
    });

    it('refuses lists when the manager is short of memory, but not single reads', async () => {
      const { app } = unitApp({ minAvailableMemoryMb: 512, availableMemoryBytes: () => 100 * 1024 * 1024 });
      expectError(await request(app).get('/api/v2.1/blueprints'), 400, 'insufficient_memory_error', 'Insufficient memory in manager, needed: 512mb, available: 100mb');
      expectError(await request(app).get('/api/v2.1/blueprints/x'), 404, 'not_found_error');
    });
  });
});
