import { DSLParsingError, ImportTimeoutError, UNCODED_ERROR } from './errors';
import { parseBlueprint } from './parser';
import { type ImportResolver, createInMemoryResolver } from './resolver';
import { blueprint, dedent, parseFailure, TYPES_URL } from './testing';

interface ErrorCase {
  name: string;
  main: string;
  files?: Record<string, string>;
  options?: { validateDefinitionsVersion?: boolean };
  code: number;
  message?: RegExp;
}

const SCRIPTS = { 'scripts/run.sh': '#!/bin/sh\n' };

/** A 1_3 blueprint with the built-in types and a host, to which a case adds its own sections. */
const withVm = (body: string, options?: { version?: string }) =>
  blueprint(`node_templates:\n  vm:\n    type: cloudify.nodes.Compute\n${body}`, options);

const cases: ErrorCase[] = [
  // -1 YAML
  { name: 'a YAML syntax error', main: 'tosca_definitions_version: cloudify_dsl_1_3\nnode_templates: [\n', code: -1, message: /^Failed to parse DSL: Illegal yaml/ },
  { name: 'an empty main file', main: '', code: -1, message: /Empty yaml/ },
  {
    name: 'a YAML syntax error in an import',
    main: blueprint('node_templates: {}', { imports: ['types/broken.yaml'] }),
    files: { 'types/broken.yaml': 'node_types: {a: [}\n' },
    code: -1,
    message: /^Failed to parse import 'types\/broken.yaml' \(via 'types\/broken.yaml'\): Illegal yaml/,
  },
  // 1 schema
  { name: 'an unknown top-level key', main: withVm('foo: bar'), code: 1, message: /'foo' is not in schema/ },
  { name: 'missing node_templates', main: blueprint('inputs: {}'), code: 1, message: /'node_templates' key is required but it is currently missing/ },
  { name: 'node_templates given as a list', main: blueprint('node_templates: []'), code: 1, message: /Expected 'dict' type but found 'list' type/ },
  { name: 'a node template without type', main: blueprint('node_templates: {vm: {properties: {}}}'), code: 1, message: /'type' key is required/ },
  { name: 'an unknown key in a node template', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, colour: red}}'), code: 1, message: /'colour' is not in schema/ },
  { name: 'a non-string key', main: blueprint('node_templates: {1: {type: cloudify.nodes.Compute}}'), code: 1, message: /Dict keys must be strings but found '1' of type 'integer'/ },
  { name: 'properties given as a string', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: x}}'), code: 1, message: /Expected 'dict' type but found 'string' type/ },
  { name: 'a relationship without target', main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in}]}'), code: 1, message: /'target' key is required/ },
  { name: 'a negative instances.deploy', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: -1}}}'), code: 1, message: /deploy instances must be a non-negative number/ },
  { name: 'a non-integer instances.deploy', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: two}}}'), code: 1, message: /Expected 'integer' type/ },
  { name: 'empty group members', main: withVm('groups: {g: {members: []}}'), code: 1, message: /At least one member should be specified/ },
  { name: 'a group without members', main: withVm('groups: {g: {policies: {}}}'), code: 1, message: /'members' key is required/ },
  { name: 'a plugin without executor', main: withVm('plugins: {p: {source: http://x/p.zip}}'), code: 1, message: /'executor' key is required/ },
  { name: 'an output without value', main: withVm('outputs: {o: {description: d}}'), code: 1, message: /'value' key is required/ },
  { name: 'imports not a list', main: 'tosca_definitions_version: cloudify_dsl_1_3\nimports: types.yaml\nnode_templates: {}\n', code: 1, message: /Expected 'list' type/ },
  { name: 'a main file that is a list', main: '- a\n- b\n', code: 1, message: /Expected 'dict' type but found 'list' type/ },
  { name: 'an operation implementation that is a number', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {implementation: 5}}}}}'), code: 1 },
  { name: 'an operation given as a list', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: [a]}}}}'), code: 1, message: /Expected 'dict' type but found 'list' type/ },
  { name: 'a scalable default_instances string', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: many}}}}}'), code: 1 },
  { name: 'a scaling policy without targets', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling}}'), code: 1, message: /'targets' key is required/ },
  { name: 'a workflow without mapping', main: withVm('workflows: {w: {parameters: {}}}'), code: 1, message: /'mapping' key is required/ },
  { name: 'an input schema entry with an unknown key', main: blueprint('inputs: {i: {defualt: 1}}\nnode_templates: {}'), code: 1, message: /'defualt' is not in schema/ },
  { name: 'an imported file that is a list', main: blueprint('node_templates: {}', { imports: ['a.yaml'] }), files: { 'a.yaml': '- x\n' }, code: 1 },
  { name: 'a mergeable section of another kind in an import', main: blueprint('node_types: {}\nnode_templates: {}', { imports: ['a.yaml'] }), files: { 'a.yaml': 'node_types: [x]\n' }, code: 1 },
  // 2
  { name: 'duplicate imports', main: blueprint('node_templates: {}', { imports: [TYPES_URL, TYPES_URL] }), code: 2, message: /^Duplicate imports/ },
  // 3
  {
    name: 'description in two files',
    main: blueprint('description: main\nnode_templates: {}', { imports: ['a.yaml'] }),
    files: { 'a.yaml': 'description: other\n' },
    code: 3,
    message: /non-mergeable field: 'description'/,
  },
  {
    name: 'inputs in two files before 1_3',
    main: blueprint('inputs: {a: {}}\nnode_templates: {}', { version: 'cloudify_dsl_1_2', imports: ['a.yaml'] }),
    files: { 'a.yaml': 'inputs: {b: {}}\n' },
    code: 3,
    message: /non-mergeable field: 'inputs'/,
  },
  {
    name: 'node_templates in two files before 1_3',
    main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { version: 'cloudify_dsl_1_2', imports: [TYPES_URL, 'a.yaml'] }),
    files: { 'a.yaml': 'node_templates: {db: {type: cloudify.nodes.Compute}}\n' },
    code: 3,
  },
  // 4
  {
    name: 'a node type defined in two files',
    main: blueprint('node_types: {my.T: {}}\nnode_templates: {}', { imports: ['a.yaml'] }),
    files: { 'a.yaml': 'node_types: {my.T: {}}\n' },
    code: 4,
    message: /Could not merge 'node_types' due to conflict on 'my.T'/,
  },
  {
    name: 'a node template defined in two files (1_3)',
    main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { imports: [TYPES_URL, 'a.yaml'] }),
    files: { 'a.yaml': 'node_templates: {vm: {type: cloudify.nodes.Compute}}\n' },
    code: 4,
  },
  { name: 'a built-in type redefined', main: blueprint('node_types: {cloudify.nodes.Root: {}}\nnode_templates: {}'), code: 4 },
  // 7
  { name: 'an unknown node type', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Nope}}'), code: 7, message: /Could not locate node type: 'cloudify.nodes.Nope'; existing types: \[/ },
  // 10
  {
    name: 'an unresolvable node operation mapping',
    main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {cloudify.interfaces.lifecycle: {start: nowhere.tasks.start}}}}'),
    code: 10,
    message: /Could not extract plugin from operation mapping 'nowhere.tasks.start', which is declared for operation 'start'. In interface 'cloudify.interfaces.lifecycle' in node 'vm' of type 'cloudify.nodes.Compute'/,
  },
  { name: 'a script path that is not in the archive', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: scripts/missing.sh}}}}'), code: 10 },
  {
    name: 'an unresolvable mapping on a node type used by a template',
    main: blueprint('node_types: {my.T: {derived_from: cloudify.nodes.Root, interfaces: {i: {op: bad.mapping}}}}\nnode_templates: {n: {type: my.T}}'),
    code: 10,
  },
  // 13
  { name: 'a relative import that does not exist', main: blueprint('node_templates: {}', { imports: ['types/missing.yaml'] }), code: 13, message: /Import failed: no suitable location found for import 'types\/missing.yaml'/ },
  { name: 'an import escaping the archive', main: blueprint('node_templates: {}', { imports: ['../../etc/x.yaml'] }), code: 13 },
  { name: 'an http import the resolver cannot fetch', main: blueprint('node_templates: {}', { imports: ['http://example.com/types.yaml'] }), code: 13, message: /Import failed: Unable to open import url 'http:\/\/example.com\/types.yaml'/ },
  // 18
  { name: 'an invalid plugin executor', main: withVm('plugins: {p: {executor: cloud_agent, source: p}}'), code: 18, message: /Plugin 'p' has an illegal executor value 'cloud_agent'/ },
  // 19
  {
    name: 'an unresolvable relationship instance operation',
    main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm, source_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: x.y}}}]}'),
    code: 19,
    message: /in relationship of type 'cloudify.relationships.contained_in' in node 'web'/,
  },
  {
    name: 'an unresolvable relationship type operation',
    main: withVm('relationships: {my.rel: {derived_from: cloudify.relationships.depends_on, target_interfaces: {i: {op: x.y}}}}'),
    code: 19,
    message: /Relationship 'my.rel'/,
  },
  // 21
  { name: 'an unresolvable workflow mapping', main: withVm('workflows: {w: nowhere.workflows.run}'), code: 21, message: /Could not extract plugin from workflow mapping 'nowhere.workflows.run', which is declared for workflow 'w'/ },
  // 23 / 25 / 26
  { name: 'a relationship to the node itself', main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.connected_to, target: web}]}'), code: 23, message: /illegally declares the source node as the target node/ },
  { name: 'a relationship to an undefined node', main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm2}]}'), code: 25, message: /declares an undefined target node 'vm2'/ },
  { name: 'an undefined relationship type', main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.runs_on, target: vm}]}'), code: 26, message: /declares an undefined relationship type 'cloudify.relationships.runs_on'/ },
  // 24
  {
    name: 'a host_agent plugin on a node without host',
    main: blueprint('node_templates: {web: {type: cloudify.nodes.WebServer, interfaces: {cloudify.interfaces.lifecycle: {start: scripts/run.sh}}}}'),
    files: SCRIPTS,
    code: 24,
    message: /node 'web' has no relationship which makes it contained within a host and it has a plugin 'script' with 'host_agent' as an executor/,
  },
  {
    name: 'a host_agent target operation on a node without host',
    main: blueprint(`
      node_templates:
        vm: {type: cloudify.nodes.Compute}
        web: {type: cloudify.nodes.WebServer}
        app:
          type: cloudify.nodes.ApplicationModule
          relationships:
            - {type: cloudify.relationships.contained_in, target: vm}
            - type: cloudify.relationships.connected_to
              target: web
              target_interfaces: {cloudify.interfaces.relationship_lifecycle: {establish: scripts/run.sh}}`),
    files: SCRIPTS,
    code: 24,
    message: /node 'web'/,
  },
  // 27 / 28 / 29 / 71-76
  { name: 'no version in the main file', main: 'imports: []\nnode_templates: {}\n', code: 27, message: /^tosca_definitions_version field must appear in the main blueprint file/ },
  {
    name: 'an import with another version',
    main: blueprint('node_templates: {}', { imports: ['a.yaml'] }),
    files: { 'a.yaml': 'tosca_definitions_version: cloudify_dsl_1_2\nnode_types: {}\n' },
    code: 28,
    message: /version of problematic import is 'cloudify_dsl_1_2'/,
  },
  { name: 'an invalid operation executor', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {executor: anywhere}}}}}'), code: 28, message: /Operation 'i.op' has an illegal executor value 'anywhere'/ },
  { name: 'version 1_4', main: 'tosca_definitions_version: cloudify_dsl_1_4\nnode_templates: {}\n', code: 29, message: /Unexpected tosca_definitions_version cloudify_dsl_1_4/ },
  { name: 'version 2_0', main: 'tosca_definitions_version: cloudify_dsl_2_0\nnode_templates: {}\n', code: 29 },
  { name: 'an empty version', main: "tosca_definitions_version: ''\nnode_templates: {}\n", code: 71, message: /is missing or empty/ },
  { name: 'a numeric version', main: 'tosca_definitions_version: 1.3\nnode_templates: {}\n', code: 72, message: /is not a string/ },
  { name: 'a version without the prefix', main: 'tosca_definitions_version: dsl_1_3\nnode_templates: {}\n', code: 73 },
  { name: 'a version without minor', main: 'tosca_definitions_version: cloudify_dsl_13\nnode_templates: {}\n', code: 73 },
  { name: 'a non-numeric major', main: 'tosca_definitions_version: cloudify_dsl_a_3\nnode_templates: {}\n', code: 74, message: /major version is 'a'/ },
  { name: 'a non-numeric minor', main: 'tosca_definitions_version: cloudify_dsl_1_b\nnode_templates: {}\n', code: 75, message: /minor version is 'b'/ },
  { name: 'a non-numeric micro', main: 'tosca_definitions_version: cloudify_dsl_1_3_x\nnode_templates: {}\n', code: 76, message: /micro version is 'x'/ },
  // 40 / 41 / 42
  { name: 'a group member that is not a node', main: withVm('groups: {g: {members: [db]}}'), code: 40, message: /Member 'db' of group 'g' does not match any defined node/ },
  { name: 'an unknown group policy type', main: withVm('groups: {g: {members: [vm], policies: {p: {type: my.policy}}}}'), code: 41, message: /Policy 'p' of group 'g' references a non existent policy type 'my.policy'/ },
  {
    name: 'an unknown policy trigger type',
    main: withVm('groups: {g: {members: [vm], policies: {p: {type: cloudify.policies.types.host_failure, triggers: {t: {type: my.trigger}}}}}}'),
    code: 42,
    message: /Trigger 't' of policy 'p' of group 'g'/,
  },
  // 50
  { name: 'an installable plugin without source', main: withVm('plugins: {p: {executor: central_deployment_agent}}'), code: 50, message: /Plugin 'p' needs to be installed, but does not declare a source or package_name property/ },
  {
    name: 'an operation input of the wrong type',
    main: blueprint(`
      plugins: {p: {executor: central_deployment_agent, install: false}}
      node_types: {my.T: {derived_from: cloudify.nodes.Root, interfaces: {i: {op: {implementation: p.op, inputs: {port: {type: integer, default: 1}}}}}}}
      node_templates: {n: {type: my.T, interfaces: {i: {op: {inputs: {port: eighty}}}}}}`),
    code: 50,
    message: /Input type validation failed: Input 'port' type is 'integer', yet it was assigned with the value 'eighty'/,
  },
  // 60 / 61
  {
    name: 'a script operation that declares script_path',
    main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm}], interfaces: {cloudify.interfaces.lifecycle: {start: {implementation: scripts/run.sh, inputs: {script_path: x}}}}}'),
    files: SCRIPTS,
    code: 60,
    message: /Cannot define 'script_path' property in 'scripts\/run.sh' for operation 'start'/,
  },
  {
    name: 'a script workflow that declares script_path',
    main: withVm('workflows: {w: {mapping: scripts/run.sh, parameters: {script_path: {}}}}'),
    files: SCRIPTS,
    code: 60,
    message: /for workflow 'w'/,
  },
  {
    name: 'a script mapping without the script plugin',
    main: blueprint(
      `
      plugins: {p: {executor: central_deployment_agent, install: false}}
      node_types: {my.T: {}}
      node_templates: {n: {type: my.T, interfaces: {i: {op: scripts/run.sh}}}}`,
      { imports: null },
    ),
    files: SCRIPTS,
    code: 61,
    message: /Script plugin is not defined but it is required for mapping 'script_runner.tasks.run' of operation 'op'/,
  },
  // 80
  {
    name: 'an operation input schema naming a data type',
    main: blueprint(`
      data_types: {my.D: {properties: {a: {}}}}
      plugins: {p: {executor: central_deployment_agent, install: false}}
      node_types: {my.T: {derived_from: cloudify.nodes.Root, interfaces: {i: {op: {implementation: p.op, inputs: {cfg: {type: my.D}}}}}}}
      node_templates: {n: {type: my.T, interfaces: {i: {op: {inputs: {cfg: {a: 1}}}}}}}`),
    code: 80,
    message: /unknown type is my.D/,
  },
  // 91
  {
    name: 'an ambiguous operation mapping',
    main: blueprint(`
      plugins:
        net: {executor: central_deployment_agent, install: false}
        net.tools: {executor: central_deployment_agent, install: false}
      node_templates: {n: {type: cloudify.nodes.Root, interfaces: {i: {op: net.tools.create}}}}`),
    code: 91,
    message: /Ambiguous operation mapping. \[operation=op, plugins=\['net', 'net.tools'\]\]/,
  },
  // 100
  { name: 'a node type derivation cycle', main: blueprint('node_types: {a: {derived_from: b}, b: {derived_from: a}}\nnode_templates: {}'), code: 100, message: /Circular dependency detected: a --> b --> a/ },
  { name: 'a relationship type derivation cycle', main: blueprint('relationships: {r1: {derived_from: r1}}\nnode_templates: {}'), code: 100, message: /r1 --> r1/ },
  { name: 'a data type property cycle', main: blueprint('data_types: {d1: {properties: {x: {type: d2}}}, d2: {properties: {y: {type: d1}}}}\nnode_templates: {}'), code: 100 },
  {
    name: 'a relationship cycle between templates',
    main: blueprint(`
      node_templates:
        a: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.depends_on, target: b}]}
        b: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.connected_to, target: a}]}`),
    code: 100,
    message: /a --> b --> a/,
  },
  // 102
  { name: 'description in 1_0', main: blueprint('description: d\nnode_templates: {}', { version: 'cloudify_dsl_1_0' }), code: 102, message: /^description not supported in version cloudify_dsl_1_0, it was added in cloudify_dsl_1_2/ },
  { name: 'data_types in 1_1', main: blueprint('data_types: {my.D: {}}\nnode_templates: {}', { version: 'cloudify_dsl_1_1' }), code: 102, message: /data_types not supported/ },
  { name: 'dsl_definitions in 1_1', main: blueprint('dsl_definitions: {a: &a 1}\nnode_templates: {}', { version: 'cloudify_dsl_1_1' }), code: 102, message: /dsl_definitions not supported/ },
  { name: 'capabilities in 1_2', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: 2}}}}}', { version: 'cloudify_dsl_1_2' }), code: 102, message: /capabilities not supported in version cloudify_dsl_1_2, it was added in cloudify_dsl_1_3/ },
  { name: 'policies in 1_2', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g]}}', { version: 'cloudify_dsl_1_2' }), code: 102, message: /policies not supported/ },
  { name: 'max_retries in 1_0', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {max_retries: 1}}}}}', { version: 'cloudify_dsl_1_0' }), code: 102, message: /max_retries not supported/ },
  { name: 'retry_interval in 1_0', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {retry_interval: 1}}}}}', { version: 'cloudify_dsl_1_0' }), code: 102 },
  { name: 'install_arguments in 1_0', main: withVm('plugins: {p: {executor: host_agent, source: p, install_arguments: -U}}', { version: 'cloudify_dsl_1_0' }), code: 102, message: /install_arguments not supported/ },
  { name: 'package_name in 1_1', main: withVm('plugins: {p: {executor: host_agent, package_name: p}}', { version: 'cloudify_dsl_1_1' }), code: 102, message: /package_name not supported/ },
  { name: 'required in 1_1', main: blueprint('inputs: {i: {required: false}}\nnode_templates: {}', { version: 'cloudify_dsl_1_1' }), code: 102, message: /required not supported/ },
  { name: 'concat in 1_0', main: withVm('outputs: {o: {value: {concat: [a, b]}}}', { version: 'cloudify_dsl_1_0' }), code: 102, message: /concat not supported in version cloudify_dsl_1_0/ },
  // 103 / 104
  { name: 'an unknown derived_from', main: blueprint('node_types: {my.T: {derived_from: my.Base}}\nnode_templates: {}'), code: 103, message: /Missing definition for type 'my.Base' which is declared as derived by type 'my.T'/ },
  { name: 'an unknown property type', main: blueprint('node_types: {my.T: {properties: {p: {type: text}}}}\nnode_templates: {}'), code: 103, message: /Illegal type name 'text'/ },
  { name: 'an unknown input type', main: blueprint('inputs: {i: {type: number}}\nnode_templates: {}'), code: 103 },
  { name: 'a data type derived from an unknown type', main: blueprint('data_types: {my.D: {derived_from: my.Base}}\nnode_templates: {}'), code: 103 },
  { name: 'a node type derived from a relationship type', main: blueprint('node_types: {my.T: {derived_from: cloudify.relationships.depends_on}}\nnode_templates: {}'), code: 103 },
  { name: 'a data type redefining a primitive', main: blueprint('data_types: {integer: {}}\nnode_templates: {}'), code: 104 },
  // 105 / 106 / 107
  {
    name: 'a property value of the wrong type',
    main: blueprint('node_types: {my.T: {derived_from: cloudify.nodes.Root, properties: {port: {type: integer}}}}\nnode_templates: {n: {type: my.T, properties: {port: eighty}}}'),
    code: 105,
    message: /Property type validation failed in 'n': property 'port' type is 'integer', yet it was assigned with the value 'eighty'/,
  },
  { name: 'a boolean for an integer property', main: blueprint('node_types: {my.T: {properties: {port: {type: integer}}}}\nnode_templates: {n: {type: my.T, properties: {port: true}}}'), code: 105 },
  { name: 'a default of the wrong type', main: blueprint('node_types: {my.T: {properties: {flag: {type: boolean, default: maybe}}}}\nnode_templates: {}'), code: 105 },
  { name: 'a data-typed value of the wrong nested type', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: {agent_config: {install_method: remote, port: ssh}}}}'), code: 105, message: /property 'agent_config.port' type is 'integer'/ },
  { name: 'a scalar for a data-typed property', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: {agent_config: remote}}}'), code: 105 },
  { name: 'an undefined node property', main: withVm('  web: {type: cloudify.nodes.WebServer, properties: {colour: red}}'), code: 106, message: /'web' node 'colour' property is not part of the derived type properties schema/ },
  { name: 'an undefined relationship property', main: withVm('  web: {type: cloudify.nodes.WebServer, relationships: [{type: cloudify.relationships.contained_in, target: vm, properties: {weight: 1}}]}'), code: 106, message: /node relationship 'weight' property/ },
  { name: 'an undefined group policy property', main: withVm('groups: {g: {members: [vm], policies: {p: {type: cloudify.policies.types.host_failure, properties: {colour: red}}}}}'), code: 106, message: /group 'g', policy 'p' 'colour' property is not part of the policy type properties schema/ },
  { name: 'an unknown key in a data-typed value', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: {agent_config: {install_method: remote, colour: red}}}}'), code: 106, message: /agent_config.colour/ },
  { name: 'a missing required property', main: blueprint('node_templates: {fs: {type: cloudify.nodes.FileSystem, properties: {fs_type: ext4}}}'), code: 107, message: /'fs' node does not provide a value for mandatory 'fs_mount_path' property which is part of its type schema/ },
  { name: 'a misspelt properties key (107 comes before the unknown key)', main: blueprint('node_templates: {fs: {type: cloudify.nodes.FileSystem, propertes: {fs_type: ext4, fs_mount_path: /mnt}}}'), code: 107 },
  {
    name: "a misspelt 'relationships' key (1 comes before the resulting 24)",
    main: blueprint(`
      node_templates:
        vm: {type: cloudify.nodes.Compute}
        web:
          type: cloudify.nodes.WebServer
          relationship: [{type: cloudify.relationships.contained_in, target: vm}]
          interfaces: {cloudify.interfaces.lifecycle: {start: scripts/run.sh}}`),
    files: SCRIPTS,
    code: 1,
    message: /'relationship' is not in schema/,
  },
  {
    name: "a misspelt operation 'inputs' key (1 comes before the resulting 107)",
    main: blueprint(`
      plugins: {p: {executor: central_deployment_agent, install: false}}
      node_types: {my.T: {derived_from: cloudify.nodes.Root, interfaces: {i: {op: {implementation: p.op, inputs: {port: {}}}}}}}
      node_templates: {n: {type: my.T, interfaces: {i: {op: {input: {port: 1}}}}}}`),
    code: 1,
    message: /'input' is not in schema/,
  },
  { name: 'a missing required data-type field', main: blueprint('data_types: {my.D: {properties: {a: {type: string}}}}\nnode_types: {my.T: {properties: {d: {type: my.D}}}}\nnode_templates: {n: {type: my.T, properties: {d: {}}}}'), code: 107, message: /d.a/ },
  { name: 'a missing policy property', main: withVm('groups: {g: {members: [vm], policies: {p: {type: cloudify.policies.types.threshold}}}}'), code: 107, message: /'threshold' property/ },
  { name: 'a missing trigger parameter', main: withVm('groups: {g: {members: [vm], policies: {p: {type: cloudify.policies.types.host_failure, triggers: {t: {type: cloudify.policies.triggers.execute_workflow}}}}}}'), code: 107, message: /'workflow' property/ },
  {
    name: 'an operation input without value',
    main: blueprint(`
      plugins: {p: {executor: central_deployment_agent, install: false}}
      node_types: {my.T: {derived_from: cloudify.nodes.Root, interfaces: {i: {op: {implementation: p.op, inputs: {port: {}}}}}}}
      node_templates: {n: {type: my.T}}`),
    code: 107,
    message: /Input 'port' is missing a value/,
  },
  // 108
  { name: 'a non-ASCII string', main: blueprint('description: "caf\u00e9"\nnode_templates: {}'), code: 108, message: /^illegal characters in line: 4, column: 14. Only valid ascii chars are supported./ },
  // 112
  {
    name: 'two contained_in relationships',
    main: blueprint(`
      node_templates:
        vm: {type: cloudify.nodes.Compute}
        vm2: {type: cloudify.nodes.Compute}
        web:
          type: cloudify.nodes.WebServer
          relationships:
            - {type: cloudify.relationships.contained_in, target: vm}
            - {type: cloudify.relationships.file_system_contained_in_compute, target: vm2}`),
    code: 112,
    message: /Node 'web' has more than one relationship that is derived from 'cloudify.relationships.contained_in' relationship/,
  },
  // 200-211
  {
    name: 'a scaling group cycle',
    main: withVm('groups: {g1: {members: [g2]}, g2: {members: [g1]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g1, g2]}}'),
    code: 200,
    message: /Illegal group cycles found/,
  },
  {
    name: 'a node in two scaling groups',
    main: withVm('groups: {g1: {members: [vm]}, g2: {members: [vm]}}\npolicies: {p1: {type: cloudify.policies.scaling, targets: [g1]}, p2: {type: cloudify.policies.scaling, targets: [g2]}}'),
    code: 201,
    message: /member 'vm' belongs to the following multiple groups: \['g1', 'g2'\]/,
  },
  {
    name: 'group members on different hosts',
    main: blueprint(`
      node_templates:
        vm: {type: cloudify.nodes.Compute}
        vm2: {type: cloudify.nodes.Compute}
        a: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.contained_in, target: vm}]}
        b: {type: cloudify.nodes.Root, relationships: [{type: cloudify.relationships.contained_in, target: vm2}]}
      groups: {g: {members: [a, b]}}
      policies: {p: {type: cloudify.policies.scaling, targets: [g]}}`),
    code: 202,
    message: /belong to some shared group but they are not contained in any shared node/,
  },
  { name: 'a monitoring policy type under policies', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.types.threshold, targets: [g]}}'), code: 204, message: /'cloudify.policies.types.threshold' policy type is not implemented/ },
  { name: 'a policy targeting a node', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [vm]}}'), code: 205, message: /'vm' is not a valid policy target/ },
  { name: 'a policy with no targets', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: []}}'), code: 206, message: /Policy 'p' has no targets groups defined for it/ },
  { name: 'a negative default_instances', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: -1}}}}}'), code: 207, message: /default_instances should be a non negative value/ },
  { name: 'min_instances above max_instances', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {min_instances: 3, max_instances: 2, default_instances: 3}}}}}'), code: 207, message: /min_instances \(3\) cannot be greater than max_instances \(2\)/ },
  { name: 'default_instances above max_instances', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: 4, max_instances: 2}}}}}'), code: 207 },
  { name: 'default_instances below min_instances', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: 1, min_instances: 2}}}}}'), code: 207 },
  { name: 'a zero max_instances', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {max_instances: 0}}}}}'), code: 207, message: /max_instances should be a positive value/ },
  { name: 'invalid scaling policy counts', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g], properties: {min_instances: -2}}}'), code: 207 },
  { name: 'a max_instances string other than UNBOUNDED', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {max_instances: lots}}}}}'), code: 208, message: /The only valid string for max_instances is UNBOUNDED/ },
  { name: 'instances.deploy with capabilities.scalable', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, instances: {deploy: 2}, capabilities: {scalable: {properties: {default_instances: 2}}}}}'), code: 209, message: /Node 'vm' defines both instances.deploy and capabilities.scalable/ },
  { name: 'a scalable map that is not a function', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, capabilities: {scalable: {properties: {default_instances: {count: 2}}}}}}'), code: 210 },
  { name: 'a group named like a node', main: withVm('groups: {vm: {members: [vm]}}'), code: 211, message: /Group 'vm' has the same name as a node template/ },
  // uncoded (function and retry errors, 0)
  { name: 'get_input of an unknown input', main: withVm('outputs: {o: {value: {get_input: nope}}}'), code: UNCODED_ERROR, message: /get_input function references an unknown input 'nope'/ },
  { name: 'get_input with a list argument', main: blueprint('inputs: {a: {}}\nnode_templates: {vm: {type: cloudify.nodes.Compute, properties: {ip: {get_input: [a]}}}}'), code: UNCODED_ERROR, message: /get_input function argument should be a string/ },
  { name: 'get_property of an unknown node', main: withVm('outputs: {o: {value: {get_property: [db, port]}}}'), code: UNCODED_ERROR, message: /get_property function node reference 'db' does not exist/ },
  { name: 'get_property of a missing property', main: withVm('outputs: {o: {value: {get_property: [vm, agent_config, colour]}}}'), code: UNCODED_ERROR, message: /Node template property 'vm.properties.agent_config.colour' referenced from 'outputs.o.value' doesn't exist./ },
  { name: 'get_property with one argument', main: withVm('outputs: {o: {value: {get_property: [vm]}}}'), code: UNCODED_ERROR, message: /Illegal arguments passed to get_property function/ },
  { name: 'get_property SELF in outputs', main: withVm('outputs: {o: {value: {get_property: [SELF, ip]}}}'), code: UNCODED_ERROR, message: /SELF can only be used in a context of node template/ },
  { name: 'get_property TARGET in node properties', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: {ip: {get_property: [TARGET, ip]}}}}'), code: UNCODED_ERROR, message: /TARGET can only be used within a relationship/ },
  {
    name: 'circular get_property',
    main: blueprint(`
      node_templates:
        a: {type: cloudify.nodes.WebServer, properties: {port: {get_property: [b, port]}}}
        b: {type: cloudify.nodes.WebServer, properties: {port: {get_property: [a, port]}}}`),
    code: UNCODED_ERROR,
    message: /Circular get_property function call detected: b.port -> a.port -> b.port/,
  },
  { name: 'get_attribute SELF in outputs', main: withVm('outputs: {o: {value: {get_attribute: [SELF, ip]}}}'), code: UNCODED_ERROR, message: /SELF cannot be used with get_attribute function in outputs.o.value/ },
  { name: 'get_attribute SOURCE in node properties', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, properties: {ip: {get_attribute: [SOURCE, ip]}}}}'), code: UNCODED_ERROR },
  { name: 'get_attribute of an unknown node', main: withVm('outputs: {o: {value: {get_attribute: [db, ip]}}}'), code: UNCODED_ERROR, message: /get_attribute function node reference 'db' does not exist/ },
  { name: 'concat in a scaling policy', main: withVm('groups: {g: {members: [vm]}}\npolicies: {p: {type: cloudify.policies.scaling, targets: [g], properties: {default_instances: {concat: ["1"]}}}}'), code: UNCODED_ERROR, message: /concat cannot be used/ },
  { name: 'max_retries below -1', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {max_retries: -2}}}}}'), code: UNCODED_ERROR, message: /'max_retries' value must be either -1/ },
  { name: 'a negative retry_interval', main: blueprint('node_templates: {vm: {type: cloudify.nodes.Compute, interfaces: {i: {op: {retry_interval: -1}}}}}'), code: UNCODED_ERROR },
];

describe('parser error codes (dsl.md §11)', () => {
  it.each(cases)('rejects $name with code $code', async ({ main, files, options, code, message }) => {
    const error = await parseFailure(main, files ?? {}, options ?? {});
    expect({ code: error.code, reason: error.reason }).toEqual({ code, reason: expect.any(String) });
    if (message) expect(error.reason).toMatch(message);
    expect(error.message.startsWith(error.reason)).toBe(true);
  });

  it('covers every code of the reference table', () => {
    const documented = [-1, 1, 2, 3, 4, 7, 10, 13, 18, 19, 21, 23, 24, 25, 26, 27, 28, 29, 30, 40, 41, 42, 50, 60, 61, 71, 72, 73, 74, 75, 76, 80, 91, 100, 101, 102, 103, 104, 105, 106, 107, 108, 112, 200, 201, 202, 204, 205, 206, 207, 208, 209, 210, 211];
    // 30, 101 and the deployment-input 108 are covered below and in deployment-plan.spec.ts.
    const covered = new Set([...cases.map((entry) => entry.code), 30, 101]);
    expect(documented.filter((code) => !covered.has(code))).toEqual([]);
  });
});

describe('error locations', () => {
  it('points an unknown node type at its type key: file, line, column and YAML path', async () => {
    const main = blueprint(`
      node_templates:
        vm:
          type: cloudify.nodes.Nope`);
    const error = await parseFailure(main);
    expect({ code: error.code, file: error.file, line: error.line, column: error.column, path: error.path }).toEqual({
      code: 7,
      file: 'blueprint.yaml',
      line: 6,
      column: 5,
      path: 'node_templates.vm.type',
    });
    expect(error.message).toContain('\n  in: blueprint.yaml\n  in line: 6, column: 5\n  path: node_templates.vm.type');
  });

  it('names the imported file an error sits in', async () => {
    const error = await parseFailure(blueprint('node_templates: {}', { imports: [TYPES_URL, 'types/app.yaml'] }), {
      'types/app.yaml': dedent(`
        node_types:
          app.T:
            derived_from: app.Missing`),
    });
    expect({ code: error.code, file: error.file, line: error.line, column: error.column, path: error.path }).toEqual({
      code: 103,
      file: 'types/app.yaml',
      line: 3,
      column: 5,
      path: 'node_types.app.T.derived_from',
    });
  });

  it('points a YAML syntax error at the broken line', async () => {
    const error = await parseFailure('tosca_definitions_version: cloudify_dsl_1_3\nnode_templates:\n  vm: {type: x\n');
    expect({ code: error.code, file: error.file, line: error.line }).toEqual({ code: -1, file: 'blueprint.yaml', line: expect.any(Number) });
    expect(error.line).toBeGreaterThanOrEqual(3);
  });

  it('points a non-ASCII value at its line and column', async () => {
    const error = await parseFailure(blueprint('node_templates: {}\noutputs: {o: {value: "na\u00efve"}}'));
    expect({ code: error.code, line: error.line, column: error.column }).toEqual({ code: 108, line: 5, column: 22 });
  });

  it('points an unknown relationship target at the target key of the list item', async () => {
    const main = blueprint(`
      node_templates:
        vm:
          type: cloudify.nodes.Compute
        web:
          type: cloudify.nodes.WebServer
          relationships:
            - type: cloudify.relationships.contained_in
              target: vm9`);
    const error = await parseFailure(main);
    expect({ code: error.code, line: error.line, column: error.column, path: error.path }).toEqual({
      code: 25,
      line: 11,
      column: 9,
      path: 'node_templates.web.relationships.0.target',
    });
  });

  it('locates a function error at the function inside the imported file', async () => {
    const error = await parseFailure(blueprint('node_templates: {vm: {type: cloudify.nodes.Compute}}', { imports: [TYPES_URL, 'out.yaml'] }), {
      'out.yaml': 'outputs:\n  o:\n    value: {get_input: missing}\n',
    });
    expect({ code: error.code, file: error.file, line: error.line, path: error.path }).toEqual({
      code: UNCODED_ERROR,
      file: 'out.yaml',
      line: 3,
      path: 'outputs.o.value',
    });
  });
});

describe('main location and resolver failures', () => {
  it('rejects a main file that escapes the archive with 30', async () => {
    await expect(parseBlueprint({ mainFile: '../blueprint.yaml', files: {} })).rejects.toMatchObject({ code: 30 });
  });

  it('rejects a main file the resolver does not have with 30', async () => {
    await expect(parseBlueprint({ mainFile: 'missing.yaml', files: {} })).rejects.toMatchObject({ code: 30, file: 'missing.yaml' });
  });

  it('rejects a call without resolver or files with 1', async () => {
    await expect(parseBlueprint({ mainFile: 'blueprint.yaml' })).rejects.toMatchObject({ code: 1 });
  });

  it('maps a resolver timeout to a retryable 13 naming the URL and the limit', async () => {
    const archive = createInMemoryResolver({ 'blueprint.yaml': blueprint('node_templates: {}', { imports: ['https://types.example.com/t.yaml'] }) });
    const resolver: ImportResolver = {
      resolve: (location) =>
        location.startsWith('https:') ? Promise.reject(new ImportTimeoutError(location, 10_000)) : archive.resolve(location),
    };
    const error = await parseBlueprint({ mainFile: 'blueprint.yaml', resolver }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DSLParsingError);
    expect(error).toMatchObject({
      code: 13,
      retryable: true,
      reason: "Import failed: Unable to open import url 'https://types.example.com/t.yaml'; timed out after 10000 ms",
      path: 'imports.0',
    });
  });

  it('reports other resolver failures as a non-retryable 13', async () => {
    const archive = createInMemoryResolver({ 'blueprint.yaml': blueprint('node_templates: {}', { imports: ['http://x.example/t.yaml'] }) });
    const resolver: ImportResolver = {
      resolve: (location) => (location.startsWith('http:') ? Promise.reject(new Error('HTTP 403')) : archive.resolve(location)),
    };
    await expect(parseBlueprint({ mainFile: 'blueprint.yaml', resolver })).rejects.toMatchObject({ code: 13, retryable: false });
  });
});
