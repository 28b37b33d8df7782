import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CannedManager, startCannedManager } from './testing/canned-manager';

const BIN = join(__dirname, '..', 'bin', 'cfy.cjs');
const FIXTURES = join(__dirname, 'testing', 'fixtures');

interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `cfy` executable (tsx-compiled sources) with piped output. */
function runBin(argv: string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: FIXTURES, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bin/cfy.cjs', () => {
  let manager: CannedManager | undefined;

  afterEach(async () => {
    await manager?.close();
    manager = undefined;
  });

  it('runs the TypeScript sources and exits 0 after a successful command, with all output flushed', async () => {
    const services = Array.from({ length: 400 }, (_, index) => ({ display_name: `Service ${index}`, instances: [{ state: 'running' }] }));
    manager = await startCannedManager({ 'GET /api/v2.1/status': { status: 200, json: { status: 'running', services } } });

    const result = await runBin(['status', '--json'], { CFY_MANAGER_URL: manager.url });

    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { services: unknown[] }).services).toHaveLength(400);
  }, 30_000);

  it('exits 1 with the parser error on stderr for an invalid blueprint', async () => {
    const result = await runBin(['blueprints', 'validate', '-p', 'unknown-type/blueprint.yaml']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Validating blueprint: unknown-type/blueprint.yaml\n');
    expect(result.stderr).toContain('  error code: 7');
  }, 30_000);

  it('exits 2 on a usage error', async () => {
    const result = await runBin(['blueprints', 'get']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-b, --blueprint-id <blueprint-id>' not specified");
  }, 30_000);
});
