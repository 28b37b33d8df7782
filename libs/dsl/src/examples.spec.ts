import { prepareDeploymentPlan } from './deployment-plan';
import { sequentialIdGenerator } from './ids';
import { parseBlueprint } from './parser';
import { type Plan, type PlanNode } from './plan-types';
import { HELLO_WORLD_FILES, HELLO_WORLD_MAIN, NODECELLAR_FILES, NODECELLAR_MAIN } from './testing';

const node = (plan: Plan, name: string): PlanNode => {
  const found = plan.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
};

const script = (path: string, extra: Record<string, unknown> = {}, retries: { max_retries?: number; retry_interval?: number } = {}) => ({
  plugin: 'script',
  operation: 'script_runner.tasks.run',
  executor: 'host_agent',
  inputs: { ...extra, script_path: path },
  has_intrinsic_functions: false,
  max_retries: retries.max_retries ?? null,
  retry_interval: retries.retry_interval ?? null,
});

const SCRIPT_PLUGIN = {
  name: 'script',
  executor: 'host_agent',
  source: null,
  install: false,
  install_arguments: null,
  package_name: null,
  package_version: null,
  supported_platform: null,
  distribution: null,
  distribution_version: null,
  distribution_release: null,
};

describe('example app 1: single-host web server run by scripts', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await parseBlueprint({ mainFile: HELLO_WORLD_MAIN, files: HELLO_WORLD_FILES });
  });

  it('has the two nodes, the web server hosted on the vm', () => {
    expect(plan.nodes.map((n) => [n.name, n.type, n.host_id])).toEqual([
      ['vm', 'cloudify.nodes.Compute', 'vm'],
      ['http_web_server', 'cloudify.nodes.WebServer', 'vm'],
    ]);
    expect(plan.description).toBe('A Python HTTP server on an existing host, installed and started by scripts.\n');
  });

  it('maps the lifecycle scripts to the script plugin with script_path, inputs and retries', () => {
    const ops = node(plan, 'http_web_server').operations;
    expect(ops['cloudify.interfaces.lifecycle.configure']).toEqual(script('scripts/configure.sh', { index_title: 'Hello from Cloudify' }));
    expect(ops['cloudify.interfaces.lifecycle.start']).toEqual(script('scripts/start.sh', {}, { max_retries: 3, retry_interval: 10 }));
    expect(ops['cloudify.interfaces.lifecycle.stop']).toEqual(script('scripts/stop.sh'));
    expect(ops['configure']).toEqual(ops['cloudify.interfaces.lifecycle.configure']);
    expect(ops['create']).toEqual({ plugin: '', operation: '', executor: null, inputs: {}, has_intrinsic_functions: false, max_retries: null, retry_interval: null });
  });

  it('keeps the merged properties with functions raw, agent_config completed from the types', () => {
    expect(node(plan, 'vm').properties).toEqual({
      ip: { get_input: 'server_ip' },
      os_family: 'linux',
      agent_config: { install_method: 'remote', user: { get_input: 'agent_user' }, key: { get_input: 'agent_private_key_path' }, port: 22 },
      install_agent: '',
      cloudify_agent: {},
    });
    expect(node(plan, 'http_web_server').properties).toEqual({ port: { get_input: 'webserver_port' } });
  });

  it('installs the script plugin on the vm and the agent plugin centrally', () => {
    expect(node(plan, 'http_web_server').plugins).toEqual([SCRIPT_PLUGIN]);
    expect(node(plan, 'vm').plugins_to_install?.map((p) => p.name)).toEqual(['agent', 'script']);
    expect(plan.deployment_plugins_to_install.map((p) => p.name)).toEqual(['agent']);
    expect(plan.workflow_plugins_to_install.map((p) => p.name)).toEqual(['default_workflows']);
  });

  it('keeps inputs and unevaluated outputs', () => {
    expect(Object.keys(plan.inputs)).toEqual(['server_ip', 'agent_user', 'agent_private_key_path', 'webserver_port']);
    expect(plan.outputs['http_endpoint']?.['value']).toEqual({
      concat: ['http://', { get_property: ['vm', 'ip'] }, ':', { get_property: ['http_web_server', 'port'] }],
    });
  });

  it('produces the expected deployment plan', () => {
    const deployment = prepareDeploymentPlan(plan, { server_ip: '192.168.10.5' }, { idGenerator: sequentialIdGenerator() });
    expect(deployment.inputs).toEqual({ server_ip: '192.168.10.5', agent_user: 'centos', agent_private_key_path: '/root/.ssh/agent_key.pem', webserver_port: 8080 });
    expect(node(deployment as unknown as Plan, 'vm').properties['agent_config']).toEqual({
      install_method: 'remote',
      user: 'centos',
      key: '/root/.ssh/agent_key.pem',
      port: 22,
    });
    expect(deployment.outputs).toEqual({
      http_endpoint: { description: 'Web server external endpoint', value: 'http://192.168.10.5:8080' },
      server_pid: { value: { get_attribute: ['http_web_server', 'pid'] } },
    });
    expect(deployment.node_instances).toEqual([
      { id: 'vm_000001', name: 'vm', node_id: 'vm', host_id: 'vm_000001', relationships: [] },
      {
        id: 'http_web_server_000002',
        name: 'http_web_server',
        node_id: 'http_web_server',
        host_id: 'vm_000001',
        relationships: [{ type: 'cloudify.relationships.contained_in', target_name: 'vm', target_id: 'vm_000001' }],
      },
    ]);
  });
});

describe('example app 2: node.js + MongoDB with custom types and connected_to overrides', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await parseBlueprint({ mainFile: NODECELLAR_MAIN, files: NODECELLAR_FILES });
  });

  it('derives the custom types and hosts every tier', () => {
    expect(node(plan, 'mongod').type_hierarchy).toEqual(['cloudify.nodes.Root', 'cloudify.nodes.SoftwareComponent', 'cloudify.nodes.DBMS', 'nodecellar.nodes.MongoDatabase']);
    expect(Object.fromEntries(plan.nodes.map((n) => [n.name, n.host_id]))).toEqual({
      mongod_host: 'mongod_host',
      nodejs_host: 'nodejs_host',
      mongod: 'mongod_host',
      nodejs: 'nodejs_host',
      nodecellar: 'nodejs_host',
    });
    expect(node(plan, 'mongod').properties).toEqual({ port: 27018 });
    expect(node(plan, 'nodecellar').properties).toEqual({
      port: 8080,
      application_url: 'https://github.com/cloudify-cosmo/nodecellar/archive/master.tar.gz',
      startup_script: 'server.js',
    });
  });

  it('resolves type scripts relative to the main blueprint, merging template inputs over the type schema', () => {
    const ops = node(plan, 'nodecellar').operations;
    expect(ops['cloudify.interfaces.lifecycle.start']).toEqual(script('scripts/nodecellar/start-nodecellar-app.sh', { timeout: 60 }));
    expect(ops['cloudify.interfaces.lifecycle.configure']).toEqual(script('scripts/nodecellar/install-nodecellar-app.sh'));
    expect(node(plan, 'mongod').operations['cloudify.interfaces.lifecycle.create']).toEqual(script('scripts/mongo/install-mongo.sh'));
  });

  it('overrides the connected_to relationship inputs on both sides', () => {
    const connection = node(plan, 'nodecellar').relationships[1];
    expect(connection).toMatchObject({
      type: 'nodecellar.relationships.connected_to_mongo',
      target_id: 'mongod',
      type_hierarchy: ['cloudify.relationships.depends_on', 'cloudify.relationships.connected_to', 'nodecellar.relationships.connected_to_mongo'],
      properties: { connection_type: 'all_to_all' },
    });
    expect(connection?.source_operations['cloudify.interfaces.relationship_lifecycle.postconfigure']).toEqual(
      script('scripts/mongo/set-mongo-url.sh', { mongo_ip_address: { get_attribute: ['TARGET', 'ip'] }, mongo_port: { get_property: ['TARGET', 'port'] } }),
    );
    expect(connection?.target_operations['cloudify.interfaces.relationship_lifecycle.establish']).toEqual(
      script('scripts/mongo/allow-client.sh', { client_name: { get_property: ['SOURCE', 'startup_script'] } }),
    );
    // The target side's script runs on mongod, which therefore needs the script plugin.
    expect(node(plan, 'mongod').plugins).toEqual([SCRIPT_PLUGIN]);
  });

  it('has the monitoring group, the scaling policy and its scaling group', () => {
    expect(plan.groups['mongo_monitoring']?.policies['cpu_high']?.properties).toMatchObject({ service: 'cpu.total.user', threshold: 90, stability_time: 30, upper_bound: true });
    expect(plan.policies['scale_web_tier']).toEqual({
      type: 'cloudify.policies.scaling',
      targets: ['web_tier'],
      properties: { default_instances: { get_input: 'web_instances' }, min_instances: 0, max_instances: 5, current_instances: { get_input: 'web_instances' }, planned_instances: { get_input: 'web_instances' } },
    });
    expect(plan.scaling_groups['web_tier']?.members).toEqual(['nodejs_host']);
  });

  it('produces the expected deployment plan', () => {
    const deployment = prepareDeploymentPlan(plan, { mongo_host_ip: '10.0.0.1', nodejs_host_ip: '10.0.0.2' }, { idGenerator: sequentialIdGenerator() });
    const connection = node(deployment as unknown as Plan, 'nodecellar').relationships[1];
    expect(connection?.source_operations['postconfigure']).toMatchObject({
      inputs: { mongo_ip_address: { get_attribute: ['TARGET', 'ip'] }, mongo_port: 27018, script_path: 'scripts/mongo/set-mongo-url.sh' },
      has_intrinsic_functions: true,
    });
    expect(connection?.target_operations['establish']).toMatchObject({ inputs: { client_name: 'server.js' }, has_intrinsic_functions: false });
    expect(deployment.scaling_groups['web_tier']?.properties).toEqual({ default_instances: 2, min_instances: 0, max_instances: 5, current_instances: 2, planned_instances: 2 });
    expect(deployment.outputs['endpoint']).toEqual({ description: 'Web application endpoint', value: { ip_address: { get_attribute: ['nodejs_host', 'ip'] }, port: 8080 } });
    expect(deployment.node_instances).toEqual([
      { id: 'mongod_host_000001', name: 'mongod_host', node_id: 'mongod_host', host_id: 'mongod_host_000001', relationships: [] },
      { id: 'nodejs_host_000004', name: 'nodejs_host', node_id: 'nodejs_host', host_id: 'nodejs_host_000004', relationships: [], scaling_groups: [{ name: 'web_tier', id: 'web_tier_000003' }] },
      { id: 'nodejs_host_000008', name: 'nodejs_host', node_id: 'nodejs_host', host_id: 'nodejs_host_000008', relationships: [], scaling_groups: [{ name: 'web_tier', id: 'web_tier_000007' }] },
      { id: 'mongod_000002', name: 'mongod', node_id: 'mongod', host_id: 'mongod_host_000001', relationships: [{ type: 'cloudify.relationships.contained_in', target_name: 'mongod_host', target_id: 'mongod_host_000001' }] },
      { id: 'nodejs_000005', name: 'nodejs', node_id: 'nodejs', host_id: 'nodejs_host_000004', relationships: [{ type: 'cloudify.relationships.contained_in', target_name: 'nodejs_host', target_id: 'nodejs_host_000004' }] },
      { id: 'nodejs_000009', name: 'nodejs', node_id: 'nodejs', host_id: 'nodejs_host_000008', relationships: [{ type: 'cloudify.relationships.contained_in', target_name: 'nodejs_host', target_id: 'nodejs_host_000008' }] },
      {
        id: 'nodecellar_000006',
        name: 'nodecellar',
        node_id: 'nodecellar',
        host_id: 'nodejs_host_000004',
        relationships: [
          { type: 'cloudify.relationships.contained_in', target_name: 'nodejs', target_id: 'nodejs_000005' },
          { type: 'nodecellar.relationships.connected_to_mongo', target_name: 'mongod', target_id: 'mongod_000002' },
        ],
      },
      {
        id: 'nodecellar_00000a',
        name: 'nodecellar',
        node_id: 'nodecellar',
        host_id: 'nodejs_host_000008',
        relationships: [
          { type: 'cloudify.relationships.contained_in', target_name: 'nodejs', target_id: 'nodejs_000009' },
          { type: 'nodecellar.relationships.connected_to_mongo', target_name: 'mongod', target_id: 'mongod_000002' },
        ],
      },
    ]);
  });
});
