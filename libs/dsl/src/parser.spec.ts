import { type ImportResolver, createInMemoryResolver } from './resolver';
import { parseBlueprint } from './parser';
import { type Plan, type PlanNode } from './plan-types';
import { blueprint, parseText, TYPES_URL } from './testing';

const node = (plan: Plan, name: string): PlanNode => {
  const found = plan.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
};

/** Paths at which an object already met elsewhere in `root` appears again. */
function sharedObjects(root: unknown): string[] {
  const seen = new Set<object>();
  const shared: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    if (seen.has(value)) {
      shared.push(path);
      return;
    }
    seen.add(value);
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  };
  walk(root, '$');
  return shared;
}

const NO_OP = { plugin: '', operation: '', executor: null, inputs: {}, has_intrinsic_functions: false, max_retries: null, retry_interval: null };

describe('versions (dsl.md §1)', () => {
  it.each([
    ['cloudify_dsl_1_0', [1, 0]],
    ['cloudify_dsl_1_1', [1, 1]],
    ['cloudify_dsl_1_2', [1, 2]],
    ['cloudify_dsl_1_3', [1, 3]],
  ])('accepts %s and records it in the plan', async (version, numbers) => {
    const plan = await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { version }));
    expect(plan.version).toEqual({ raw: version, definitions_name: 'cloudify_dsl', definitions_version: numbers });
  });

  it.each([
    ['description', 'cloudify_dsl_1_0', 'description: hello\nnode_templates: {}'],
    ['capabilities', 'cloudify_dsl_1_2', 'node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: 2}}}}}'],
    ['max_retries', 'cloudify_dsl_1_0', 'node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {max_retries: 3}}}}}'],
  ])('skips the %s gate in %s when validateDefinitionsVersion is false', async (_feature, version, body) => {
    const plan = await parseText(blueprint(body, { version }), {}, { validateDefinitionsVersion: false });
    expect(plan.version.raw).toBe(version);
  });

  it('lets a 1_0 blueprint use the built-in types, whose data types are trusted', async () => {
    const plan = await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { version: 'cloudify_dsl_1_0', imports: ['http://www.getcloudify.org/spec/cloudify/3.2/types.yaml'] }));
    expect(node(plan, 'vm').properties['agent_config']).toEqual({ install_method: 'remote', port: 22 });
  });

  it('rejects concat before 1_1 but accepts it from 1_1', async () => {
    const body = 'node_templates: {vm: {type: cloudify.nodes.Compute}}\noutputs: {o: {value: {concat: [a, b]}}}';
    await expect(parseText(blueprint(body, { version: 'cloudify_dsl_1_0' }))).rejects.toMatchObject({ code: 102 });
    const plan = await parseText(blueprint(body, { version: 'cloudify_dsl_1_1' }));
    expect(plan.outputs['o']).toEqual({ value: { concat: ['a', 'b'] } });
  });
});

describe('imports (dsl.md §2)', () => {
  it.each([
    'http://www.getcloudify.org/spec/cloudify/3.2/types.yaml',
    'http://www.getcloudify.org/spec/cloudify/3.3.1/types.yaml',
    'http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml',
    'https://www.getcloudify.org/spec/cloudify/3.4/types.yaml',
    'http://getcloudify.org/spec/cloudify/3.4m5/types.yaml',
    'cloudify/types/types.yaml',
  ])('resolves %s to the built-in types without I/O', async (url) => {
    const calls: string[] = [];
    const archive = createInMemoryResolver({ 'blueprint.yaml': blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { imports: [url] }) });
    const resolver: ImportResolver = {
      resolve: (location) => {
        calls.push(location);
        return archive.resolve(location);
      },
    };
    const plan = await parseBlueprint({ mainFile: 'blueprint.yaml', resolver });
    expect(node(plan, 'vm').type_hierarchy).toEqual(['cloudify.nodes.Root', 'cloudify.nodes.Compute']);
    expect(calls.filter((location) => location.startsWith('http'))).toEqual([]);
  });

  it('resolves imports relative to the importing file and loads each file once', async () => {
    const calls: string[] = [];
    const archive = createInMemoryResolver({
      'app/blueprint.yaml': blueprint('node_templates: {n: {type: a.T}}', { imports: [TYPES_URL, 'types/a.yaml', 'types/b.yaml'] }),
      'app/types/a.yaml': 'imports: [b.yaml]\nnode_types: {a.T: {derived_from: b.T}}\n',
      'app/types/b.yaml': 'node_types: {b.T: {derived_from: cloudify.nodes.Root}}\n',
    });
    const resolver: ImportResolver = {
      resolve: (location) => {
        calls.push(location);
        return archive.resolve(location);
      },
    };
    const plan = await parseBlueprint({ mainFile: 'app/blueprint.yaml', resolver });
    expect(node(plan, 'n').type_hierarchy).toEqual(['cloudify.nodes.Root', 'b.T', 'a.T']);
    expect(calls).toEqual(['app/blueprint.yaml', 'app/types/a.yaml', 'app/types/b.yaml']);
  });

  it('fetches http imports through the resolver, trying rewrite rules first', async () => {
    const archive = createInMemoryResolver({ 'blueprint.yaml': blueprint('node_templates: {n: {type: remote.T}}', { imports: [TYPES_URL, 'http://repo.example.com/types/remote.yaml'] }) });
    const tried: string[] = [];
    const resolver: ImportResolver = {
      resolve: (location) => {
        tried.push(location);
        if (location === 'file:///mirror/types/remote.yaml') return Promise.resolve('node_types: {remote.T: {derived_from: cloudify.nodes.Root}}\n');
        if (location.includes('://')) return Promise.reject(new Error('unreachable'));
        return archive.resolve(location);
      },
    };
    const plan = await parseBlueprint({
      mainFile: 'blueprint.yaml',
      resolver,
      importResolverRules: [{ 'http://repo.example.com': 'file:///mirror' }],
    });
    expect(node(plan, 'n').type).toBe('remote.T');
    expect(tried).toEqual(['blueprint.yaml', 'file:///mirror/types/remote.yaml']);
  });

  it('merges inputs, outputs and node_templates across files in 1_3', async () => {
    const plan = await parseText(blueprint('inputs: {a: {default: 1}}\nnode_templates: {vm: {type: cloudify.nodes.Compute}}\noutputs: {x: {value: 1}}', { imports: [TYPES_URL, 'more.yaml'] }), {
      'more.yaml': 'inputs: {b: {default: 2}}\nnode_templates: {db: {type: cloudify.nodes.DBMS, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}}\noutputs: {y: {value: 2}}\n',
    });
    expect(Object.keys(plan.inputs)).toEqual(['a', 'b']);
    expect(Object.keys(plan.outputs)).toEqual(['x', 'y']);
    expect(plan.nodes.map((n) => n.name)).toEqual(['vm', 'db']);
    expect(node(plan, 'db').host_id).toBe('vm');
  });

  it('takes a non-mergeable key from an import when the main file lacks it', async () => {
    const plan = await parseText(blueprint('node_templates: {}', { imports: ['desc.yaml'] }), { 'desc.yaml': 'description: from import\n' });
    expect(plan.description).toBe('from import');
  });

  it('reuses dsl_definitions anchors and YAML merge keys', async () => {
    const plan = await parseText(
      blueprint(`
        dsl_definitions:
          base: &base
            install_method: remote
            user: centos
        node_templates:
          vm1: {type: cloudify.nodes.Compute, properties: {agent_config: *base}}
          vm2:
            type: cloudify.nodes.Compute
            properties:
              agent_config:
                <<: *base
                user: ubuntu`),
    );
    expect(node(plan, 'vm1').properties['agent_config']).toEqual({ install_method: 'remote', user: 'centos', port: 22 });
    expect(node(plan, 'vm2').properties['agent_config']).toEqual({ install_method: 'remote', user: 'ubuntu', port: 22 });
  });

  it('reads YAML 1.1 booleans as PyYAML does (yes/on are booleans, y/n are strings)', async () => {
    const plan = await parseText(
      blueprint(`
        node_types: {t: {derived_from: cloudify.nodes.Root, properties: {a: {type: boolean}, b: {type: boolean}, c: {}}}}
        node_templates: {n: {type: t, properties: {a: yes, b: off, c: y}}}`),
    );
    expect(node(plan, 'n').properties).toEqual({ a: true, b: false, c: 'y' });
  });
});

describe('types and properties (dsl.md §3–4)', () => {
  const types = blueprint(`
    data_types:
      my.Endpoint:
        properties:
          host: {type: string}
          port: {type: integer, default: 80}
      my.SecureEndpoint:
        derived_from: my.Endpoint
        properties:
          port: {type: integer, default: 443}
          ca: {type: string, required: false}
    node_types:
      my.Base:
        derived_from: cloudify.nodes.SoftwareComponent
        properties:
          name: {type: string, default: base}
          size: {type: integer, default: 1}
          optional: {required: false}
        interfaces:
          cloudify.interfaces.lifecycle:
            create: p.base.create
            start: {implementation: p.base.start, inputs: {timeout: {type: integer, default: 10}}, executor: host_agent}
      my.Child:
        derived_from: my.Base
        properties:
          size: {type: integer, default: 2}
          endpoint: {type: my.SecureEndpoint, default: {host: localhost}}
        interfaces:
          cloudify.interfaces.lifecycle:
            create: {}
            start: p.child.start
    plugins:
      p: {executor: central_deployment_agent, source: p}
    node_templates:
      vm: {type: cloudify.nodes.Compute}
      c:
        type: my.Child
        relationships: [{type: cloudify.relationships.contained_in, target: vm}]
      d:
        type: my.Child
        properties: {name: d, endpoint: {host: example.com, ca: /ca.pem}}
        relationships: [{type: cloudify.relationships.contained_in, target: vm}]`);

  it('builds the type hierarchy root-first', async () => {
    const plan = await parseText(types);
    expect(node(plan, 'c').type_hierarchy).toEqual(['cloudify.nodes.Root', 'cloudify.nodes.SoftwareComponent', 'my.Base', 'my.Child']);
  });

  it('overlays child property schemas on parents and fills defaults; optional properties stay absent', async () => {
    const plan = await parseText(types);
    expect(node(plan, 'c').properties).toEqual({ name: 'base', size: 2, endpoint: { host: 'localhost', port: 443 } });
  });

  it('merges data-type defaults, the schema default and the given value per key', async () => {
    const plan = await parseText(types);
    expect(node(plan, 'd').properties['endpoint']).toEqual({ host: 'example.com', port: 443, ca: '/ca.pem' });
  });

  it('lets a child operation replace the parent one whole, and {} clear it', async () => {
    const plan = await parseText(types);
    const ops = node(plan, 'c').operations;
    expect(ops['cloudify.interfaces.lifecycle.create']).toEqual(NO_OP);
    expect(ops['cloudify.interfaces.lifecycle.start']).toEqual({
      plugin: 'p',
      operation: 'child.start',
      executor: 'central_deployment_agent',
      inputs: {},
      has_intrinsic_functions: false,
      max_retries: null,
      retry_interval: null,
    });
    expect(ops['cloudify.interfaces.lifecycle.stop']).toEqual(NO_OP);
  });

  it('keeps relationship types in the plan with their hierarchy and schema', async () => {
    const plan = await parseText(types);
    expect(plan.relationships['cloudify.relationships.contained_in']).toEqual({
      name: 'cloudify.relationships.contained_in',
      derived_from: 'cloudify.relationships.depends_on',
      type_hierarchy: ['cloudify.relationships.depends_on', 'cloudify.relationships.contained_in'],
      properties: { connection_type: { default: 'all_to_all' } },
      source_interfaces: expect.objectContaining({ 'cloudify.interfaces.relationship_lifecycle': expect.any(Object) }),
      target_interfaces: expect.objectContaining({ 'cloudify.interfaces.relationship_lifecycle': expect.any(Object) }),
    });
    expect(plan.relationships['cloudify.relationships.depends_on']).not.toHaveProperty('derived_from');
  });
});

describe('template operations over type operations (dsl.md §5 table)', () => {
  const typeOps = `
    plugins:
      p: {executor: central_deployment_agent, install: false}
      q: {executor: host_agent, install: false}
    node_types:
      t:
        derived_from: cloudify.nodes.Root
        interfaces:
          i:
            only_type: {implementation: p.only_type, inputs: {a: {default: 1}}, max_retries: 4}
            both: {implementation: p.both, inputs: {a: {type: integer, default: 1}, b: {default: x}}, executor: host_agent, retry_interval: 7}
            noop_type: {}
    node_templates:
      vm: {type: cloudify.nodes.Compute}`;

  const cases: [string, string, string, Record<string, unknown>][] = [
    ['an operation only on the type takes its implementation and input defaults', 'i: {}', 'only_type', { plugin: 'p', operation: 'only_type', executor: 'central_deployment_agent', inputs: { a: 1 }, max_retries: 4, retry_interval: null }],
    ['an operation only on the template is taken as is', 'i: {extra: {implementation: q.extra, inputs: {z: 1}}}', 'extra', { plugin: 'q', operation: 'extra', executor: 'host_agent', inputs: { z: 1 } }],
    ['a template {} disables the type implementation', 'i: {both: {}}', 'both', NO_OP],
    ["a template '' disables the type implementation", "i: {both: ''}", 'both', NO_OP],
    ['a type no-op takes the template definition', 'i: {noop_type: p.filled}', 'noop_type', { plugin: 'p', operation: 'filled', executor: 'central_deployment_agent', inputs: {} }],
    [
      'an empty template implementation merges inputs over the type schema and keeps type executor/retries',
      'i: {both: {inputs: {a: 5, extra: true}}}',
      'both',
      { plugin: 'p', operation: 'both', executor: 'host_agent', inputs: { a: 5, b: 'x', extra: true }, retry_interval: 7, max_retries: null },
    ],
    [
      'the same implementation merges too, template executor and retries win',
      'i: {both: {implementation: p.both, executor: central_deployment_agent, max_retries: 2, retry_interval: 1}}',
      'both',
      { plugin: 'p', operation: 'both', executor: 'central_deployment_agent', inputs: { a: 1, b: 'x' }, max_retries: 2, retry_interval: 1 },
    ],
    [
      'a different implementation takes only the template definition',
      'i: {both: {implementation: q.other, inputs: {c: 3}}}',
      'both',
      { plugin: 'q', operation: 'other', executor: 'host_agent', inputs: { c: 3 }, max_retries: null, retry_interval: null },
    ],
  ];

  it.each(cases)('%s', async (_name, templateInterfaces, op, expected) => {
    const plan = await parseText(
      blueprint(`${typeOps}
      n:
        type: t
        relationships: [{type: cloudify.relationships.contained_in, target: vm}]
        interfaces: {${templateInterfaces}}`),
    );
    expect(node(plan, 'n').operations[`i.${op}`]).toEqual(expect.objectContaining(expected));
  });

  it('lists operations under the bare name unless two interfaces share it', async () => {
    const plan = await parseText(
      blueprint(`${typeOps}
      n:
        type: t
        relationships: [{type: cloudify.relationships.contained_in, target: vm}]
        interfaces: {j: {only_type: p.again, solo: p.solo}}`),
    );
    const keys = Object.keys(node(plan, 'n').operations);
    expect(keys).toEqual(expect.arrayContaining(['i.only_type', 'j.only_type', 'j.solo', 'solo', 'both', 'i.both']));
    expect(keys).not.toContain('only_type');
    expect(node(plan, 'n').operations['both']).toEqual(node(plan, 'n').operations['i.both']);
  });
});

describe('script operations and workflows (dsl.md §5 rule 3)', () => {
  const files = { 'app/scripts/start.sh': '', 'app/scripts/wf.py': '' };

  it('maps a script path next to the main blueprint to the script plugin with script_path', async () => {
    const plan = await parseBlueprint({
      mainFile: 'app/blueprint.yaml',
      files: {
        ...files,
        'app/blueprint.yaml': blueprint(`
          node_templates:
            vm: {type: cloudify.nodes.Compute}
            web:
              type: cloudify.nodes.WebServer
              relationships: [{type: cloudify.relationships.contained_in, target: vm}]
              interfaces:
                cloudify.interfaces.lifecycle:
                  start: {implementation: scripts/start.sh, inputs: {port: 8080}, max_retries: 2, retry_interval: 5}
          workflows:
            custom: {mapping: scripts/wf.py, parameters: {level: {default: 1}}}`),
      },
    });
    // `start` is also in cloudify.interfaces.monitoring, so only the qualified name exists.
    expect(node(plan, 'web').operations).not.toHaveProperty('start');
    expect(node(plan, 'web').operations['cloudify.interfaces.lifecycle.start']).toEqual({
      plugin: 'script',
      operation: 'script_runner.tasks.run',
      executor: 'host_agent',
      inputs: { port: 8080, script_path: 'scripts/start.sh' },
      has_intrinsic_functions: false,
      max_retries: 2,
      retry_interval: 5,
    });
    expect(plan.workflows['custom']).toEqual({
      plugin: 'script',
      operation: 'script_runner.tasks.execute_workflow',
      parameters: { level: { default: 1 }, script_path: { default: 'scripts/wf.py', description: 'Workflow script executed by the script plugin' } },
    });
  });

  it('lets an operation executor override the script plugin executor', async () => {
    const plan = await parseText(
      blueprint('node_templates: {n: {type: cloudify.nodes.Root, interfaces: {i: {op: {implementation: scripts/start.sh, executor: central_deployment_agent}}}}}'),
      { 'scripts/start.sh': '' },
    );
    expect(node(plan, 'n').operations['op']).toMatchObject({ plugin: 'script', executor: 'central_deployment_agent' });
    expect(node(plan, 'n').deployment_plugins_to_install.map((p) => p.name)).toEqual(['script']);
  });

  it('checks script existence through resolver.exists when the resolver has it', async () => {
    const checked: string[] = [];
    const archive = createInMemoryResolver({ 'blueprint.yaml': blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: bin/run.sh}}}}') });
    const resolver: ImportResolver = {
      resolve: (location) => archive.resolve(location),
      exists: (location) => {
        checked.push(location);
        return Promise.resolve(location === 'bin/run.sh');
      },
    };
    const plan = await parseBlueprint({ mainFile: 'blueprint.yaml', resolver });
    expect(node(plan, 'vm').operations['op']).toMatchObject({ plugin: 'script', inputs: { script_path: 'bin/run.sh' } });
    expect(checked).toEqual(['bin/run.sh']);
  });
});

describe('hosts and plugin lists (dsl.md §5)', () => {
  const topology = blueprint(`
    plugins:
      iaas: {executor: central_deployment_agent, source: http://plugins.example.com/iaas.zip}
      app: {executor: host_agent, package_name: app-plugin, package_version: '1.0'}
    node_types:
      my.Server:
        derived_from: cloudify.nodes.Container
    node_templates:
      net:
        type: cloudify.nodes.Network
        interfaces: {cloudify.interfaces.lifecycle: {create: iaas.network.create}}
      vm:
        type: cloudify.nodes.Compute
        interfaces: {cloudify.interfaces.lifecycle: {create: iaas.server.create}}
        relationships: [{type: cloudify.relationships.connected_to, target: net}]
      server:
        type: my.Server
      web:
        type: cloudify.nodes.WebServer
        interfaces: {cloudify.interfaces.lifecycle: {configure: app.web.configure, start: {implementation: app.web.start, executor: central_deployment_agent}}}
        relationships: [{type: cloudify.relationships.contained_in, target: vm}]
      module:
        type: cloudify.nodes.ApplicationModule
        relationships:
          - {type: cloudify.relationships.contained_in, target: web}
          - type: cloudify.relationships.connected_to
            target: net
            target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: iaas.net.allow}}`);

  it('assigns host_id through contained_in chains, to Compute-derived nodes, and not to unhosted nodes', async () => {
    const plan = await parseText(topology);
    expect(Object.fromEntries(plan.nodes.map((n) => [n.name, n.host_id ?? null]))).toEqual({
      net: null,
      vm: 'vm',
      server: 'server',
      web: 'vm',
      module: 'vm',
    });
  });

  it('lists each node plugin once per executor, with the declaration and effective executor', async () => {
    const plan = await parseText(topology);
    expect(node(plan, 'web').plugins.map((p) => `${p.name}:${p.executor}`).sort()).toEqual(['app:central_deployment_agent', 'app:host_agent']);
    expect(node(plan, 'web').plugins.find((p) => p.executor === 'host_agent')).toEqual({
      name: 'app',
      executor: 'host_agent',
      source: null,
      install: true,
      install_arguments: null,
      package_name: 'app-plugin',
      package_version: '1.0',
      supported_platform: null,
      distribution: null,
      distribution_version: null,
      distribution_release: null,
    });
    // Target operations count for the relationship's target node.
    expect(node(plan, 'net').plugins.map((p) => p.name)).toEqual(['iaas']);
  });

  it('gives Compute nodes the host_agent plugins of everything they host, deduplicated by name', async () => {
    const plan = await parseText(topology);
    expect(node(plan, 'vm').plugins_to_install?.map((p) => p.name).sort()).toEqual(['agent', 'app']);
    expect(node(plan, 'web')).not.toHaveProperty('plugins_to_install');
  });

  it('collects central_deployment_agent plugins per node and for the plan', async () => {
    const plan = await parseText(topology);
    expect(node(plan, 'web').deployment_plugins_to_install.map((p) => p.name)).toEqual(['app']);
    expect(plan.deployment_plugins_to_install.map((p) => p.name).sort()).toEqual(['agent', 'app', 'iaas']);
    expect(plan.workflow_plugins_to_install.map((p) => p.name)).toEqual(['default_workflows']);
  });

  it('keeps instances.deploy and derives the scalable capability from it', async () => {
    const plan = await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: 3}}, vm2: {type: cloudify.nodes.Compute}}'));
    expect(node(plan, 'vm').instances).toEqual({ deploy: 3 });
    expect(node(plan, 'vm').capabilities.scalable.properties).toEqual({ default_instances: 3, min_instances: 0, max_instances: -1, current_instances: 3, planned_instances: 3 });
    expect(node(plan, 'vm2').instances).toEqual({});
    expect(node(plan, 'vm2').capabilities.scalable.properties).toEqual({ default_instances: 1, min_instances: 0, max_instances: -1, current_instances: 1, planned_instances: 1 });
  });

  it.each([
    ['UNBOUNDED max', '{default_instances: 2, max_instances: UNBOUNDED}', { default_instances: 2, min_instances: 0, max_instances: -1, current_instances: 2, planned_instances: 2 }],
    ['explicit bounds', '{default_instances: 2, min_instances: 1, max_instances: 4}', { default_instances: 2, min_instances: 1, max_instances: 4, current_instances: 2, planned_instances: 2 }],
    ['an intrinsic function', '{default_instances: {get_input: n}}', { default_instances: { get_input: 'n' }, min_instances: 0, max_instances: -1, current_instances: { get_input: 'n' }, planned_instances: { get_input: 'n' } }],
  ])('reads scalable properties with %s', async (_name, properties, expected) => {
    const plan = await parseText(blueprint(`inputs: {n: {default: 2}}\nnode_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: ${properties}}}}}`));
    expect(node(plan, 'vm').capabilities.scalable.properties).toEqual(expected);
  });

  it('records relationships with type hierarchy, merged properties and target', async () => {
    const plan = await parseText(topology);
    const [contained, connected] = node(plan, 'module').relationships;
    expect(contained).toMatchObject({ type: 'cloudify.relationships.contained_in', target_id: 'web', properties: { connection_type: 'all_to_all' } });
    expect(connected?.target_operations['establish']).toMatchObject({ plugin: 'iaas', operation: 'net.allow', executor: 'central_deployment_agent' });
    expect(connected?.type_hierarchy).toEqual(['cloudify.relationships.depends_on', 'cloudify.relationships.connected_to']);
  });
});

describe('workflows, groups and policies (dsl.md §6)', () => {
  it('includes the built-in workflows with their parameters', async () => {
    const plan = await parseText(blueprint('node_templates: {}'));
    expect(Object.keys(plan.workflows)).toEqual(['install', 'uninstall', 'update', 'execute_operation', 'heal', 'scale', 'install_new_agents']);
    expect(plan.workflows['install']).toEqual({ plugin: 'default_workflows', operation: 'cloudify.plugins.workflows.install', parameters: {} });
    expect(plan.workflows['scale']?.parameters).toEqual({
      scalable_entity_name: { description: expect.any(String) },
      delta: { description: expect.any(String), default: 1 },
      scale_compute: { description: expect.any(String), default: false },
    });
  });

  it('resolves custom plugin workflows and lists their plugins once', async () => {
    const plan = await parseText(
      blueprint(`
        plugins: {ops: {executor: central_deployment_agent, source: ops}}
        workflows:
          backup: ops.workflows.backup
          restore: {mapping: ops.workflows.restore, parameters: {snapshot: {description: which}}}
        node_templates: {}`),
    );
    expect(plan.workflows['restore']).toEqual({ plugin: 'ops', operation: 'workflows.restore', parameters: { snapshot: { description: 'which' } } });
    expect(plan.workflow_plugins_to_install.map((p) => p.name).sort()).toEqual(['default_workflows', 'ops']);
  });

  it('merges monitoring policy properties and trigger parameters with their schemas', async () => {
    const plan = await parseText(
      blueprint(`
        node_templates: {vm: {type: cloudify.nodes.Compute}}
        groups:
          g:
            members: [vm, vm]
            policies:
              down:
                type: cloudify.policies.types.host_failure
                triggers: {heal: {type: cloudify.policies.triggers.execute_workflow, parameters: {workflow: heal}}}
          plain: {members: [g]}`),
    );
    expect(plan.groups['g']).toEqual({
      members: ['vm'],
      policies: {
        down: {
          type: 'cloudify.policies.types.host_failure',
          properties: { policy_operates_on_group: false, is_node_started_before_workflow: true, interval_between_workflows: 300, service: ['service'] },
          triggers: {
            heal: {
              type: 'cloudify.policies.triggers.execute_workflow',
              parameters: { workflow: 'heal', workflow_parameters: {}, force: false, allow_custom_parameters: false, socket_timeout: 1000, conn_timeout: 1000 },
            },
          },
        },
      },
    });
    expect(plan.groups['plain']).toEqual({ members: ['g'], policies: {} });
    expect(plan.policy_types['cloudify.policies.types.threshold']?.source).toMatch(/\/policies\/threshold\.clj$/);
    expect(plan.policy_triggers['cloudify.policies.triggers.execute_workflow']?.parameters['workflow']).toEqual({ description: expect.any(String) });
  });

  it('turns scaling policy targets into scaling groups and drops members contained in another member', async () => {
    const plan = await parseText(
      blueprint(`
        node_templates:
          vm: {type: cloudify.nodes.Compute}
          db: {type: cloudify.nodes.DBMS, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
        groups: {pair: {members: [vm, db]}}
        policies: {scale_pair: {type: cloudify.policies.scaling, targets: [pair], properties: {default_instances: 2, max_instances: UNBOUNDED}}}`),
    );
    const properties = { default_instances: 2, min_instances: 0, max_instances: -1, current_instances: 2, planned_instances: 2 };
    expect(plan.policies).toEqual({ scale_pair: { type: 'cloudify.policies.scaling', targets: ['pair'], properties } });
    expect(plan.scaling_groups).toEqual({ pair: { members: ['vm'], properties } });
    expect(plan.groups['pair']?.members).toEqual(['vm', 'db']);
  });

  it('keeps inputs as declared and outputs unevaluated; description defaults to null', async () => {
    const plan = await parseText(blueprint('inputs: {port: {type: integer, default: 80, description: p}}\nnode_templates: {vm: {type: cloudify.nodes.Compute}}\noutputs: {ip: {description: d, value: {get_property: [vm, ip]}}}'));
    expect(plan.inputs).toEqual({ port: { type: 'integer', default: 80, description: 'p' } });
    expect(plan.outputs).toEqual({ ip: { description: 'd', value: { get_property: ['vm', 'ip'] } } });
    expect(plan.description).toBeNull();
  });

  it('returns a tree: no object appears twice, even with YAML aliases, merge keys and inherited operations', async () => {
    const plan = await parseText(
      blueprint(`
        inputs:
          port: &port {type: integer, default: 8080}
          again: *port
        dsl_definitions:
          shared: &shared {deep: [1, {two: {get_input: port}}]}
          ifaces: &ifaces
            cloudify.interfaces.lifecycle:
              create: {implementation: scripts/run.sh, inputs: {a: *shared, b: *shared}}
          type_ifaces: &type_ifaces
            cloudify.interfaces.lifecycle:
              create: {implementation: scripts/run.sh, inputs: {a: {default: *shared}, b: {default: *shared}}}
        node_types:
          base: {derived_from: cloudify.nodes.Root, properties: {p: {default: *shared}}, interfaces: *type_ifaces}
          child: {derived_from: base}
        relationships:
          rel: {derived_from: cloudify.relationships.connected_to, properties: {r: {default: *shared}}}
        node_templates:
          vm: {type: cloudify.nodes.Compute, properties: {ip: 1.2.3.4, cloudify_agent: {<<: *shared, x: 1}}, interfaces: *ifaces}
          a: {type: child, properties: {p: *shared}, relationships: [{type: cloudify.relationships.contained_in, target: vm}, {type: rel, target: b, target_interfaces: *ifaces}]}
          b: {type: child, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
        groups: {g: {members: [a, b]}}
        policies: {p: {type: cloudify.policies.scaling, targets: [g], properties: {default_instances: {get_input: port}}}}
        outputs: {o1: {value: *shared}, o2: {value: *shared}}
        workflows: {w: {mapping: scripts/run.sh, parameters: {x: {default: *shared}}}}`),
      { 'scripts/run.sh': '#!/bin/sh\n' },
    );
    expect(sharedObjects(plan)).toEqual([]);
    expect(node(plan, 'a').operations['create']?.inputs).toEqual({ a: { deep: [1, { two: { get_input: 'port' } }] }, b: { deep: [1, { two: { get_input: 'port' } }] }, script_path: 'scripts/run.sh' });
  });

  it('returns a plan that shares nothing with another parse of the same text', async () => {
    const text = blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}');
    const first = await parseText(text);
    node(first, 'vm').properties['ip'] = 'changed';
    const second = await parseText(text);
    expect(node(second, 'vm').properties['ip']).toBe('');
  });
});
