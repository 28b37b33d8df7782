import { ConfigError } from '@cfy/config';
import { loadRestServiceConfig } from '../config';

describe('rest-service configuration of events', () => {
  it('searches the logs-indexer default indices and keeps the raw-query endpoints off by default', () => {
    expect(loadRestServiceConfig({})).toMatchObject({ EVENTS_INDEX_PREFIX: '', INSECURE_ENDPOINTS_ENABLED: false });
  });

  it('reads an index prefix and the insecure-endpoints switch', () => {
    expect(loadRestServiceConfig({ EVENTS_INDEX_PREFIX: 'prod-', INSECURE_ENDPOINTS_ENABLED: 'true' })).toMatchObject({
      EVENTS_INDEX_PREFIX: 'prod-',
      INSECURE_ENDPOINTS_ENABLED: true,
    });
  });

  it('names both keys when their values are bad', () => {
    let error: unknown;
    try {
      loadRestServiceConfig({ EVENTS_INDEX_PREFIX: 'Prod*', INSECURE_ENDPOINTS_ENABLED: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['EVENTS_INDEX_PREFIX', 'INSECURE_ENDPOINTS_ENABLED']);
  });
});
