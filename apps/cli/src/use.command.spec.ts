import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CannedManager, cfy, errorBody, listOf, startCannedManager } from './testing/canned-manager';

const STATUS = { status: 'running', services: [] };

describe('cfy use', () => {
  let work: string;
  let manager: CannedManager | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-use-'));
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await rm(work, { recursive: true, force: true });
  });

  const readContext = async (dir: string): Promise<unknown> => JSON.parse(await readFile(join(dir, '.cloudify', 'context'), 'utf8'));

  it('checks GET /status, caches the provider context and writes .cloudify/context', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/status': { status: 200, json: STATUS },
      'GET /api/v2.1/provider/context': { status: 200, json: { name: 'local', context: { cloudify: { resources_prefix: '' } } } },
    });

    const result = await cfy(['use', '-t', '127.0.0.1', '--port', String(manager.port)], { cwd: work });

    expect(result).toEqual({ code: 0, stdout: `Using manager 127.0.0.1 with port ${manager.port}\n`, stderr: '' });
    expect(manager.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /api/v2.1/status',
      'GET /api/v2.1/provider/context',
    ]);
    expect(await readContext(work)).toEqual({
      management_server: '127.0.0.1',
      rest_port: manager.port,
      rest_protocol: 'http',
      provider_context: { cloudify: { resources_prefix: '' } },
    });
  });

  it('accepts host:port in -t and carries on without a provider context (404)', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/status': { status: 200, json: STATUS },
      'GET /api/v2.1/provider/context': errorBody(404, 'not_found_error', 'provider_context CONTEXT not found'),
    });

    const result = await cfy(['use', '-t', `127.0.0.1:${manager.port}`], { cwd: work });

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Using manager 127.0.0.1 with port ${manager.port}\n`);
    expect(await readContext(work)).toMatchObject({ management_server: '127.0.0.1', rest_port: manager.port, provider_context: null });
  });

  it('lets later commands find the manager from a sub-directory', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/status': { status: 200, json: STATUS },
      'GET /api/v2.1/blueprints': { status: 200, json: listOf([]) },
    });
    const nested = join(work, 'a', 'b');
    await mkdir(nested, { recursive: true });

    await cfy(['use', '-t', `127.0.0.1:${manager.port}`], { cwd: work });
    const listed = await cfy(['blueprints', 'list', '--json'], { cwd: nested });

    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(listOf([]));
    expect(manager.requests.at(-1)?.path).toBe('/api/v2.1/blueprints');
  });

  it('updates the .cloudify/ of a parent directory instead of creating a new one', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: STATUS } });
    const nested = join(work, 'project');
    await mkdir(join(work, '.cloudify'), { recursive: true });
    await mkdir(nested);

    const result = await cfy(['use', '-t', `127.0.0.1:${manager.port}`], { cwd: nested });

    expect(result.code).toBe(0);
    expect(await readContext(work)).toMatchObject({ rest_port: manager.port });
    await expect(stat(join(nested, '.cloudify'))).rejects.toThrow();
  });

  it("fails with \"Can't use manager\" and writes nothing when the status check fails", async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': errorBody(500, 'internal_server_error', 'boom') });

    const result = await cfy(['use', '-t', `127.0.0.1:${manager.port}`], { cwd: work });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Can't use manager 127.0.0.1: 500: boom\n");
    await expect(stat(join(work, '.cloudify'))).rejects.toThrow();
  });

  it("fails with \"Can't use manager\" when nothing listens there", async () => {
    const closed = await startCannedManager({});
    await closed.close();

    const result = await cfy(['use', '-t', `127.0.0.1:${closed.port}`], { cwd: work });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Can't use manager 127\.0\.0\.1: Can't connect to the manager at .*ECONNREFUSED/);
  });

  it('rejects two different ports as a usage error', async () => {
    const result = await cfy(['use', '-t', '127.0.0.1:8080', '--port', '9090'], { cwd: work });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('9090 conflicts with port 8080');
  });

  it('requires -t', async () => {
    const result = await cfy(['use'], { cwd: work });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-t, --management-ip <host[:port]>' not specified");
  });
});
