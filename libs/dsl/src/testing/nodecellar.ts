/**
 * Example app 2: a two-tier node.js + MongoDB application ("nodecellar" shape) with custom types,
 * a custom connected_to relationship whose operation inputs are overridden per template through
 * source_interfaces / target_interfaces, types kept in an imported file, a monitoring group and
 * a scaling group for the web tier.
 */
export const NODECELLAR_MAIN = 'nodecellar/blueprint.yaml';

const TYPES = `tosca_definitions_version: cloudify_dsl_1_3

node_types:
  nodecellar.nodes.MongoDatabase:
    derived_from: cloudify.nodes.DBMS
    properties:
      port:
        description: MongoDB port
        type: integer
        default: 27017
    interfaces:
      cloudify.interfaces.lifecycle:
        create: scripts/mongo/install-mongo.sh
        start: scripts/mongo/start-mongo.sh
        stop: scripts/mongo/stop-mongo.sh

  nodecellar.nodes.NodeJSServer:
    derived_from: cloudify.nodes.ApplicationServer
    interfaces:
      cloudify.interfaces.lifecycle:
        create: scripts/nodejs/install-nodejs.sh

  nodecellar.nodes.NodecellarApplicationModule:
    derived_from: cloudify.nodes.ApplicationModule
    properties:
      port:
        type: integer
        default: 8080
      application_url:
        type: string
      startup_script:
        type: string
        default: server.js
    interfaces:
      cloudify.interfaces.lifecycle:
        configure: scripts/nodecellar/install-nodecellar-app.sh
        start:
          implementation: scripts/nodecellar/start-nodecellar-app.sh
          inputs:
            timeout:
              type: integer
              default: 30
        stop: scripts/nodecellar/stop-nodecellar-app.sh

relationships:
  nodecellar.relationships.connected_to_mongo:
    derived_from: cloudify.relationships.connected_to
    source_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        postconfigure:
          implementation: scripts/mongo/set-mongo-url.sh
          inputs:
            mongo_ip_address:
              default: localhost
            mongo_port:
              type: integer
              default: 27017
    target_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        establish:
          implementation: scripts/mongo/allow-client.sh
          inputs:
            client_name:
              default: unknown
`;

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_3

description: Nodecellar - a node.js application on a MongoDB database, two hosts.

imports:
  - http://www.getcloudify.org/spec/cloudify/3.3.1/types.yaml
  - types/nodecellar-types.yaml

inputs:
  mongo_host_ip: {}
  nodejs_host_ip: {}
  agent_user:
    default: ubuntu
  web_instances:
    default: 2

node_templates:
  mongod_host:
    type: cloudify.nodes.Compute
    properties:
      ip: { get_input: mongo_host_ip }
      agent_config:
        install_method: remote
        user: { get_input: agent_user }

  nodejs_host:
    type: cloudify.nodes.Compute
    properties:
      ip: { get_input: nodejs_host_ip }
      agent_config:
        install_method: remote
        user: { get_input: agent_user }

  mongod:
    type: nodecellar.nodes.MongoDatabase
    properties:
      port: 27018
    relationships:
      - type: cloudify.relationships.contained_in
        target: mongod_host

  nodejs:
    type: nodecellar.nodes.NodeJSServer
    relationships:
      - type: cloudify.relationships.contained_in
        target: nodejs_host

  nodecellar:
    type: nodecellar.nodes.NodecellarApplicationModule
    properties:
      application_url: https://github.com/cloudify-cosmo/nodecellar/archive/master.tar.gz
    interfaces:
      cloudify.interfaces.lifecycle:
        start:
          inputs:
            timeout: 60
    relationships:
      - type: cloudify.relationships.contained_in
        target: nodejs
      - type: nodecellar.relationships.connected_to_mongo
        target: mongod
        source_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            postconfigure:
              inputs:
                mongo_ip_address: { get_attribute: [TARGET, ip] }
                mongo_port: { get_property: [TARGET, port] }
        target_interfaces:
          cloudify.interfaces.relationship_lifecycle:
            establish:
              inputs:
                client_name: { get_property: [SOURCE, startup_script] }

groups:
  web_tier:
    members: [nodejs_host]
  mongo_monitoring:
    members: [mongod_host]
    policies:
      cpu_high:
        type: cloudify.policies.types.threshold
        properties:
          service: cpu.total.user
          threshold: 90
          stability_time: 30
        triggers:
          heal_it:
            type: cloudify.policies.triggers.execute_workflow
            parameters:
              workflow: heal
              workflow_parameters:
                node_instance_id: { get_property: [SELF, node_id] }
                diagnose_value: { get_property: [SELF, diagnose] }

policies:
  scale_web_tier:
    type: cloudify.policies.scaling
    targets: [web_tier]
    properties:
      default_instances: { get_input: web_instances }
      max_instances: 5

outputs:
  endpoint:
    description: Web application endpoint
    value:
      ip_address: { get_attribute: [nodejs_host, ip] }
      port: { get_property: [nodecellar, port] }
`;

const script = (name: string) => `#!/bin/bash\nctx logger info "${name}"\n`;

/** The archive: blueprint, imported types file and the scripts the operations map to. */
export const NODECELLAR_FILES: Readonly<Record<string, string>> = {
  [NODECELLAR_MAIN]: BLUEPRINT,
  'nodecellar/types/nodecellar-types.yaml': TYPES,
  'nodecellar/scripts/mongo/install-mongo.sh': script('install mongo'),
  'nodecellar/scripts/mongo/start-mongo.sh': script('start mongo'),
  'nodecellar/scripts/mongo/stop-mongo.sh': script('stop mongo'),
  'nodecellar/scripts/mongo/set-mongo-url.sh': script('set mongo url'),
  'nodecellar/scripts/mongo/allow-client.sh': script('allow client'),
  'nodecellar/scripts/nodejs/install-nodejs.sh': script('install nodejs'),
  'nodecellar/scripts/nodecellar/install-nodecellar-app.sh': script('install app'),
  'nodecellar/scripts/nodecellar/start-nodecellar-app.sh': script('start app'),
  'nodecellar/scripts/nodecellar/stop-nodecellar-app.sh': script('stop app'),
};
