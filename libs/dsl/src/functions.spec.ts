import { UNCODED_ERROR } from './errors';
import { containsFunction } from './functions';
import { blueprint, parseFailure, parseText } from './testing';

const hosted = (nodeBody: string, extra = '') =>
  blueprint(`
    inputs: {port: {default: 80}, hosts: {default: [a]}}
    plugins: {p: {executor: central_deployment_agent, install: false}}
    node_types:
      t:
        derived_from: cloudify.nodes.Root
        properties:
          port: {default: 1}
          list: {default: [x, {deep: y}]}
          nested: {default: {a: {b: c}}}
    node_templates:
      vm: {type: cloudify.nodes.Compute}
      other: {type: t}
      n:
        type: t
${nodeBody
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
    ${extra}`);

describe('intrinsic functions accepted at upload (dsl.md §7)', () => {
  it.each([
    ['get_input in node properties', 'properties: {port: {get_input: port}}'],
    ['get_property SELF in node properties', 'properties: {port: {get_property: [SELF, nested, a, b]}}'],
    ['get_property of a list item', 'properties: {port: {get_property: [other, list, 1, deep]}}'],
    ['get_property stopping at a function value', 'properties: {nested: {get_input: hosts}, port: {get_property: [SELF, nested, 0]}}'],
    ['get_property SELF in capabilities', 'capabilities: {scalable: {properties: {default_instances: {get_property: [SELF, port]}}}}'],
    ['get_property SELF in operation inputs', 'interfaces: {i: {op: {implementation: p.op, inputs: {x: {get_property: [SELF, port]}}}}}'],
    ['get_attribute SELF in operation inputs', 'interfaces: {i: {op: {implementation: p.op, inputs: {x: {get_attribute: [SELF, ip]}}}}}'],
    [
      'SOURCE and TARGET in relationship operation inputs',
      'relationships: [{type: cloudify.relationships.connected_to, target: other, source_interfaces: {i: {op: {implementation: p.op, inputs: {a: {get_property: [TARGET, port]}, b: {get_attribute: [SOURCE, ip]}}}}}}]',
    ],
    ['nested functions inside concat', 'properties: {port: {concat: [{get_input: port}, {get_property: [other, port]}]}}'],
  ])('accepts %s', async (_name, nodeBody) => {
    const plan = await parseText(hosted(nodeBody));
    expect(plan.nodes.map((node) => node.name)).toContain('n');
    const n = plan.nodes.find((node) => node.name === 'n');
    expect(containsFunction([n?.properties ?? {}, n?.operations['op']?.inputs ?? {}, n?.relationships[0]?.source_operations['op']?.inputs ?? {}, n?.capabilities.scalable.properties.default_instances ?? null])).toBe(true);
  });

  it('accepts get_attribute with a node name in outputs', async () => {
    const plan = await parseText(hosted('properties: {}', "outputs: {o: {value: {get_attribute: [vm, ip]}}}"));
    expect(plan.outputs['o']).toEqual({ value: { get_attribute: ['vm', 'ip'] } });
  });

  it('does not look inside group policies (the policy engine resolves SELF there)', async () => {
    const plan = await parseText(
      hosted(
        'properties: {}',
        "groups: {g: {members: [vm], policies: {p: {type: cloudify.policies.types.host_failure, triggers: {t: {type: cloudify.policies.triggers.execute_workflow, parameters: {workflow: heal, workflow_parameters: {id: {get_property: [SELF, node_id]}}}}}}}}}",
      ),
    );
    expect(plan.groups['g']?.policies['p']?.triggers['t']?.parameters['workflow_parameters']).toEqual({ id: { get_property: ['SELF', 'node_id'] } });
  });
});

describe('intrinsic functions rejected at upload (uncoded in 3.4)', () => {
  it.each([
    ['a list index out of range', 'properties: {port: {get_property: [other, list, 5]}}', /index is out of range. Got 5 but list size is 2/],
    ['a string index into a list', 'properties: {port: {get_property: [other, list, first]}}', /is expected first to be an int/],
    ['a path through a scalar', 'properties: {port: {get_property: [other, port, deeper]}}', /'other.properties.port.deeper' referenced from .* doesn't exist/],
    ['SELF in relationship operation inputs', 'relationships: [{type: cloudify.relationships.connected_to, target: other, source_interfaces: {i: {op: {implementation: p.op, inputs: {a: {get_property: [SELF, port]}}}}}}]', /SELF can only be used in a context of node template/],
    ['get_attribute SELF in relationship inputs', 'relationships: [{type: cloudify.relationships.connected_to, target: other, source_interfaces: {i: {op: {implementation: p.op, inputs: {a: {get_attribute: [SELF, ip]}}}}}}]', /SELF cannot be used with get_attribute/],
    ['a SELF cycle inside one node', 'properties: {port: {get_property: [SELF, nested]}, nested: {get_property: [SELF, port]}}', /Circular get_property function call detected: n.nested -> n.port -> n.nested/],
    ['concat with a map argument', 'properties: {port: {concat: {a: b}}}', /Illegal arguments passed to concat function/],
  ])('rejects %s', async (_name, nodeBody, message) => {
    const error = await parseFailure(hosted(nodeBody));
    expect(error.code).toBe(UNCODED_ERROR);
    expect(error.reason).toMatch(message);
  });
});
