import { prepareDeploymentPlan } from './deployment-plan';
import { DSLParsingError, FunctionEvaluationError, MissingRequiredInputError, UnknownInputError, UnsupportedTopologyError } from './errors';
import { type IdGenerator, randomIdGenerator, sequentialIdGenerator } from './ids';
import { type DeploymentPlan, type Plan, type PlannedNodeInstance } from './plan-types';
import { blueprint, parseText } from './testing';

const ids = () => ({ idGenerator: sequentialIdGenerator() });
const nodeOf = (plan: DeploymentPlan | Plan, name: string) => {
  const found = plan.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
};
const instancesOf = (plan: DeploymentPlan, name: string): PlannedNodeInstance[] => plan.node_instances.filter((instance) => instance.node_id === name);

describe('deployment inputs (dsl.md §9 step 1)', () => {
  const text = blueprint('inputs: {a: {}, b: {default: 2}, c: {default: null}}\nnode_templates: {vm: {type: cloudify.nodes.Compute}}');

  it('fills defaults and keeps supplied values', async () => {
    const plan = await parseText(text);
    expect(prepareDeploymentPlan(plan, { a: 'x', c: [1] }, ids()).inputs).toEqual({ a: 'x', b: 2, c: [1] });
  });

  it('reports every input without value or non-null default', async () => {
    const plan = await parseText(text);
    const error = (() => {
      try {
        prepareDeploymentPlan(plan, {}, ids());
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingRequiredInputError);
    expect(error).toMatchObject({
      missing: ['a', 'c'],
      restErrorCode: 'missing_required_deployment_input_error',
      message: "Required inputs ['a', 'c'] were not specified - expected inputs: ['a', 'b', 'c']",
    });
  });

  it('rejects inputs the blueprint does not declare', async () => {
    const plan = await parseText(text);
    expect(() => prepareDeploymentPlan(plan, { a: 1, c: 1, z: 1 }, ids())).toThrow(UnknownInputError);
    expect(() => prepareDeploymentPlan(plan, { a: 1, c: 1, z: 1 }, ids())).toThrow("Unknown inputs ['z'] specified - expected inputs: ['a', 'b', 'c']");
  });

  it('rejects a non-ASCII input value with 108', async () => {
    const plan = await parseText(text);
    expect(() => prepareDeploymentPlan(plan, { a: { name: 'Zo\u00eb' }, c: 1 }, ids())).toThrow(expect.objectContaining({ code: 108 }) as Error);
  });

  it('rejects a value that is not a parsed plan with 101', () => {
    expect(() => prepareDeploymentPlan({ nodes: [] } as unknown as Plan, {}, ids())).toThrow(expect.objectContaining({ code: 101 }) as Error);
  });

  it('rejects an input value that is not JSON with 1', async () => {
    const plan = await parseText(text);
    expect(() => prepareDeploymentPlan(plan, { a: () => 1, c: 1 }, ids())).toThrow(DSLParsingError);
  });

  it('returns a deployment plan that shares no object with the plan', async () => {
    const plan = await parseText(
      blueprint(`
        inputs: {ip: {}}
        node_types: {t: {derived_from: cloudify.nodes.Root, properties: {ip: {}, extra: {}}}}
        node_templates: {vm: {type: t, properties: {ip: {get_input: ip}, extra: {get_attribute: [SELF, x]}}}}`),
    );
    const deployment = prepareDeploymentPlan(plan, { ip: '10.0.0.1' }, ids());
    const inPlan = new Set<object>();
    const collect = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || inPlan.has(value)) return;
      inPlan.add(value);
      Object.values(value).forEach(collect);
    };
    collect(plan);
    const sharedPaths: string[] = [];
    const check = (value: unknown, path: string): void => {
      if (typeof value !== 'object' || value === null) return;
      if (inPlan.has(value)) sharedPaths.push(path);
      for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`);
    };
    check(deployment, '$');
    expect(sharedPaths).toEqual([]);
    expect(nodeOf(deployment, 'vm').properties).toEqual(expect.objectContaining({ ip: '10.0.0.1', extra: { get_attribute: ['SELF', 'x'] } }));
  });

  it('leaves the given plan untouched', async () => {
    const plan = await parseText(blueprint('inputs: {ip: {}}\nnode_templates: {vm: {type: cloudify.nodes.Compute, properties: {ip: {get_input: ip}}}}'));
    const before = JSON.stringify(plan);
    prepareDeploymentPlan(plan, { ip: '10.0.0.1' }, ids());
    expect(JSON.stringify(plan)).toBe(before);
  });
});

describe('intrinsic functions at deployment (dsl.md §7, §9 step 2)', () => {
  const text = blueprint(`
    inputs:
      ip: {}
      port: {default: 8080}
      tags: {default: [a, b]}
      count: {default: 2}
    node_types:
      t:
        derived_from: cloudify.nodes.Root
        properties:
          endpoint: {default: {host: {get_input: ip}, ports: [{get_input: port}, 443]}}
          url: {default: ''}
          mirror: {default: ''}
          first_tag: {default: ''}
          runtime: {default: ''}
    plugins: {p: {executor: central_deployment_agent, install: false}}
    node_templates:
      vm:
        type: cloudify.nodes.Compute
        properties: {ip: {get_input: ip}}
        capabilities: {scalable: {properties: {default_instances: {get_input: count}}}}
      a:
        type: t
        properties:
          url: {concat: ['http://', {get_property: [SELF, endpoint, host]}, ':', {get_property: [SELF, endpoint, ports, 0]}]}
          first_tag: {get_input: tags}
          runtime: {get_attribute: [SELF, pid]}
        interfaces:
          i:
            plain: {implementation: p.plain, inputs: {where: {get_property: [vm, ip]}, flag: {concat: [true, '-', 1.5]}}}
            late: {implementation: p.late, inputs: {pid: {get_attribute: [SELF, pid]}}}
            mixed: {implementation: p.mixed, inputs: {addr: {concat: [{get_input: ip}, ':', {get_attribute: [SELF, port]}]}}}
        relationships:
          - type: cloudify.relationships.connected_to
            target: b
            source_interfaces:
              cloudify.interfaces.relationship_lifecycle:
                establish: {implementation: p.link, inputs: {peer: {get_property: [TARGET, mirror]}, me: {get_property: [SOURCE, url]}}}
      b:
        type: t
        properties: {mirror: {get_property: [a, url]}}
    outputs:
      url: {value: {get_property: [a, url]}}
      endpoint: {value: {ip: {get_attribute: [vm, ip]}, port: {get_input: port}}}
      joined: {value: {concat: [{get_attribute: [vm, ip]}, ':', {get_input: port}]}}`);

  let plan: DeploymentPlan;
  beforeAll(async () => {
    plan = prepareDeploymentPlan(await parseText(text), { ip: '10.0.0.7' }, ids());
  });

  it('evaluates get_input and get_property in node properties, also inside type defaults', () => {
    expect(nodeOf(plan, 'vm').properties['ip']).toBe('10.0.0.7');
    expect(nodeOf(plan, 'a').properties['endpoint']).toEqual({ host: '10.0.0.7', ports: [8080, 443] });
    expect(nodeOf(plan, 'a').properties['first_tag']).toEqual(['a', 'b']);
  });

  it('joins concat elements with their Python string forms', () => {
    expect(nodeOf(plan, 'a').properties['url']).toBe('http://10.0.0.7:8080');
    expect(nodeOf(plan, 'a').operations['i.plain']?.inputs['flag']).toBe('True-1.5');
  });

  it('follows get_property chains across nodes', () => {
    expect(nodeOf(plan, 'b').properties['mirror']).toBe('http://10.0.0.7:8080');
  });

  it('keeps get_attribute raw in properties and marks operations that still need run-time evaluation', () => {
    const a = nodeOf(plan, 'a');
    expect(a.properties['runtime']).toEqual({ get_attribute: ['SELF', 'pid'] });
    expect(a.operations['i.plain']).toMatchObject({ inputs: { where: '10.0.0.7', flag: 'True-1.5' }, has_intrinsic_functions: false });
    expect(a.operations['i.late']).toMatchObject({ inputs: { pid: { get_attribute: ['SELF', 'pid'] } }, has_intrinsic_functions: true });
    expect(a.operations['i.mixed']).toMatchObject({
      inputs: { addr: { concat: ['10.0.0.7', ':', { get_attribute: ['SELF', 'port'] }] } },
      has_intrinsic_functions: true,
    });
  });

  it('resolves SOURCE and TARGET in relationship operation inputs', () => {
    const relationship = nodeOf(plan, 'a').relationships[0];
    expect(relationship?.source_operations['establish']?.inputs).toEqual({ peer: 'http://10.0.0.7:8080', me: 'http://10.0.0.7:8080' });
  });

  it('evaluates outputs except get_attribute (and concat over it)', () => {
    expect(plan.outputs).toEqual({
      url: { value: 'http://10.0.0.7:8080' },
      endpoint: { value: { ip: { get_attribute: ['vm', 'ip'] }, port: 8080 } },
      joined: { value: { concat: [{ get_attribute: ['vm', 'ip'] }, ':', 8080] } },
    });
  });

  it('evaluates scalable capabilities and plans that many instances', () => {
    expect(nodeOf(plan, 'vm').capabilities.scalable.properties).toMatchObject({ default_instances: 2, current_instances: 2 });
    expect(instancesOf(plan, 'vm')).toHaveLength(2);
  });

  it('fails with FunctionEvaluationError when an input value breaks a property path', async () => {
    const parsed = await parseText(
      blueprint(`
        inputs: {cfg: {}}
        node_types: {t: {derived_from: cloudify.nodes.Root, properties: {cfg: {}, host: {default: ''}}}}
        node_templates: {n: {type: t, properties: {cfg: {get_input: cfg}, host: {get_property: [SELF, cfg, host]}}}}`),
    );
    expect(() => prepareDeploymentPlan(parsed, { cfg: { port: 1 } }, ids())).toThrow(FunctionEvaluationError);
    expect(prepareDeploymentPlan(parsed, { cfg: { host: 'h' } }, ids()).nodes[0]?.properties['host']).toBe('h');
  });
});

describe('node instances (dsl.md §10)', () => {
  it('creates ids <node>_<6 chars of [0-9a-z]> with the default generator', async () => {
    const plan = prepareDeploymentPlan(await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: 5}}}')));
    expect(plan.node_instances).toHaveLength(5);
    for (const instance of plan.node_instances) expect(instance.id).toMatch(/^vm_[0-9a-z]{6}$/);
    expect(new Set(plan.node_instances.map((instance) => instance.id)).size).toBe(5);
    expect(randomIdGenerator.suffix()).toMatch(/^[0-9a-z]{6}$/);
  });

  it('regenerates an id that is already taken', async () => {
    const suffixes = ['aaaaaa', 'aaaaaa', 'bbbbbb'];
    const generator: IdGenerator = { suffix: () => suffixes.shift() ?? 'zzzzzz' };
    const plan = prepareDeploymentPlan(await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: 2}}}')), {}, { idGenerator: generator });
    expect(plan.node_instances.map((instance) => instance.id)).toEqual(['vm_aaaaaa', 'vm_bbbbbb']);
  });

  it('multiplies counts down contained_in and links each child to its own container instance', async () => {
    const plan = prepareDeploymentPlan(
      await parseText(
        blueprint(`
          node_templates:
            vm: {type: cloudify.nodes.Compute, instances: {deploy: 2}}
            web: {type: cloudify.nodes.WebServer, instances: {deploy: 3}, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
            app: {type: cloudify.nodes.ApplicationModule, relationships: [{type: cloudify.relationships.contained_in, target: web}]}`),
      ),
      {},
      ids(),
    );
    const vms = instancesOf(plan, 'vm');
    const webs = instancesOf(plan, 'web');
    const apps = instancesOf(plan, 'app');
    expect([vms.length, webs.length, apps.length]).toEqual([2, 6, 6]);
    for (const vm of vms) {
      const onVm = webs.filter((web) => web.relationships[0]?.target_id === vm.id);
      expect(onVm).toHaveLength(3);
      for (const web of onVm) expect(web.host_id).toBe(vm.id);
    }
    for (const app of apps) {
      const web = webs.find((candidate) => candidate.id === app.relationships[0]?.target_id);
      expect(web).toBeDefined();
      expect(app.host_id).toBe(web?.host_id);
      expect(app.relationships).toEqual([{ type: 'cloudify.relationships.contained_in', target_name: 'web', target_id: web?.id }]);
    }
  });

  it('shapes instances as {id, name, node_id, host_id?, relationships}', async () => {
    const plan = prepareDeploymentPlan(await parseText(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}, net: {type: cloudify.nodes.Network}}')), {}, ids());
    expect(plan.node_instances).toEqual([
      { id: 'vm_000001', name: 'vm', node_id: 'vm', host_id: 'vm_000001', relationships: [] },
      { id: 'net_000002', name: 'net', node_id: 'net', relationships: [] },
    ]);
  });

  it('creates nothing below a node with zero instances', async () => {
    const plan = prepareDeploymentPlan(
      await parseText(
        blueprint(`
          node_templates:
            vm: {type: cloudify.nodes.Compute, instances: {deploy: 0}}
            web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
            client: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.connected_to, target: web}]}`),
      ),
      {},
      ids(),
    );
    expect(plan.node_instances.map((instance) => instance.node_id)).toEqual(['client']);
    expect(instancesOf(plan, 'client')[0]?.relationships).toEqual([]);
  });

  const connected = (connection: string) =>
    blueprint(`
      node_templates:
        db: {type: cloudify.nodes.DBMS, instances: {deploy: 3}}
        app:
          type: cloudify.nodes.ApplicationModule
          instances: {deploy: 2}
          relationships: [{type: cloudify.relationships.connected_to, target: db, properties: {connection_type: ${connection}}}]`);

  it('connects every source instance to every target instance with all_to_all', async () => {
    const plan = prepareDeploymentPlan(await parseText(connected('all_to_all')), {}, ids());
    const dbIds = instancesOf(plan, 'db').map((instance) => instance.id);
    for (const app of instancesOf(plan, 'app')) expect(app.relationships.map((relationship) => relationship.target_id)).toEqual(dbIds);
  });

  it('connects every source instance to the smallest target id with all_to_one', async () => {
    const suffixes = ['zzzzz1', 'aaaaa2', 'mmmmm3', 'app001', 'app002'];
    const plan = prepareDeploymentPlan(await parseText(connected('all_to_one')), {}, { idGenerator: { suffix: () => suffixes.shift() ?? 'xxxxxx' } });
    for (const app of instancesOf(plan, 'app')) {
      expect(app.relationships).toEqual([{ type: 'cloudify.relationships.connected_to', target_name: 'db', target_id: 'db_aaaaa2' }]);
    }
  });

  it('rejects an unknown connection_type', async () => {
    const plan = await parseText(connected('one_to_one'));
    expect(() => prepareDeploymentPlan(plan, {}, ids())).toThrow(UnsupportedTopologyError);
  });

  it('rejects relationship types not derived from the three base types', async () => {
    const plan = await parseText(
      blueprint(`
        relationships: {my.rel: {properties: {connection_type: {default: all_to_all}}}}
        node_templates: {a: {type: cloudify.nodes.Root}, b: {type: cloudify.nodes.Root, relationships: [{type: my.rel, target: a}]}}`),
    );
    expect(() => prepareDeploymentPlan(plan, {}, ids())).toThrow(UnsupportedTopologyError);
  });

  it('keeps only the last declared relationship per target node (3.4 quirk) in declaration order', async () => {
    const plan = prepareDeploymentPlan(
      await parseText(
        blueprint(`
          node_templates:
            vm: {type: cloudify.nodes.Compute}
            db: {type: cloudify.nodes.DBMS}
            app:
              type: cloudify.nodes.ApplicationModule
              relationships:
                - {type: cloudify.relationships.connected_to, target: db}
                - {type: cloudify.relationships.contained_in, target: vm}
                - {type: cloudify.relationships.depends_on, target: db}`),
      ),
      {},
      ids(),
    );
    expect(instancesOf(plan, 'app')[0]?.relationships).toEqual([
      { type: 'cloudify.relationships.contained_in', target_name: 'vm', target_id: 'vm_000001' },
      { type: 'cloudify.relationships.depends_on', target_name: 'db', target_id: 'db_000003' },
    ]);
  });
});

describe('scaling groups in instance planning (dsl.md §10.1)', () => {
  const grouped = blueprint(`
    node_templates:
      vm: {type: cloudify.nodes.Compute}
      db: {type: cloudify.nodes.DBMS, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
      lb: {type: cloudify.nodes.LoadBalancer, instances: {deploy: 2}}
      app:
        type: cloudify.nodes.ApplicationModule
        relationships:
          - {type: cloudify.relationships.contained_in, target: vm}
          - {type: cloudify.relationships.connected_to, target: db}
    groups: {pair: {members: [vm, db]}}
    policies: {scale_pair: {type: cloudify.policies.scaling, targets: [pair], properties: {default_instances: 2}}}`);

  it('instantiates a scaling group current_instances times and records group instances on members', async () => {
    const plan = prepareDeploymentPlan(await parseText(grouped), {}, ids());
    const vms = instancesOf(plan, 'vm');
    expect(vms).toHaveLength(2);
    const groupIds = vms.map((vm) => vm.scaling_groups?.[0]?.id);
    expect(vms.map((vm) => vm.scaling_groups?.[0]?.name)).toEqual(['pair', 'pair']);
    expect(new Set(groupIds).size).toBe(2);
    for (const id of groupIds) expect(id).toMatch(/^pair_[0-9a-z]{6}$/);
    // db follows its container (dropped from the members), one per vm, without its own group entry.
    const dbs = instancesOf(plan, 'db');
    expect(dbs).toHaveLength(2);
    for (const db of dbs) expect(db).not.toHaveProperty('scaling_groups');
    expect(new Set(dbs.map((db) => db.relationships[0]?.target_id))).toEqual(new Set(vms.map((vm) => vm.id)));
    expect(instancesOf(plan, 'lb')).toHaveLength(2);
  });

  it('connects all_to_all only inside the same instance of a shared scaling group', async () => {
    const plan = prepareDeploymentPlan(await parseText(grouped), {}, ids());
    for (const app of instancesOf(plan, 'app')) {
      const [contained, connected] = app.relationships;
      const db = instancesOf(plan, 'db').find((candidate) => candidate.id === connected?.target_id);
      expect(app.relationships).toHaveLength(2);
      expect(db?.relationships[0]?.target_id).toBe(contained?.target_id);
    }
  });

  it('rejects all_to_one inside a shared scaling group', async () => {
    const plan = await parseText(grouped.replace('target: db}', 'target: db, properties: {connection_type: all_to_one}}'));
    expect(() => prepareDeploymentPlan(plan, {}, ids())).toThrow(UnsupportedTopologyError);
  });

  it('places a group of contained members under their container and nests group instances', async () => {
    const plan = prepareDeploymentPlan(
      await parseText(
        blueprint(`
          node_templates:
            vm: {type: cloudify.nodes.Compute, instances: {deploy: 2}}
            web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
            cache: {type: cloudify.nodes.ApplicationServer, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
          groups:
            inner: {members: [web]}
            outer: {members: [inner, cache]}
          policies:
            p_inner: {type: cloudify.policies.scaling, targets: [inner], properties: {default_instances: 2}}
            p_outer: {type: cloudify.policies.scaling, targets: [outer], properties: {default_instances: 3}}`),
      ),
      {},
      ids(),
    );
    expect(instancesOf(plan, 'vm')).toHaveLength(2);
    expect(instancesOf(plan, 'cache')).toHaveLength(6);
    const webs = instancesOf(plan, 'web');
    expect(webs).toHaveLength(12);
    for (const web of webs) {
      expect(web.scaling_groups?.map((group) => group.name)).toEqual(['inner', 'outer']);
      expect(web.relationships[0]?.target_name).toBe('vm');
      expect(web.host_id).toBe(web.relationships[0]?.target_id);
    }
  });
});
