import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { managerStatus } from './status';
import { REST_SERVICE_VERSION, versionInfo } from './version';

describe('managerStatus', () => {
  it('reports answering services as active/running, failing ones as failed, unconfigured ones with no instances', async () => {
    const status = await managerStatus(
      [
        { displayName: 'Up', unit: 'up.service', description: 'answers', probe: () => Promise.resolve({ pid: 42 }) },
        { displayName: 'Down', unit: 'down.service', description: 'fails', probe: () => Promise.reject(new Error('ECONNREFUSED')) },
        { displayName: 'Absent', unit: 'absent.service', description: 'not configured' },
      ],
      500,
    );
    expect(status).toEqual({
      status: 'running',
      services: [
        {
          display_name: 'Up',
          instances: [{ Id: 'up.service', Description: 'answers', LoadState: 'loaded', ActiveState: 'active', SubState: 'running', MainPID: 42, state: 'running' }],
        },
        {
          display_name: 'Down',
          instances: [{ Id: 'down.service', Description: 'fails', LoadState: 'loaded', ActiveState: 'failed', SubState: 'failed', MainPID: 0, state: 'failed' }],
        },
        { display_name: 'Absent', instances: [] },
      ],
    });
  });

  it('reports a silent service as failed once its probe time is up', async () => {
    const started = Date.now();
    const status = await managerStatus([{ displayName: 'Silent', unit: 's', description: 'hangs', probe: () => new Promise(() => undefined) }], 100);
    expect(status.services[0]?.instances[0]?.state).toBe('failed');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('versionInfo', () => {
  it('is our own version, equal to the package version, with string build fields', () => {
    const pkg = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')));
    expect(REST_SERVICE_VERSION).toBe(pkg.version);
    expect(versionInfo({})).toEqual({ version: pkg.version, build: '', date: '', commit: '' });
    expect(versionInfo({ build: '85', date: '2026-11-22', commit: 'abc' })).toEqual({ version: pkg.version, build: '85', date: '2026-11-22', commit: 'abc' });
  });
});
