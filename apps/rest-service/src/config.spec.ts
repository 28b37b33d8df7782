import { ConfigError } from '@cfy/config';
import { loadRestServiceConfig } from './config';

describe('loadRestServiceConfig', () => {
  it('has defaults for a local manager', () => {
    expect(loadRestServiceConfig({})).toMatchObject({
      PORT: 8100,
      HOST: '127.0.0.1',
      ES_URL: 'http://127.0.0.1:9200',
      ES_INDEX_PREFIX: 'cloudify-',
      FILESERVER_URL: 'http://127.0.0.1:53229',
      MAX_BLUEPRINT_ARCHIVE_BYTES: 512 * 1024 * 1024,
      MIN_AVAILABLE_MEMORY_MB: 512,
      AMQP_URL: undefined,
    });
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      loadRestServiceConfig({ PORT: 'abc', ES_URL: 'ftp://x', ES_INDEX_PREFIX: 'Upper-', FILESERVER_URL: 'nope', MAX_BLUEPRINT_ARCHIVE_BYTES: '0', AMQP_URL: 'http://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(keys.sort()).toEqual(['AMQP_URL', 'ES_INDEX_PREFIX', 'ES_URL', 'FILESERVER_URL', 'MAX_BLUEPRINT_ARCHIVE_BYTES', 'PORT']);
  });
});
