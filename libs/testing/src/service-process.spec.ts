import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, startServiceProcess } from './service-process';

describe('startServiceProcess', () => {
  it('starts the entry on a free port with the given env, waits for /health and stops it with SIGTERM', async () => {
    const service = await startServiceProcess({ name: 'fixture', entry: 'libs/testing/src/service-process.fixture.ts', env: { GREETING: 'hello' } });
    let stopped = false;
    try {
      expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(service.pid).toBeGreaterThan(0);
      const res = await fetch(`${service.url}/health`);
      expect(await res.text()).toBe('hello');
      expect(await service.stop()).toBe(0);
      stopped = true;
      await expect(fetch(`${service.url}/health`)).rejects.toThrow();
    } finally {
      if (!stopped) await service.stop();
    }
  }, 30_000);

  it('rejects with the service name and its output when the process exits before answering', async () => {
    await expect(startServiceProcess({ name: 'missing-service', entry: 'libs/testing/src/does-not-exist.ts', readyTimeoutMs: 20_000 })).rejects.toThrow(
      /missing-service exited with 1:\n[\s\S]*does-not-exist/,
    );
  }, 30_000);
});

describe('repoRoot and freePort', () => {
  it('finds the folder holding nx.json', () => {
    expect(existsSync(join(repoRoot(), 'nx.json'))).toBe(true);
  });

  it('returns a port nothing listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
