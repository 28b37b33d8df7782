import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CannedManager, cfy, errorBody, startCannedManager } from './testing/canned-manager';

const STATUS = {
  status: 'running',
  services: [
    { display_name: 'Manager Rest-Service', instances: [{ Id: 'cloudify-restservice.service', state: 'running' }] },
    { display_name: 'RabbitMQ', instances: [{ Id: 'cloudify-rabbitmq.service', state: 'dead' }] },
    { display_name: 'Riemann', instances: [] },
  ],
};

const SERVICES_TABLE = [
  '',
  'Services:',
  '+--------------------------------+---------+',
  '|            service             |  status |',
  '+--------------------------------+---------+',
  '| Manager Rest-Service           | running |',
  '| RabbitMQ                       |   dead  |',
  '| Riemann                        | unknown |',
  '+--------------------------------+---------+',
  '',
];

describe('cfy status', () => {
  let work: string;
  let manager: CannedManager | undefined;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-status-'));
  });

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
    await rm(work, { recursive: true, force: true });
  });

  const run = (argv: string[]) => cfy(argv, { cwd: work, env: { CFY_MANAGER_URL: manager?.url ?? '' } });

  it("prints each service's first instance state as a table (unknown without instances)", async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/status': { status: 200, json: STATUS },
      'GET /api/v2.1/maintenance': { status: 200, json: { status: 'deactivated' } },
    });

    const result = await run(['status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(['Retrieving manager services status... [ip=127.0.0.1]', ...SERVICES_TABLE, ''].join('\n'));
  });

  it('says when maintenance mode is not deactivated', async () => {
    manager = await startCannedManager({
      'GET /api/v2.1/status': { status: 200, json: STATUS },
      'GET /api/v2.1/maintenance': { status: 200, json: { status: 'activated' } },
    });

    const result = await run(['status']);

    expect(result.stdout.endsWith('Maintenance mode is activated.\n\n')).toBe(true);
  });

  it('tolerates a manager without the maintenance endpoint', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: STATUS } });

    const result = await run(['status']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| Riemann                        | unknown |');
    expect(manager.requests.map((request) => request.path)).toEqual(['/api/v2.1/status', '/api/v2.1/maintenance']);
  });

  it('prints the status document with --json', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: STATUS } });

    const result = await run(['status', '--json']);

    expect(JSON.parse(result.stdout)).toEqual(STATUS);
  });

  it('says the REST service is not responding and exits 1 on a server error', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': errorBody(502, 'bad_gateway_error', 'rest-service is unreachable') });

    const quiet = await run(['status']);
    const verbose = await run(['status', '-v']);

    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe('REST service at manager 127.0.0.1 is not responding!\n');
    expect(verbose.stderr).toContain('502: rest-service is unreachable');
  });

  it('sends Basic credentials from CLOUDIFY_USERNAME/CLOUDIFY_PASSWORD', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: STATUS } });

    await cfy(['status'], { cwd: work, env: { CFY_MANAGER_URL: manager.url, CLOUDIFY_USERNAME: 'admin', CLOUDIFY_PASSWORD: 's3cret' } });

    expect(manager.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
  });

  it('traces HTTP requests on stderr with -vv, keeping stdout clean', async () => {
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: STATUS } });

    const result = await run(['status', '-vv', '--json']);

    expect(result.stderr).toContain(`-> GET ${manager.url}/api/v2.1/status`);
    expect(result.stderr).toMatch(/<- 200 GET .*\/api\/v2\.1\/status/);
    expect(JSON.parse(result.stdout)).toEqual(STATUS);
  });

  it('explains how to pick a manager when there is no .cloudify/ and no CFY_MANAGER_URL', async () => {
    const result = await cfy(['status'], { cwd: work, env: {} });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot find .cloudify in ${work}, or in any of its parent directories`);
  });
});
