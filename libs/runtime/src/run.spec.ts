import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const tsx = require.resolve('tsx/cli');
const demo = join(__dirname, 'fixtures', 'demo-service.ts');

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  waitFor: (text: string) => Promise<void>;
}

function start(env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [tsx, demo], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${out}`)), 15_000);
      const check = (): void => {
        if (out.includes(text)) {
          clearTimeout(timer);
          resolve();
        }
      };
      listeners.push(check);
      check();
    });
  return { child, output: () => out, exit, waitFor };
}

describe('runService in a real process', () => {
  jest.setTimeout(30_000);

  it('on SIGTERM drains, closes in order, stops listening and exits 0', async () => {
    const run = start();
    await run.waitFor('EVENT listening');
    const port = Number(/EVENT listening (\d+)/.exec(run.output())?.[1]);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const out = run.output();
    expect(out.indexOf('EVENT drained')).toBeGreaterThan(-1);
    expect(out.indexOf('EVENT closed')).toBeGreaterThan(out.indexOf('EVENT drained'));
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('exits at once on a second signal while draining', async () => {
    const run = start({ DEMO_MODE: 'slow-drain' });
    await run.waitFor('EVENT listening');
    run.child.kill('SIGTERM');
    await run.waitFor('shutting down');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.output()).not.toContain('EVENT drained');
  });

  it('exits 1 when shutdown passes its time limit', async () => {
    const run = start({ DEMO_MODE: 'slow-drain', DEMO_SHUTDOWN_TIMEOUT_MS: '300' });
    await run.waitFor('EVENT listening');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain('shutdown time limit passed');
  });

  it('logs an unhandled rejection and exits non-zero', async () => {
    const run = start({ DEMO_MODE: 'reject' });
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain('unhandled promise rejection');
    expect(run.output()).toContain('forgotten promise');
  });
});
