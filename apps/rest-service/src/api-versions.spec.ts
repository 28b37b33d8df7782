import { API_VERSIONS, versionsSince } from './api-versions';

describe('API versions', () => {
  it('serves a resource from the version that introduced it onward', () => {
    expect(versionsSince('v1')).toEqual([...API_VERSIONS]);
    expect(versionsSince('v2')).toEqual(['v2', 'v2.1']);
    expect(versionsSince('v2.1')).toEqual(['v2.1']);
  });
});
