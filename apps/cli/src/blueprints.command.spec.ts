import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { list as listTar } from 'tar';
import { type CannedManager, cfy, errorBody, listOf, type RecordedRequest, startCannedManager } from './testing/canned-manager';

const FIXTURES = join(__dirname, 'testing', 'fixtures');

const BLUEPRINT = {
  id: 'hello',
  description: 'Hello world on a single host',
  main_file_name: 'blueprint.yaml',
  created_at: '2016-08-02 11:38:00.123456',
  updated_at: '2016-08-02 11:38:00.123456',
  plan: {
    description: 'Hello world on a single host',
    inputs: {
      host_ip: { description: 'IP of the host' },
      port: { description: 'HTTP port', default: 8080 },
      flags: { type: 'string', default: null },
    },
    nodes: [],
  },
};

async function archiveEntries(body: Buffer): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const reading: Promise<void>[] = [];
  await pipeline(
    Readable.from([body]),
    listTar({
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        reading.push(new Promise((resolve) => entry.on('end', () => resolve())));
        entries.set(entry.path, '');
        entry.on('end', () => entries.set(entry.path, Buffer.concat(chunks).toString('utf8')));
      },
    }),
  );
  await Promise.all(reading);
  return entries;
}

describe('cfy blueprints', () => {
  let work: string;
  let manager: CannedManager | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-blueprints-'));
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await rm(work, { recursive: true, force: true });
  });

  const run = (argv: string[], env: Record<string, string> = {}) => cfy(argv, { cwd: work, env: { CFY_MANAGER_URL: manager?.url ?? '', ...env } });

  describe('upload', () => {
    let folder: string;

    beforeEach(async () => {
      folder = join(work, 'hello-bp');
      await cp(join(FIXTURES, 'hello'), folder, { recursive: true });
      await writeFile(join(folder, 'my blueprint.yaml'), await readFile(join(folder, 'blueprint.yaml')));
      await mkdir(join(folder, '.cloudify'));
      await writeFile(join(folder, '.cloudify', 'context'), '{"management_server": "10.0.0.5"}');
    });

    it('streams a tar.gz of the blueprint folder, as one top-level directory, to PUT /blueprints/<id>', async () => {
      manager = await startCannedManager({ 'PUT /api/v2.1/blueprints/hello': { status: 201, json: BLUEPRINT } });

      const result = await run(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello']);

      expect(result).toEqual({
        code: 0,
        stdout: "Uploading blueprint hello-bp/blueprint.yaml...\nBlueprint uploaded. The blueprint's id is hello\n",
        stderr: '',
      });
      const [request] = manager.requests as [RecordedRequest];
      expect(request.query.get('application_file_name')).toBe('blueprint.yaml');
      expect(request.headers['transfer-encoding']).toBe('chunked');
      expect(request.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const entries = await archiveEntries(request.body);
      const paths = [...entries.keys()];
      expect(new Set(paths.map((path) => path.split('/')[0]))).toEqual(new Set(['hello-bp']));
      expect(paths).toEqual(expect.arrayContaining(['hello-bp/blueprint.yaml', 'hello-bp/types/web.yaml', 'hello-bp/scripts/start.sh']));
      expect(entries.get('hello-bp/types/web.yaml')).toBe(await readFile(join(folder, 'types', 'web.yaml'), 'utf8'));
      expect(paths.some((path) => path.includes('.cloudify'))).toBe(false);
    });

    it("quotes application_file_name like 3.4's client (urllib.quote, then query encoding)", async () => {
      manager = await startCannedManager({ 'PUT /api/v2.1/blueprints/hello': { status: 201, json: BLUEPRINT } });

      const result = await run(['blueprints', 'upload', '-p', 'hello-bp/my blueprint.yaml', '-b', 'hello']);

      expect(result.code).toBe(0);
      expect(manager.requests[0]?.rawUrl).toBe('/api/v2.1/blueprints/hello?application_file_name=my%2520blueprint.yaml');
      expect(manager.requests[0]?.query.get('application_file_name')).toBe('my%20blueprint.yaml');
    });

    it('prints the returned blueprint, plan included, with --json', async () => {
      manager = await startCannedManager({ 'PUT /api/v2.1/blueprints/hello': { status: 201, json: BLUEPRINT } });

      const result = await run(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello', '--json']);

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(BLUEPRINT);
    });

    it("prints the server's message and exits 1 when the manager rejects the upload", async () => {
      manager = await startCannedManager({
        'PUT /api/v2.1/blueprints/hello': errorBody(409, 'conflict_error', 'blueprint hello already exists', 'Traceback (most recent call last): ...'),
      });

      const quiet = await run(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello']);
      const verbose = await run(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello', '-v']);

      expect(quiet.code).toBe(1);
      expect(quiet.stderr).toBe('An error occurred on the server: blueprint hello already exists\n');
      expect(verbose.code).toBe(1);
      expect(verbose.stderr).toContain('Traceback (most recent call last): ...');
    });

    it('validates first with --validate and sends nothing when the blueprint is invalid', async () => {
      await cp(join(FIXTURES, 'unknown-type'), join(work, 'broken'), { recursive: true });
      manager = await startCannedManager({});

      const result = await run(['blueprints', 'upload', '-p', 'broken/blueprint.yaml', '-b', 'broken', '--validate']);

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('Validating blueprint: broken/blueprint.yaml\n');
      expect(result.stderr).toContain("Failed to validate blueprint Could not locate node type: 'hello.NoSuchType'");
      expect(manager.requests).toHaveLength(0);
    });

    it('validates then uploads a valid blueprint with --validate', async () => {
      manager = await startCannedManager({ 'PUT /api/v2.1/blueprints/hello': { status: 201, json: BLUEPRINT } });

      const result = await run(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello', '--validate']);

      expect(result.stdout).toBe(
        'Validating blueprint: hello-bp/blueprint.yaml\nBlueprint validated successfully\n' +
          "Uploading blueprint hello-bp/blueprint.yaml...\nBlueprint uploaded. The blueprint's id is hello\n",
      );
      expect(manager.requests).toHaveLength(1);
    });

    it('fails with usage status 2 when the blueprint file does not exist', async () => {
      manager = await startCannedManager({});

      const result = await run(['blueprints', 'upload', '-p', 'nope/blueprint.yaml', '-b', 'x']);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("can't open 'nope/blueprint.yaml'");
      expect(manager.requests).toHaveLength(0);
    });

    it('reports an unreachable manager clearly', async () => {
      const closed = await startCannedManager({});
      await closed.close();

      const result = await cfy(['blueprints', 'upload', '-p', 'hello-bp/blueprint.yaml', '-b', 'hello'], {
        cwd: work,
        env: { CFY_MANAGER_URL: closed.url },
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Can't connect to the manager at ${closed.url}: .*ECONNREFUSED`));
    });
  });

  it('lists blueprints in a table with trimmed descriptions', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/blueprints': {
        status: 200,
        json: listOf([BLUEPRINT, { ...BLUEPRINT, id: 'short', description: null, main_file_name: 'bp.yaml' }]),
      },
    });

    const result = await run(['blueprints', 'list']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Listing all blueprints...',
        '',
        'Available blueprints:',
        '+-------+----------------------+----------------+----------------------------+----------------------------+',
        '|   id  |     description      | main_file_name |         created_at         |         updated_at         |',
        '+-------+----------------------+----------------+----------------------------+----------------------------+',
        '| hello | Hello world on a s.. | blueprint.yaml | 2016-08-02 11:38:00.123456 | 2016-08-02 11:38:00.123456 |',
        '| short |                      |    bp.yaml     | 2016-08-02 11:38:00.123456 | 2016-08-02 11:38:00.123456 |',
        '+-------+----------------------+----------------+----------------------------+----------------------------+',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints the list envelope with --json', async () => {
    const envelope = listOf([BLUEPRINT]);
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints': { status: 200, json: envelope } });

    const result = await run(['blueprints', 'list', '--json']);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(envelope);
  });

  it('gets a blueprint with its deployment count, description and deployment ids', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/blueprints/hello': { status: 200, json: BLUEPRINT },
      'GET /api/v2.1/deployments': { status: 200, json: listOf([{ id: 'hello1' }, { id: 'hello2' }]) },
    });

    const result = await run(['blueprints', 'get', '-b', 'hello']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("| hello | blueprint.yaml | 2016-08-02 11:38:00.123456 | 2016-08-02 11:38:00.123456 |      2       |");
    expect(result.stdout).toContain('Description:\nHello world on a single host\n\nExisting deployments:\n["hello1", "hello2"]\n');
    const deployments = manager.requests.find((request) => request.path === '/api/v2.1/deployments');
    expect(deployments?.query.get('blueprint_id')).toBe('hello');
    expect(deployments?.query.get('_include')).toBe('id');
  });

  it("prints the manager's not-found message when getting an unknown blueprint", async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/nope': errorBody(404, 'not_found_error', 'blueprint nope not found') });

    const result = await run(['blueprints', 'get', '-b', 'nope']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('An error occurred on the server: blueprint nope not found\n');
  });

  it("shows a blueprint's inputs with '-' for what is not declared", async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/hello': { status: 200, json: BLUEPRINT } });

    const result = await run(['blueprints', 'inputs', '-b', 'hello']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Retrieving inputs for blueprint hello...',
        '',
        'Inputs:',
        '+---------+--------+---------+----------------+',
        '|   name  |  type  | default |  description   |',
        '+---------+--------+---------+----------------+',
        '| host_ip |   -    |    -    | IP of the host |',
        '|   port  |   -    |   8080  |   HTTP port    |',
        '|  flags  | string |   None  |       -        |',
        '+---------+--------+---------+----------------+',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints the inputs map with --json', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/blueprints/hello': { status: 200, json: BLUEPRINT } });

    const result = await run(['blueprints', 'inputs', '-b', 'hello', '--json']);

    expect(JSON.parse(result.stdout)).toEqual(BLUEPRINT.plan.inputs);
  });

  it('deletes a blueprint', async () => {
    manager = await startCannedManager({
      'DELETE /api/v2.1/blueprints/hello': { status: 200, json: { id: 'hello', plan: null, description: null, main_file_name: null, created_at: null, updated_at: null } },
    });

    const result = await run(['blueprints', 'delete', '-b', 'hello']);

    expect(result).toEqual({ code: 0, stdout: 'Deleting blueprint hello...\nBlueprint deleted\n', stderr: '' });
    expect(manager.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['DELETE /api/v2.1/blueprints/hello']);
  });

  it('refuses to delete a blueprint with deployments, printing the reason', async () => {
    const message = "Can't delete blueprint hello - There exist deployments for this blueprint; Deployments ids: hello1";
    manager = await startCannedManager({ 'DELETE /api/v2.1/blueprints/hello': errorBody(400, 'dependent_exists_error', message) });

    const result = await run(['blueprints', 'delete', '-b', 'hello']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`An error occurred on the server: ${message}\n`);
  });

  describe('download', () => {
    const archive = Buffer.from('pretend this is a tar.gz \u0000\u0001\u0002');
    const archiveRoute = {
      'GET /api/v2.1/blueprints/hello/archive': {
        status: 200,
        body: archive,
        headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename=hello.tar.gz' },
      },
    };

    it("saves the archive under the name the manager gives it", async () => {
      manager = await startCannedManager(archiveRoute);

      const result = await run(['blueprints', 'download', '-b', 'hello']);

      expect(result).toEqual({ code: 0, stdout: 'Downloading blueprint hello...\nBlueprint downloaded as hello.tar.gz\n', stderr: '' });
      expect(await readFile(join(work, 'hello.tar.gz'))).toEqual(archive);
    });

    it('saves to -o and refuses to overwrite an existing file', async () => {
      manager = await startCannedManager(archiveRoute);

      const first = await run(['blueprints', 'download', '-b', 'hello', '-o', 'copy.tgz']);
      const second = await run(['blueprints', 'download', '-b', 'hello', '-o', 'copy.tgz']);

      expect(first.code).toBe(0);
      expect(await readFile(join(work, 'copy.tgz'))).toEqual(archive);
      expect(second.code).toBe(1);
      expect(second.stderr).toBe("Output file 'copy.tgz' already exists\n");
      expect(await readFile(join(work, 'copy.tgz'))).toEqual(archive);
    });

    it('never writes outside the target folder whatever file name the manager suggests', async () => {
      manager = await startCannedManager({
        'GET /api/v2.1/blueprints/hello/archive': { status: 200, body: archive, headers: { 'content-disposition': 'attachment; filename="../../evil.tar.gz"' } },
      });
      await mkdir(join(work, 'out'));

      const result = await run(['blueprints', 'download', '-b', 'hello', '-o', 'out']);

      expect(result.code).toBe(0);
      expect(await readFile(join(work, 'out', 'evil.tar.gz'))).toEqual(archive);
    });

    it('prints where the archive went with --json', async () => {
      manager = await startCannedManager(archiveRoute);

      const result = await run(['blueprints', 'download', '-b', 'hello', '--json']);

      expect(JSON.parse(result.stdout)).toEqual({ blueprint_id: 'hello', output_file: join(work, 'hello.tar.gz') });
    });
  });

  describe('validate', () => {
    it('accepts a valid blueprint with relative imports and scripts, with no manager at all', async () => {
      const result = await cfy(['blueprints', 'validate', '-p', join(FIXTURES, 'hello', 'blueprint.yaml')], { cwd: work, env: {} });

      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Validating blueprint: ${join(FIXTURES, 'hello', 'blueprint.yaml')}\nBlueprint validated successfully\n`);
    });

    it('prints the parsed plan with --json', async () => {
      const result = await cfy(['blueprints', 'validate', '-p', join(FIXTURES, 'hello', 'blueprint.yaml'), '--json'], { cwd: work, env: {} });

      const plan = JSON.parse(result.stdout) as { nodes: { id: string }[]; inputs: Record<string, unknown> };
      expect(plan.nodes.map((node) => node.id).sort()).toEqual(['vm', 'web']);
      expect(Object.keys(plan.inputs)).toEqual(['host_ip', 'port']);
    });

    it('names the file, line, column, YAML path and parser code of an unknown node type (error 7)', async () => {
      const result = await cfy(['blueprints', 'validate', '-p', 'blueprint.yaml'], { cwd: join(FIXTURES, 'unknown-type'), env: {} });

      expect(result.code).toBe(1);
      expect(result.stdout).toBe('Validating blueprint: blueprint.yaml\n');
      const lines = result.stderr.split('\n');
      expect(lines[0]).toMatch(/^Failed to validate blueprint Could not locate node type: 'hello.NoSuchType'/);
      expect(lines.slice(1)).toEqual(['  in: blueprint.yaml:10:5', '  path: node_templates.web.type', '  error code: 7', '']);
    });

    it('reports YAML syntax errors with code -1 and their position', async () => {
      const result = await cfy(['blueprints', 'validate', '-p', join(FIXTURES, 'bad-yaml', 'blueprint.yaml')], { cwd: FIXTURES, env: {} });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Failed to validate blueprint Failed to parse DSL: Illegal yaml/);
      expect(result.stderr).toContain(`  in: ${join('bad-yaml', 'blueprint.yaml')}:4:`);
      expect(result.stderr).toContain('  error code: -1');
    });

    it('fetches http(s) imports', async () => {
      manager = await startCannedManager({
        'GET /types/web.yaml': { status: 200, body: 'node_types:\n  remote.Web:\n    derived_from: cloudify.nodes.WebServer\n' },
      });
      await writeFile(
        join(work, 'blueprint.yaml'),
        [
          'tosca_definitions_version: cloudify_dsl_1_3',
          'imports:',
          '  - http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml',
          `  - ${manager.url}/types/web.yaml`,
          'node_templates:',
          '  web: {type: remote.Web}',
          '',
        ].join('\n'),
      );

      const result = await cfy(['blueprints', 'validate', '-p', 'blueprint.yaml'], { cwd: work, env: {} });

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(manager.requests.map((request) => request.path)).toEqual(['/types/web.yaml']);
    });

    it('reports a missing relative import as an import failure (error 13)', async () => {
      await writeFile(
        join(work, 'blueprint.yaml'),
        'tosca_definitions_version: cloudify_dsl_1_3\nimports: [types/missing.yaml]\nnode_templates: {}\n',
      );

      const result = await cfy(['blueprints', 'validate', '-p', 'blueprint.yaml'], { cwd: work, env: {} });

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('types/missing.yaml');
      expect(result.stderr).toContain('  error code: 13');
    });
  });
});
