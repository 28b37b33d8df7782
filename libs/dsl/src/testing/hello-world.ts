/**
 * Example app 1: a single-host HTTP web server whose lifecycle runs scripts shipped in the
 * blueprint archive (the classic "hello world" shape: one Compute host, one WebServer on it).
 */
export const HELLO_WORLD_MAIN = 'hello-world/blueprint.yaml';

const BLUEPRINT = `tosca_definitions_version: cloudify_dsl_1_3

description: >
  A Python HTTP server on an existing host, installed and started by scripts.

imports:
  - http://www.getcloudify.org/spec/cloudify/3.4.2/types.yaml

inputs:
  server_ip:
    description: The address of the host to install on.
  agent_user:
    description: User the agent connects as.
    default: centos
  agent_private_key_path:
    default: /root/.ssh/agent_key.pem
  webserver_port:
    description: The HTTP port.
    default: 8080

dsl_definitions:
  agent_config: &agent_config
    install_method: remote
    user: { get_input: agent_user }
    key: { get_input: agent_private_key_path }

node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties:
      ip: { get_input: server_ip }
      agent_config: *agent_config

  http_web_server:
    type: cloudify.nodes.WebServer
    properties:
      port: { get_input: webserver_port }
    relationships:
      - type: cloudify.relationships.contained_in
        target: vm
    interfaces:
      cloudify.interfaces.lifecycle:
        configure:
          implementation: scripts/configure.sh
          inputs:
            index_title: Hello from Cloudify
        start:
          implementation: scripts/start.sh
          max_retries: 3
          retry_interval: 10
        stop: scripts/stop.sh

outputs:
  http_endpoint:
    description: Web server external endpoint
    value: { concat: ['http://', { get_property: [vm, ip] }, ':', { get_property: [http_web_server, port] }] }
  server_pid:
    value: { get_attribute: [http_web_server, pid] }
`;

/** The archive: the blueprint plus its three lifecycle scripts. */
export const HELLO_WORLD_FILES: Readonly<Record<string, string>> = {
  [HELLO_WORLD_MAIN]: BLUEPRINT,
  'hello-world/scripts/configure.sh': '#!/bin/bash\nctx logger info "configuring"\n',
  'hello-world/scripts/start.sh': '#!/bin/bash\nnohup python -m SimpleHTTPServer ${port} &\nctx instance runtime-properties pid $!\n',
  'hello-world/scripts/stop.sh': '#!/bin/bash\nkill -9 $(ctx instance runtime-properties pid)\n',
};
