import { silentLogger } from '@cfy/logging';
import { RetentionJob, type IndexCatalog } from './retention';

class MemoryCatalog implements IndexCatalog {
  readonly listed: string[][] = [];
  readonly deleted: string[][] = [];
  constructor(public names: string[]) {}

  async list(patterns: readonly string[]): Promise<string[]> {
    this.listed.push([...patterns]);
    return [...this.names];
  }

  async delete(names: readonly string[]): Promise<void> {
    this.deleted.push([...names]);
    this.names = this.names.filter((name) => !names.includes(name));
  }
}

const NOW = Date.UTC(2024, 2, 31, 15, 0); // 2024-03-31 15:00 UTC

describe('RetentionJob', () => {
  it('deletes the daily indices older than RETENTION_DAYS days before today, both streams, by name', async () => {
    const catalog = new MemoryCatalog([
      'p-cloudify-events-2024.02.29',
      'p-cloudify-events-2024.03.01',
      'p-cloudify-logs-2024.02.28',
      'p-cloudify-logs-2024.03.31',
      'p-cloudify-events-2024.02.29-restored',
      'p-cloudify-events-garbage',
    ]);
    const job = new RetentionJob({ catalog, prefix: 'p-', retentionDays: 30, logger: silentLogger, clock: () => NOW });
    const deleted = await job.runOnce();
    expect(deleted.sort()).toEqual(['p-cloudify-events-2024.02.29', 'p-cloudify-logs-2024.02.28']);
    expect(catalog.listed).toEqual([['p-cloudify-events-*', 'p-cloudify-logs-*']]);
    expect(catalog.names.sort()).toEqual([
      'p-cloudify-events-2024.02.29-restored',
      'p-cloudify-events-2024.03.01',
      'p-cloudify-events-garbage',
      'p-cloudify-logs-2024.03.31',
    ]);
    expect(job.status().deleted_total).toBe(2);
  });

  it('deletes nothing when every index is recent', async () => {
    const catalog = new MemoryCatalog(['cloudify-events-2024.03.31']);
    const job = new RetentionJob({ catalog, prefix: '', retentionDays: 1, logger: silentLogger, clock: () => NOW });
    expect(await job.runOnce()).toEqual([]);
    expect(catalog.deleted).toEqual([]);
  });

  it('keeps exactly RETENTION_DAYS days before today', () => {
    const job = new RetentionJob({ catalog: new MemoryCatalog([]), prefix: '', retentionDays: 1, logger: silentLogger, clock: () => NOW });
    expect(job.expired(['cloudify-logs-2024.03.30', 'cloudify-logs-2024.03.29'])).toEqual(['cloudify-logs-2024.03.29']);
  });

  it('runs at start and again after the interval, and records a failure without throwing', async () => {
    jest.useFakeTimers();
    try {
      let calls = 0;
      const catalog: IndexCatalog = {
        list: async () => {
          calls += 1;
          if (calls === 1) throw new Error('Elasticsearch unavailable');
          return [];
        },
        delete: async () => undefined,
      };
      const job = new RetentionJob({ catalog, prefix: '', retentionDays: 30, logger: silentLogger, clock: () => NOW, intervalMs: 60_000 });
      job.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      expect(job.status().last_error).toBe('Elasticsearch unavailable');
      await jest.advanceTimersByTimeAsync(60_000);
      expect(calls).toBe(2);
      expect(job.status().last_error).toBeNull();
      await job.stop();
      await jest.advanceTimersByTimeAsync(600_000);
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
