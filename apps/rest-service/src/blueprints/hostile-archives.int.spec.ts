import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { useElasticsearch } from '@cfy/testing';
import { FileserverRejectedError } from '../errors';
import { FileserverClient } from '../fileserver/fileserver.http';
import { SAMPLE_BLUEPRINT_YAML, gzip, sampleBlueprintEntries, sampleBlueprintTarGz, tar, zip } from '../testing/archives';
import { type Reply, abandonUpload, send } from '../testing/http';
import { type ChildService, type InProcessRestService, listResources, startFileserver, startRestService } from '../testing/stack';

const LIMIT = 2 * 1024 * 1024;
const UNRECOGNIZED = "Blueprint archive is of an unrecognized format. Supported formats are: ['zip', 'tar', 'tar.gz', 'tar.bz2']";
const MINIMAL = 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates: {}\n';

interface HostileCase {
  readonly name: string;
  readonly body?: Buffer;
  readonly query?: string;
  readonly id?: string;
  readonly headers?: Record<string, string>;
  readonly chunkBytes?: number;
  readonly status: number;
  readonly code: string;
  readonly message: string | RegExp;
}

const bp = (files: Record<string, string | Buffer>, dir = 'bp'): Buffer =>
  tar([{ name: `${dir}/`, type: 'directory' }, ...Object.entries(files).map(([path, content]) => ({ name: `${dir}/${path}`, content }))]);

const truncatedTarGz = (): Buffer => {
  const whole = gzip(bp({ 'blueprint.yaml': MINIMAL, 'data.bin': randomBytes(64 * 1024) }));
  return whole.subarray(0, Math.floor(whole.length / 2));
};

const truncatedZip = (): Buffer => {
  const whole = zip([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/data.bin', content: randomBytes(4096) }]);
  return whole.subarray(0, whole.length - 30);
};

const CASES: HostileCase[] = [
  {
    name: 'tar entry climbing out with ..',
    body: tar([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/../../evil.sh', content: 'rm -rf /' }]),
    status: 400,
    code: 'bad_parameters_error',
    message: /"bp\/\.\.\/\.\.\/evil\.sh" points outside the archive/,
  },
  {
    name: 'tar entry with an absolute path',
    body: tar([{ name: '/etc/cron.d/evil', content: '* * * * * root evil' }]),
    status: 400,
    code: 'bad_parameters_error',
    message: /"\/etc\/cron\.d\/evil" is an absolute path/,
  },
  {
    name: 'tar symlink escaping the folder',
    body: tar([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/passwd', type: 'symlink', linkname: '/etc/passwd' }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive entry "bp/passwd" is a symbolic link; links are not allowed',
  },
  {
    name: 'tar hardlink',
    body: tar([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/shadow', type: 'hardlink', linkname: '/etc/shadow' }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive entry "bp/shadow" is a hard link; links are not allowed',
  },
  {
    name: 'zip entry climbing out with ..',
    body: zip([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/../../evil.sh', content: 'x' }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive is invalid: invalid relative path: bp/../../evil.sh',
  },
  {
    name: 'zip entry with an absolute path',
    body: zip([{ name: '/bp/blueprint.yaml', content: MINIMAL }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive is invalid: absolute path: /bp/blueprint.yaml',
  },
  {
    name: 'zip symlink',
    body: zip([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/link', content: '/etc/passwd', symlink: true }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive entry "bp/link" is a symbolic link; links are not allowed',
  },
  {
    name: 'gzip bomb (30 MiB of zeros)',
    body: gzip(bp({ 'blueprint.yaml': MINIMAL, 'zeros.bin': Buffer.alloc(30 * 1024 * 1024) })),
    status: 400,
    code: 'bad_parameters_error',
    message: /Blueprint archive expands (to more than|more than \d+ times)/,
  },
  {
    name: 'zip bomb (30 MiB of zeros, deflated)',
    body: zip([{ name: 'bp/blueprint.yaml', content: MINIMAL }, { name: 'bp/zeros.bin', content: Buffer.alloc(30 * 1024 * 1024), deflate: true }]),
    status: 400,
    code: 'bad_parameters_error',
    message: /Blueprint archive expands (to more than|more than \d+ times)/,
  },
  {
    name: 'too many entries',
    body: bp(Object.fromEntries([['blueprint.yaml', MINIMAL], ...Array.from({ length: 250 }, (_v, i) => [`f${i}.txt`, 'x'])])),
    status: 400,
    code: 'bad_parameters_error',
    message: 'Blueprint archive has more than 200 entries',
  },
  { name: 'garbage bytes', body: randomBytes(4096), status: 400, code: 'bad_parameters_error', message: UNRECOGNIZED },
  { name: 'an empty body', body: Buffer.alloc(0), status: 400, code: 'bad_parameters_error', message: 'Blueprint archive is empty' },
  { name: 'a bare YAML file instead of an archive', body: Buffer.from(SAMPLE_BLUEPRINT_YAML), status: 400, code: 'bad_parameters_error', message: UNRECOGNIZED },
  {
    name: 'an empty tar.gz',
    body: gzip(Buffer.alloc(1024)),
    status: 400,
    code: 'bad_parameters_error',
    message: 'archive must contain exactly 1 directory (the archive is empty)',
  },
  { name: 'an empty zip', body: zip([]), status: 400, code: 'bad_parameters_error', message: /^archive must contain exactly 1 directory/ },
  {
    name: 'gzip of something that is not a tar',
    body: gzip(Buffer.from(SAMPLE_BLUEPRINT_YAML)),
    status: 400,
    code: 'bad_parameters_error',
    message: /unrecognized format|corrupt|not a tar/i,
  },
  {
    name: 'files at the top level, no directory',
    body: tar([{ name: 'blueprint.yaml', content: MINIMAL }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'archive must contain exactly 1 directory',
  },
  {
    name: 'two top-level directories',
    body: tar([{ name: 'a/blueprint.yaml', content: MINIMAL }, { name: 'b/blueprint.yaml', content: MINIMAL }]),
    status: 400,
    code: 'bad_parameters_error',
    message: 'archive must contain exactly 1 directory',
  },
  {
    name: 'no blueprint.yaml and no application_file_name',
    body: gzip(bp({ 'other.yaml': MINIMAL })),
    status: 400,
    code: 'bad_parameters_error',
    message: 'application directory is missing blueprint.yaml and application_file_name query parameter was not passed',
  },
  {
    name: 'application_file_name naming a missing file',
    body: sampleBlueprintTarGz(),
    query: 'application_file_name=app.yaml',
    status: 400,
    code: 'bad_parameters_error',
    message: 'app.yaml does not exist in the application directory',
  },
  {
    name: 'application_file_name climbing out of the folder',
    body: sampleBlueprintTarGz(),
    query: 'application_file_name=..%2F..%2Fetc%2Fpasswd',
    status: 400,
    code: 'bad_parameters_error',
    message: /application file name/,
  },
  { name: 'a truncated tar.gz', body: truncatedTarGz(), status: 400, code: 'bad_parameters_error', message: /corrupt|truncated|unexpected end/i },
  // Without its end record a zip cannot be read at all: the fileserver calls that an unrecognized format.
  { name: 'a truncated zip', body: truncatedZip(), status: 400, code: 'bad_parameters_error', message: UNRECOGNIZED },
  {
    name: 'invalid YAML',
    body: gzip(bp({ 'blueprint.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates: [unclosed\n' })),
    status: 400,
    code: 'invalid_blueprint_error',
    message: /^Invalid blueprint - Failed to parse DSL: Illegal yaml/,
  },
  {
    name: 'a DSL error (code 7: unknown node type)',
    body: gzip(bp({ 'blueprint.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates:\n  vm:\n    type: no.such.Type\n' })),
    status: 400,
    code: 'invalid_blueprint_error',
    message: /^Invalid blueprint - Could not locate node type: 'no\.such\.Type'/,
  },
  {
    name: 'a DSL error (code 13: missing relative import)',
    body: gzip(bp({ 'blueprint.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\nimports: [types/missing.yaml]\nnode_templates: {}\n' })),
    status: 400,
    code: 'invalid_blueprint_error',
    message: /^Invalid blueprint - Import failed: no suitable location found for import 'types\/missing\.yaml'/,
  },
  {
    name: 'a file: import reaching for the manager disk',
    body: gzip(bp({ 'blueprint.yaml': 'tosca_definitions_version: cloudify_dsl_1_3\nimports: [file:///etc/passwd]\nnode_templates: {}\n' })),
    status: 400,
    code: 'invalid_blueprint_error',
    message: /^Invalid blueprint - Import failed: Unable to open import url 'file:\/\/\/etc\/passwd'/,
  },
  {
    name: 'a declared body over the limit',
    body: randomBytes(LIMIT + 1),
    status: 413,
    code: 'payload_too_large_error',
    message: `Blueprint archive is larger than the limit of ${LIMIT} bytes`,
  },
  {
    name: 'a chunked body over the limit',
    body: gzip(bp({ 'blueprint.yaml': MINIMAL, 'noise.bin': randomBytes(LIMIT + 64 * 1024) })),
    chunkBytes: 32 * 1024,
    status: 413,
    code: 'payload_too_large_error',
    message: `Blueprint archive is larger than the limit of ${LIMIT} bytes`,
  },
  {
    name: 'an id that is a path segment trick',
    id: '%2E%2E',
    body: sampleBlueprintTarGz(),
    status: 400,
    code: 'bad_parameters_error',
    message: 'blueprint id must not be "." or ".."',
  },
  {
    name: 'a hidden id',
    id: '.hidden',
    body: sampleBlueprintTarGz(),
    status: 400,
    code: 'bad_parameters_error',
    message: 'blueprint id must not start with "."',
  },
];

describe('hostile and broken blueprint archives (real Elasticsearch and fileserver)', () => {
  const es = useElasticsearch();
  let root: string;
  let fileserver: ChildService | undefined;
  let rest: InProcessRestService | undefined;
  let keeperFiles: string[];
  let keeperHashes: Record<string, string>;

  const url = (): string => rest?.url ?? '';
  const storedIds = async (): Promise<string[]> => {
    await fetch(`${es.url}/${es.prefix}blueprints/_refresh`, { method: 'POST' });
    const res = await fetch(`${es.url}/${es.prefix}blueprints/_search?size=100&_source=false`);
    const body = (await res.json()) as { hits: { hits: Array<{ _id: string }> } };
    return body.hits.hits.map((hit) => hit._id).sort();
  };
  const hashes = async (paths: string[]): Promise<Record<string, string>> => {
    const entries = await Promise.all(
      paths.filter((path) => path.includes('.')).map(async (path) => [path, createHash('sha256').update(await readFile(join(root, path))).digest('hex')] as const),
    );
    return Object.fromEntries(entries);
  };

  /** Nothing but the keeper blueprint in Elasticsearch and on disk, its files unchanged. */
  const expectNothingLeftBehind = async (): Promise<void> => {
    expect(await storedIds()).toEqual(['keeper']);
    expect(await listResources(root)).toEqual(keeperFiles);
    expect(await hashes(keeperFiles)).toEqual(keeperHashes);
  };

  const expectCloudifyError = (res: Reply, status: number, code: string, message: string | RegExp): void => {
    const body = res.json() as Record<string, unknown>;
    expect({ status: res.status, keys: Object.keys(body).sort(), code: body['error_code'] }).toEqual({ status, keys: ['error_code', 'message'], code });
    if (typeof message === 'string') expect(body['message']).toBe(message);
    else expect(body['message']).toMatch(message);
    expect(String(body['message'])).not.toMatch(/\n\s+at /);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rest-hostile-resources-'));
    fileserver = await startFileserver(root);
    rest = await startRestService({
      ES_URL: es.url,
      ES_INDEX_PREFIX: es.prefix,
      FILESERVER_URL: fileserver.url,
      MAX_BLUEPRINT_ARCHIVE_BYTES: String(LIMIT),
    });
    const keeper = await send(url(), '/api/v2.1/blueprints/keeper', { method: 'PUT', body: gzip(tar(sampleBlueprintEntries('keeper'))) });
    expect(keeper.status).toBe(201);
    keeperFiles = await listResources(root);
    keeperHashes = await hashes(keeperFiles);
  }, 180_000);

  afterAll(async () => {
    await rest?.stop();
    await fileserver?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('has at least 20 hostile cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((hostile) => [hostile.name, hostile] as const))('refuses %s with a clear Cloudify error and keeps nothing', async (_name, hostile) => {
    const id = hostile.id ?? `case-${CASES.indexOf(hostile)}`;
    const path = `/api/v2.1/blueprints/${id}${hostile.query ? `?${hostile.query}` : ''}`;
    const res = await send(url(), path, { method: 'PUT', ...(hostile.body ? { body: hostile.body } : {}), ...(hostile.chunkBytes ? { chunkBytes: hostile.chunkBytes } : {}) });
    expectCloudifyError(res, hostile.status, hostile.code, hostile.message);
    await expectNothingLeftBehind();
  });

  it('refuses a taken id with 409 and leaves the existing blueprint untouched', async () => {
    const res = await send(url(), '/api/v2.1/blueprints/keeper', { method: 'PUT', body: gzip(bp({ 'blueprint.yaml': MINIMAL }, 'other')) });
    expectCloudifyError(res, 409, 'conflict_error', 'blueprint keeper already exists');
    await expectNothingLeftBehind();
    const stored = (await send(url(), '/api/v2.1/blueprints/keeper?_include=description')).json();
    expect(stored).toEqual({ description: 'Web server on an existing host' });
  });

  it('is backed by the fileserver, which refuses to overwrite an existing blueprint folder (409) even when asked directly', async () => {
    const client = new FileserverClient({ url: fileserver?.url ?? '', timeoutMs: 10_000 });
    try {
      const other = gzip(bp({ 'blueprint.yaml': MINIMAL }, 'other'));
      const put = client.putUploadedArchive('keeper', 'keeper.tar.gz', Readable.from([other]));
      await expect(put).rejects.toBeInstanceOf(FileserverRejectedError);
      await expect(put).rejects.toMatchObject({ errorCode: 'conflict_error', status: 409, message: 'blueprint keeper already exists' });
      await expect(client.extractBlueprint('keeper', 'keeper.tar.gz', undefined)).rejects.toMatchObject({ errorCode: 'conflict_error', status: 409 });
    } finally {
      client.close();
    }
    await expectNothingLeftBehind();
  });

  it('keeps nothing when the client goes away mid-upload', async () => {
    const uploads = rest?.uploads;
    const archive = gzip(bp({ 'blueprint.yaml': MINIMAL, 'noise.bin': randomBytes(512 * 1024) }));
    await abandonUpload(url(), '/api/v2.1/blueprints/abandoned', archive.subarray(0, 200 * 1024), () => (uploads?.size ?? 0) > 0);
    const deadline = Date.now() + 10_000;
    while ((uploads?.size ?? 0) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(uploads?.size).toBe(0);
    await expectNothingLeftBehind();
  });

  it('still accepts a good upload after all of that (zip this time)', async () => {
    const good = zip(sampleBlueprintEntries('zipped').filter((entry) => entry.type !== 'directory').map((entry) => ({ name: entry.name, content: entry.content ?? '' })));
    const res = await send(url(), '/api/v2.1/blueprints/zipped', { method: 'PUT', body: good });
    expect(res.status).toBe(201);
    expect(await storedIds()).toEqual(['keeper', 'zipped']);
    expect(await listResources(root)).toContain('uploaded-blueprints/zipped/zipped.zip');
  });
});
