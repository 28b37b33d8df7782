import { ConfigError } from '@cfy/config';
import { loadIndexerConfig } from './config';

describe('loadIndexerConfig', () => {
  it('defaults to the 3.4 queues, port 9999 and no index prefix', () => {
    const config = loadIndexerConfig({});
    expect(config).toMatchObject({
      LIVENESS_PORT: 9999,
      EVENTS_QUEUE: 'cloudify-events',
      LOGS_QUEUE: 'cloudify-logs',
      INDEX_PREFIX: '',
      BULK_FLUSH_INTERVAL_MS: 1000,
      RETENTION_DAYS: 30,
    });
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadIndexerConfig({
        LIVENESS_PORT: 'abc',
        AMQP_URL: 'http://broker',
        INDEX_PREFIX: 'Upper-',
        BULK_FLUSH_INTERVAL_MS: '5000',
        RETENTION_DAYS: '0',
        INDEX_REFRESH_INTERVAL: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort();
    expect(keys).toEqual(['AMQP_URL', 'BULK_FLUSH_INTERVAL_MS', 'INDEX_PREFIX', 'INDEX_REFRESH_INTERVAL', 'LIVENESS_PORT', 'RETENTION_DAYS']);
  });

  it('refuses one queue for both streams', () => {
    expect(() => loadIndexerConfig({ EVENTS_QUEUE: 'q', LOGS_QUEUE: 'q' })).toThrow(/LOGS_QUEUE: must differ from EVENTS_QUEUE/);
  });

  it('accepts test isolation settings', () => {
    const config = loadIndexerConfig({ INDEX_PREFIX: 't-1a2b3c4d-', EVENTS_QUEUE: 'test.x.events', LOGS_QUEUE: 'test.x.logs', LIVENESS_PORT: '0' });
    expect(config).toMatchObject({ INDEX_PREFIX: 't-1a2b3c4d-', LIVENESS_PORT: 0 });
  });
});
