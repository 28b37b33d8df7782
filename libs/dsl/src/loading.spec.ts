import { BUILTIN_TYPES_YAML, isBuiltinTypesLocation } from './builtin-types';
import { ImportNotFoundError } from './errors';
import { isFunction } from './functions';
import { pyRepr } from './json';
import { createInMemoryResolver, joinLocation, normalizeArchivePath } from './resolver';
import { SourceMap } from './source-map';
import { parseDslVersion, type VersionFormatError } from './version';
import { loadYaml } from './yaml-loader';

describe('archive paths and URLs', () => {
  it.each([
    ['blueprint.yaml', 'types.yaml', 'types.yaml'],
    ['app/blueprint.yaml', 'types/a.yaml', 'app/types/a.yaml'],
    ['app/types/a.yaml', '../common/b.yaml', 'app/common/b.yaml'],
    ['app/blueprint.yaml', './x.yaml', 'app/x.yaml'],
    ['blueprint.yaml', '../x.yaml', null],
    ['http://repo.example.com/spec/types.yaml', 'plugin.yaml', 'http://repo.example.com/spec/plugin.yaml'],
    ['http://repo.example.com/spec/a/types.yaml', '../b.yaml', 'http://repo.example.com/spec/b.yaml'],
  ])('joins %s and %s to %s', (base, relative, expected) => {
    expect(joinLocation(base, relative)).toBe(expected);
  });

  it('normalises archive paths', () => {
    expect(normalizeArchivePath('./a//b/../c.yaml')).toBe('a/c.yaml');
    expect(normalizeArchivePath('../a')).toBeNull();
  });

  it('serves an in-memory archive and reports missing entries as ImportNotFoundError', async () => {
    const resolver = createInMemoryResolver({ './a/b.yaml': 'x: 1' });
    await expect(resolver.resolve('a/b.yaml')).resolves.toBe('x: 1');
    await expect(resolver.resolve('a/c.yaml')).rejects.toBeInstanceOf(ImportNotFoundError);
    await expect(resolver.resolve('http://a/b.yaml')).rejects.toBeInstanceOf(ImportNotFoundError);
    await expect(resolver.exists?.('a/b.yaml')).resolves.toBe(true);
  });

  it.each([
    ['http://www.getcloudify.org/spec/cloudify/3.4/types.yaml', true],
    ['http://www.getcloudify.org/spec/cloudify/3.1/types.yaml', true],
    ['http://www.getcloudify.org/spec/cloudify/4.0/types.yaml', false],
    ['http://www.getcloudify.org/spec/openstack-plugin/1.4/plugin.yaml', false],
    ['cloudify/types/types.yaml', true],
  ])('recognises %s as built-in types: %s', (location, expected) => {
    expect(isBuiltinTypesLocation(location)).toBe(expected);
  });
});

describe('YAML loading', () => {
  it('records 1-based positions of keys and list items', () => {
    const sourceMap = new SourceMap();
    const value = loadYaml('a:\n  b: [x, y]\n  c: 1\n', 'f.yaml', sourceMap, 'Failed');
    const a = (value as { a: { b: string[] } }).a;
    expect(sourceMap.locate(a, 'c')).toEqual({ file: 'f.yaml', line: 3, column: 3 });
    expect(sourceMap.locate(a.b, 1)).toEqual({ file: 'f.yaml', line: 2, column: 10 });
  });

  it('keeps the last value of a repeated key, as PyYAML does', () => {
    expect(loadYaml('a: 1\na: 2\n', 'f.yaml', new SourceMap(), 'Failed')).toEqual({ a: 2 });
  });

  it('keeps timestamps as written', () => {
    expect(loadYaml('d: 2016-08-02\n', 'f.yaml', new SourceMap(), 'Failed')).toEqual({ d: '2016-08-02' });
  });

  it('parses the built-in types file', () => {
    const types = loadYaml(BUILTIN_TYPES_YAML, 'types.yaml', new SourceMap(), 'Failed') as Record<string, Record<string, unknown>>;
    expect(Object.keys(types['node_types'] ?? {}).map((name) => name.replace('cloudify.nodes.', ''))).toEqual([
      'Root', 'Compute', 'Container', 'Tier', 'Volume', 'FileSystem', 'ObjectStorage', 'Network', 'Subnet', 'Port', 'Router',
      'LoadBalancer', 'VirtualIP', 'SecurityGroup', 'SoftwareComponent', 'DBMS', 'Database', 'WebServer', 'ApplicationServer',
      'MessageBusServer', 'ApplicationModule', 'CloudifyManager',
    ]);
    expect(Object.keys(types['data_types'] ?? {})).toEqual(['cloudify.datatypes.AgentConfig']);
    expect(Object.keys(types['policy_triggers'] ?? {})).toEqual(['cloudify.policies.triggers.execute_workflow']);
    expect(Object.keys(types['relationships'] ?? {})).toEqual([
      'cloudify.relationships.depends_on',
      'cloudify.relationships.connected_to',
      'cloudify.relationships.contained_in',
      'cloudify.relationships.file_system_depends_on_volume',
      'cloudify.relationships.file_system_contained_in_compute',
    ]);
    expect(Object.keys(types['plugins'] ?? {})).toEqual(['agent', 'default_workflows', 'script']);
    expect(Object.keys(types['policy_types'] ?? {})).toHaveLength(3);
  });
});

describe('version strings', () => {
  it.each([
    ['cloudify_dsl_1_0', { major: 1, minor: 0, micro: null }],
    ['cloudify_dsl_1_3', { major: 1, minor: 3, micro: null }],
  ])('parses %s', (raw, expected) => {
    expect(parseDslVersion(raw)).toEqual({ raw, ...expected });
  });

  it.each([
    [null, 71],
    [13, 72],
    ['cloudify_dsl_1', 73],
    ['cloudify_dsl_1_3_0', 29],
  ])('rejects %p with %d', (raw, code) => {
    expect(() => parseDslVersion(raw)).toThrow(expect.objectContaining({ code }) as VersionFormatError);
  });
});

describe('helpers', () => {
  it('formats values as Python does in messages', () => {
    expect(pyRepr({ a: [true, null, 'x'], b: 1.5 })).toBe("{'a': [True, None, 'x'], 'b': 1.5}");
  });

  it('recognises only single-key maps naming a function as functions', () => {
    expect(isFunction({ get_input: 'a' })).toBe(true);
    expect(isFunction({ get_input: 'a', other: 1 })).toBe(false);
    expect(isFunction({ get_secret: 'a' })).toBe(false);
  });
});
