import { UNVERSIONED_RESOURCES, cloudifyRoutes, isForwardablePath, rewriteUnversioned, underPrefix } from './routes';
import { createUpstream } from './upstream';

describe('un-versioned Cloudify paths', () => {
  it.each([
    ['/blueprints', '/api/v1/blueprints'],
    ['/blueprints/bp1', '/api/v1/blueprints/bp1'],
    ['/blueprints/bp1/archive?x=1', '/api/v1/blueprints/bp1/archive?x=1'],
    ['/blueprints?_include=id', '/api/v1/blueprints?_include=id'],
    ['/node-instances/ni_1', '/api/v1/node-instances/ni_1'],
    ['/nodes?deployment_id=d', '/api/v1/nodes?deployment_id=d'],
    ['/deployment-modifications', '/api/v1/deployment-modifications'],
    ['/provider/context', '/api/v1/provider/context'],
    ['/evaluate/functions', '/api/v1/evaluate/functions'],
    ['/version', '/api/v1/version'],
  ])('rewrites %s to %s', (url, expected) => {
    expect(rewriteUnversioned(url)).toBe(expected);
  });

  it('knows every resource Cloudify 3.4 served without a version', () => {
    for (const resource of UNVERSIONED_RESOURCES) expect(rewriteUnversioned(`/${resource}`)).toBe(`/api/v1/${resource}`);
    expect(UNVERSIONED_RESOURCES).toHaveLength(14);
  });

  it.each(['/blueprintsX', '/plugins', '/maintenance', '/deployment-updates', '/api/v1/blueprints', '/', '/resources/blueprints', '/x/blueprints'])(
    'leaves %s alone',
    (url) => {
      expect(rewriteUnversioned(url)).toBeUndefined();
    },
  );
});

describe('prefix matching', () => {
  it.each([
    ['/api', true],
    ['/api/', true],
    ['/api/v2.1/blueprints', true],
    ['/api?x', true],
    ['/apis', false],
    ['/ap', false],
    ['/x/api', false],
  ])('%s under /api: %s', (url, expected) => {
    expect(underPrefix(url, '/api')).toBe(expected);
  });
});

describe('the Cloudify routing table', () => {
  const restService = createUpstream('rest-service', 'http://127.0.0.1:1');
  const fileserver = createUpstream('fileserver', 'http://127.0.0.1:2');
  const routes = cloudifyRoutes({ restService, fileserver });
  const route = (url: string): [string, string] | undefined => {
    for (const entry of routes) {
      const target = entry.resolve(url);
      if (target !== undefined) return [entry.upstream.name, target];
    }
    return undefined;
  };

  afterAll(() => {
    restService.agent.destroy();
    fileserver.agent.destroy();
  });

  it('sends the REST API, versioned or not, to the rest service', () => {
    expect(route('/api/v2.1/deployments?_size=1')).toEqual(['rest-service', '/api/v2.1/deployments?_size=1']);
    expect(route('/executions/e1')).toEqual(['rest-service', '/api/v1/executions/e1']);
  });

  it('sends resources to the file server with the path intact', () => {
    expect(route('/resources/blueprints/bp/blueprint.yaml')).toEqual(['fileserver', '/resources/blueprints/bp/blueprint.yaml']);
  });

  it('claims nothing else, in particular not the file server internal API', () => {
    expect(route('/_internal/uploaded-blueprints/bp/bp.tar.gz')).toBeUndefined();
    expect(route('/')).toBeUndefined();
    expect(route('/resourcesX')).toBeUndefined();
  });
});

describe('forwardable paths', () => {
  it.each(['/api/v2.1/blueprints/bp-1', '/resources/a/b.tar.gz', '/resources/a%20b', '/api/v1/blueprints/', '/resources/.hidden'])(
    'forwards %s',
    (path) => {
      expect(isForwardablePath(path)).toBe(true);
    },
  );

  it.each([
    '/resources/../_internal/x',
    '/resources/./x',
    '/resources/%2e%2e/_internal/x',
    '/resources/%2E%2e/x',
    '/resources/.%2e/x',
    '/resources/a%2f..%2f..%2f_internal',
    '/resources/a%5c..%5cx',
    '/resources/a%00b',
    '/resources/%zz',
    '/resources/..',
    'resources/x',
  ])('refuses %s', (path) => {
    expect(isForwardablePath(path)).toBe(false);
  });
});
