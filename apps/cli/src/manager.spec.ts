import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, WorkingDirectoryError } from './errors';
import { authHeaders, managerTarget, parseManagerAddress, resolveManager } from './manager';

const sink = { write: () => true };

describe('manager address', () => {
  it.each([
    ['10.0.0.5', 80, false, { host: '10.0.0.5', port: 80 }],
    ['10.0.0.5:8080', 80, false, { host: '10.0.0.5', port: 8080 }],
    ['10.0.0.5:8080', 8080, true, { host: '10.0.0.5', port: 8080 }],
    ['manager.example.com', 443, true, { host: 'manager.example.com', port: 443 }],
    ['[::1]:8100', 80, false, { host: '::1', port: 8100 }],
    ['[::1]', 80, false, { host: '::1', port: 80 }],
    ['fe80::1', 80, false, { host: 'fe80::1', port: 80 }],
  ])('splits %s (default port %d, explicit %s)', (address, port, explicit, expected) => {
    expect(parseManagerAddress(address, port, explicit)).toEqual(expected);
  });

  it.each([['10.0.0.5:http'], ['10.0.0.5:0'], ['10.0.0.5:70000'], [':8080'], ['']])('rejects %j', (address) => {
    expect(() => parseManagerAddress(address, 80, false)).toThrow(UsageError);
  });

  it('switches to https on port 443 and brackets IPv6 hosts in URLs', () => {
    expect(managerTarget('10.0.0.5', 443)).toEqual({ host: '10.0.0.5', port: 443, protocol: 'https', baseUrl: 'https://10.0.0.5:443' });
    expect(managerTarget('::1', 80).baseUrl).toBe('http://[::1]:80');
  });
});

describe('resolveManager', () => {
  let work: string;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'cfy-manager-'));
  });

  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const io = (env: Record<string, string>) => ({ cwd: work, env, stdout: sink, stderr: sink });

  it('prefers CFY_MANAGER_URL, keeping a path prefix and defaulting the port by scheme', async () => {
    await expect(resolveManager(io({ CFY_MANAGER_URL: 'https://gw.example.com/cloudify/' }))).resolves.toEqual({
      host: 'gw.example.com',
      port: 443,
      protocol: 'https',
      baseUrl: 'https://gw.example.com/cloudify',
    });
  });

  it('rejects a CFY_MANAGER_URL that is not an http(s) URL', async () => {
    await expect(resolveManager(io({ CFY_MANAGER_URL: 'ftp://x' }))).rejects.toThrow(UsageError);
    await expect(resolveManager(io({ CFY_MANAGER_URL: 'not a url' }))).rejects.toThrow('CFY_MANAGER_URL must be an http(s) URL');
  });

  it('reads the protocol, host and port from .cloudify/context', async () => {
    await mkdir(join(work, '.cloudify'));
    await writeFile(join(work, '.cloudify', 'context'), JSON.stringify({ management_server: '10.0.0.5', rest_port: 8443, rest_protocol: 'https' }));

    await expect(resolveManager(io({}))).resolves.toEqual({ host: '10.0.0.5', port: 8443, protocol: 'https', baseUrl: 'https://10.0.0.5:8443' });
  });

  it("asks for 'cfy use' when .cloudify/ names no manager", async () => {
    await mkdir(join(work, '.cloudify'));

    await expect(resolveManager(io({}))).rejects.toThrow("Must either first run 'cfy use' command");
  });

  it('rejects a context file that is not valid JSON', async () => {
    await mkdir(join(work, '.cloudify'));
    await writeFile(join(work, '.cloudify', 'context'), 'management_server: 10.0.0.5\n');

    await expect(resolveManager(io({}))).rejects.toThrow(WorkingDirectoryError);
  });
});

describe('authHeaders', () => {
  it('sends Basic credentials only when both username and password are set', () => {
    expect(authHeaders({ CLOUDIFY_USERNAME: 'u', CLOUDIFY_PASSWORD: 'p' })).toEqual({ authorization: 'Basic dTpw' });
    expect(authHeaders({ CLOUDIFY_USERNAME: 'u' })).toEqual({});
  });
});
