import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { fromBufferPromise } from 'yauzl';
import { bzip2, gzip, hasCli, tarBytes, zipBytes, type TarTestEntry } from './test-support/archives';
import { EMPTY_RESOURCES_TREE, listTree, rawRequest, useTestFileserver } from './test-support/harness';

const YAML = 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates: {}\n';
const FILES: Record<string, string> = {
  'blueprint.yaml': YAML,
  'alt/main.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\n',
  'scripts/install.sh': '#!/bin/sh\necho installing\n',
  'plugins/myplug/setup.py': 'from setuptools import setup\nsetup(name="myplug")\n',
  'plugins/myplug/myplug/__init__.py': '# package\n',
  'plugins/other/plugin.yaml': 'plugins: {}\n',
};
const EXPECTED_PATHS = [...Object.keys(FILES), 'plugins/myplug.zip', 'plugins/other.zip'].sort();

const tarEntries = (top = 'mybp'): TarTestEntry[] => [
  { name: `${top}/`, type: 'Directory' },
  ...Object.entries(FILES).map(([path, content]) => ({ name: `${top}/${path}`, content })),
];

async function writeSourceTree(base: string): Promise<void> {
  for (const [path, content] of Object.entries(FILES)) {
    const target = join(base, 'mybp', ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

async function zipEntries(zip: Buffer): Promise<Record<string, string>> {
  const file = await fromBufferPromise(zip, { lazyEntries: true });
  const entries: Record<string, string> = {};
  for await (const entry of file.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await file.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries[entry.fileName] = Buffer.concat(chunks).toString();
  }
  return entries;
}

describe('internal write API', () => {
  const fs = useTestFileserver();

  const upload = (id: string, name: string, body: Buffer): request.Test =>
    request(fs.app).put(`/_internal/uploaded-blueprints/${id}/${name}`).type('application/octet-stream').send(body);
  const extract = (id: string, body: object): request.Test => request(fs.app).post(`/_internal/blueprints/${id}/extract`).send(body);

  const validArchives: Array<[string, string, () => Promise<Buffer> | Buffer, string | undefined]> = [
    ['tar', 'tar', () => tarBytes(tarEntries()), undefined],
    ['tar.gz', 'tar.gz', () => gzip(tarBytes(tarEntries())), undefined],
    ['tar.bz2', 'tar.bz2', () => bzip2(tarBytes(tarEntries())), 'bzip2'],
    ['zip (built entry by entry, deflated)', 'zip', () => zipBytes(Object.entries(FILES).map(([path, content]) => ({ name: `mybp/${path}`, content, deflate: true }))), undefined],
    [
      'zip (zip CLI)',
      'zip',
      async () => {
        const base = join(fs.outside, 'src-zip');
        await writeSourceTree(base);
        execFileSync('zip', ['-qr', 'out.zip', 'mybp'], { cwd: base });
        return (await import('node:fs/promises')).readFile(join(base, 'out.zip'));
      },
      'zip',
    ],
    [
      'tar.gz (tar CLI, ./-prefixed names)',
      'tar.gz',
      async () => {
        const base = join(fs.outside, 'src-tgz');
        await writeSourceTree(base);
        execFileSync('tar', ['-czf', join(fs.outside, 'cli.tgz'), '-C', base, '.']);
        return (await import('node:fs/promises')).readFile(join(fs.outside, 'cli.tgz'));
      },
      'tar',
    ],
  ];

  it.each(validArchives)('extracts a valid %s archive into blueprints/<id>/ and zips its plugins', async (label, ext, build, needs) => {
    if (needs !== undefined && !hasCli(needs)) {
      console.warn(`skipping "${label}": ${needs} is not installed`);
      return;
    }
    const id = `valid-${label.replace(/[^a-z0-9]+/gi, '-')}`;
    const stored = await upload(id, `${id}.${ext}`, await build());
    expect(stored.status).toBe(201);
    expect(stored.body).toEqual({ path: `uploaded-blueprints/${id}/${id}.${ext}`, size: expect.any(Number) });

    const res = await extract(id, { archive: `${id}.${ext}` });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      blueprintId: id,
      format: ext === 'tar.gz' || ext === 'tar.bz2' || ext === 'zip' ? ext : 'tar',
      directory: `blueprints/${id}`,
      mainFile: `blueprints/${id}/blueprint.yaml`,
      applicationFileName: 'blueprint.yaml',
    });
    const files = res.body.files as Array<{ path: string; size: number }>;
    expect(files.map((file) => file.path)).toEqual(EXPECTED_PATHS);
    expect(files.find((file) => file.path === 'scripts/install.sh')?.size).toBe(Buffer.byteLength(FILES['scripts/install.sh'] ?? ''));

    for (const [path, content] of Object.entries(FILES)) {
      const served = await request(fs.app).get(`/resources/blueprints/${id}/${path}`);
      expect(served.status).toBe(200);
      expect(served.text ?? served.body.toString()).toBe(content);
    }
    const pluginZip = await request(fs.app).get(`/resources/blueprints/${id}/plugins/myplug.zip`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(pluginZip.headers['content-type']).toBe('application/zip');
    expect(await zipEntries(pluginZip.body as Buffer)).toEqual({
      'myplug/myplug/__init__.py': FILES['plugins/myplug/myplug/__init__.py'],
      'myplug/setup.py': FILES['plugins/myplug/setup.py'],
    });
    expect((await readdir(join(fs.root, '.staging'))).length).toBe(0);
  });

  it('uses applicationFileName, also inside a sub-folder', async () => {
    await upload('named', 'named.tar', tarBytes(tarEntries())).expect(201);
    const res = await extract('named', { archive: 'named.tar', applicationFileName: 'alt/main.yaml' });
    expect(res.status).toBe(201);
    expect(res.body.mainFile).toBe('blueprints/named/alt/main.yaml');
    expect(res.body.applicationFileName).toBe('alt/main.yaml');
  });

  it('refuses a second extraction of an id with 409 and keeps the first', async () => {
    await upload('twice', 'twice.tar', tarBytes(tarEntries())).expect(201);
    await extract('twice', { archive: 'twice.tar' }).expect(201);
    const again = await extract('twice', { archive: 'twice.tar' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: 'blueprint twice already exists', error_code: 'conflict_error' });
    const replaced = await upload('twice', 'twice.tar', tarBytes(tarEntries('other')));
    expect(replaced.status).toBe(409);
    expect((await request(fs.app).get('/resources/blueprints/twice/blueprint.yaml')).text).toBe(YAML);
    expect((await request(fs.app).get('/resources/uploaded-blueprints/twice/twice.tar')).status).toBe(200);
  });

  it('lets exactly one of two concurrent extractions of an id win', async () => {
    await upload('race', 'race.tar', tarBytes(tarEntries())).expect(201);
    const statuses = (await Promise.all([extract('race', { archive: 'race.tar' }), extract('race', { archive: 'race.tar' })])).map((res) => res.status);
    expect(statuses.sort()).toEqual([201, 409]);
  });

  it('replaces an upload that was not extracted yet', async () => {
    await upload('redo', 'redo.tar', Buffer.from('first attempt')).expect(201);
    await upload('redo', 'redo.tar', tarBytes(tarEntries())).expect(201);
    await extract('redo', { archive: 'redo.tar' }).expect(201);
  });

  it('answers 404 when the named archive was never uploaded', async () => {
    const res = await extract('ghost', { archive: 'ghost.tar' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'blueprint archive ghost/ghost.tar not found', error_code: 'not_found_error' });
  });

  it('deletes both folders of an id, and deleting again is fine', async () => {
    await upload('gone', 'gone.tar', tarBytes(tarEntries())).expect(201);
    await extract('gone', { archive: 'gone.tar' }).expect(201);
    await request(fs.app).delete('/_internal/blueprints/gone').expect(204);
    expect((await request(fs.app).get('/resources/blueprints/gone/blueprint.yaml')).status).toBe(404);
    expect((await request(fs.app).get('/resources/uploaded-blueprints/gone/gone.tar')).status).toBe(404);
    await request(fs.app).delete('/_internal/blueprints/gone').expect(204);
    await request(fs.app).delete('/_internal/blueprints/never-existed').expect(204);
    const tree = await listTree(fs.root);
    expect(tree.filter((path) => path.includes('gone'))).toEqual([]);
    expect(tree.filter((path) => path.startsWith('.staging/'))).toEqual([]);
  });

  it.each([
    ['an encoded slash', 'a%2Fb', /must not contain/],
    ['an encoded backslash', 'a%5Cb', /must not contain/],
    ['an encoded NUL', 'a%00b', /must not contain/],
    ['dot-dot', '..', /must not be "\." or "\.\."/],
    ['encoded dot-dot', '%2e%2e', /must not be "\." or "\.\."/],
    ['dot', '.', /must not be "\." or "\.\."/],
    ['a leading dot (could never be served)', '.hidden', /must not start with "\."/],
    ['a name over 255 bytes', 'x'.repeat(256), /longer than 255 bytes/],
  ])('refuses a blueprint id with %s (400) and creates nothing', async (_label, id, message) => {
    const before = await listTree(fs.root);
    const res = await rawRequest(fs.app, { method: 'PUT', path: `/_internal/uploaded-blueprints/${id}/bp.tar`, chunks: [tarBytes(tarEntries())] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ message: expect.stringMatching(message), error_code: 'bad_parameters_error' });
    expect((await rawRequest(fs.app, { method: 'DELETE', path: `/_internal/blueprints/${id}` })).status).toBe(400);
    expect(await listTree(fs.root)).toEqual(before);
  });

  it('refuses an archive file name that is not a single safe name', async () => {
    const res = await rawRequest(fs.app, { method: 'PUT', path: '/_internal/uploaded-blueprints/ok/..%2f..%2fescape.tar', chunks: [Buffer.from('x')] });
    expect(res.status).toBe(400);
    expect(await listTree(fs.outside)).not.toContain('escape.tar');
  });

  it('refuses an applicationFileName climbing out of the blueprint', async () => {
    await upload('climb', 'climb.tar', tarBytes(tarEntries())).expect(201);
    const res = await extract('climb', { archive: 'climb.tar', applicationFileName: '../../uploaded-blueprints/climb/climb.tar' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/application file name must not be "\." or "\.\."/);
  });

  it.each([
    ['a non-JSON content type', (req: request.Test) => req.type('text/plain').send('{"archive":"a.tar"}'), 415, 'Content type must be application/json'],
    ['broken JSON', (req: request.Test) => req.type('application/json').send('{"archive":'), 400, 'Request body is not valid JSON'],
    ['a missing archive', (req: request.Test) => req.send({}), 400, 'archive must be a non-empty string'],
    ['an empty archive name', (req: request.Test) => req.send({ archive: '' }), 400, 'archive must be a non-empty string'],
    ['an unknown field', (req: request.Test) => req.send({ archive: 'a.tar', application_file_name: 'x.yaml' }), 400, 'Unknown field(s) in request body: application_file_name'],
    ['a non-string applicationFileName', (req: request.Test) => req.send({ archive: 'a.tar', applicationFileName: 3 }), 400, 'applicationFileName must be a non-empty string'],
    ['a JSON array', (req: request.Test) => req.send(['a.tar']), 400, 'Request body must be a JSON object'],
    [
      'several problems (all named at once)',
      (req: request.Test) => req.send({ archive: 7, extra: true }),
      400,
      'archive must be a non-empty string; Unknown field(s) in request body: extra',
    ],
  ])('refuses an extract request with %s', async (_label, send, status, message) => {
    const res = await send(request(fs.app).post('/_internal/blueprints/body-check/extract'));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message, error_code: status === 415 ? 'unsupported_content_type_error' : 'bad_parameters_error' });
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('internal write API size limit', () => {
  const fs = useTestFileserver({ maxArchiveBytes: 4096 });
  /** Uploads `chunks` as they are; `end: false` leaves the body unfinished, a client still sending. */
  const putOversized = (headers: Record<string, string>, chunks: Buffer[], end = true): ReturnType<typeof rawRequest> =>
    rawRequest(fs.app, { method: 'PUT', path: '/_internal/uploaded-blueprints/big/big.tar', headers, chunks, end });
  const CHUNKED = { 'transfer-encoding': 'chunked' };

  it('refuses a body whose Content-Length is over the limit with 413, before reading it', async () => {
    const res = await putOversized({ 'content-length': '8192' }, [Buffer.alloc(8192)]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ message: 'Blueprint archive is larger than the limit of 4096 bytes', error_code: 'payload_too_large_error' });
    expect(await listTree(fs.root)).toEqual(EMPTY_RESOURCES_TREE);
  });

  it('refuses a chunked body that streams past the limit with 413 and removes what it wrote', async () => {
    const res = await putOversized(CHUNKED, [Buffer.alloc(3000), Buffer.alloc(3000), Buffer.alloc(3000)]);
    expect(res.status).toBe(413);
    expect(await listTree(fs.root)).toEqual(EMPTY_RESOURCES_TREE);
  });

  it('answers 413 while the client is still sending, and closes the connection instead of reading on', async () => {
    const res = await putOversized(CHUNKED, [Buffer.alloc(3000), Buffer.alloc(3000)], false);
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(await listTree(fs.root)).toEqual(EMPTY_RESOURCES_TREE);
  });

  it('removes the partial upload when the client goes away mid-body', async () => {
    const server = createServer(fs.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/_internal/uploaded-blueprints/quit/quit.tar', headers: CHUNKED });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1000));
    await waitUntil(async () => (await readdir(join(fs.root, '.staging'))).length === 1);
    req.destroy();
    await waitUntil(async () => (await listTree(fs.root)).join() === EMPTY_RESOURCES_TREE.join());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('accepts a body of exactly the limit', async () => {
    const res = await request(fs.app).put('/_internal/uploaded-blueprints/edge/edge.bin').send(Buffer.alloc(4096, 1));
    expect(res.status).toBe(201);
    expect(res.body.size).toBe(4096);
  });
});

describe('internal write API with INTERNAL_TOKEN', () => {
  const fs = useTestFileserver({ internalToken: 's3cret-token' });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'wrong'],
    ['a token prefix', 's3cret'],
  ])('refuses a request with %s (401)', async (_label, token) => {
    const req = request(fs.app).delete('/_internal/blueprints/bp1');
    const res = await (token === undefined ? req : req.set('X-Cfy-Internal-Token', token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Missing or invalid internal token', error_code: 'unauthorized_error' });
  });

  it('accepts the right token, and never asks for it on /resources', async () => {
    const res = await request(fs.app).put('/_internal/uploaded-blueprints/tok/tok.tar').set('X-Cfy-Internal-Token', 's3cret-token').send(tarBytes(tarEntries()));
    expect(res.status).toBe(201);
    expect((await request(fs.app).get('/resources/uploaded-blueprints/tok/tok.tar')).status).toBe(200);
  });
});
