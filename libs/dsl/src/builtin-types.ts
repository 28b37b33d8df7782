/**
 * Our own built-in `types.yaml` (dsl.md §12): every node type, relationship, plugin, workflow,
 * policy type, policy trigger and data type a Cloudify 3.x blueprint may import from
 * `http://www.getcloudify.org/spec/cloudify/<3.x>/types.yaml`. Shipped as a constant so a manager
 * without internet parses blueprints with no I/O.
 *
 * It declares no `tosca_definitions_version` on purpose: blueprints of every DSL version import
 * it (3.2 blueprints import the 3.2 URL with `cloudify_dsl_1_0`), and its content is trusted, so
 * the parser skips version gates for it.
 */
const RESOURCES = 'https://raw.githubusercontent.com/cloudify-cosmo/cloudify-manager/3.4/resources/rest-service/cloudify';

export const BUILTIN_TYPES_YAML = `
plugins:
  agent:
    executor: central_deployment_agent
    install: false
  default_workflows:
    executor: central_deployment_agent
    install: false
  script:
    executor: host_agent
    install: false

data_types:
  cloudify.datatypes.AgentConfig:
    properties:
      install_method:
        description: How to install the agent - none, remote, init_script or provided.
        type: string
        required: true
      service_name:
        description: Agent and service name; defaults to the Compute instance id.
        type: string
        required: false
      user:
        description: OS user the agent runs as and connects as.
        type: string
        required: false
      key:
        description: Private key path on the manager, for SSH.
        type: string
        required: false
      password:
        description: SSH or WinRM password.
        type: string
        required: false
      port:
        description: SSH (22) or WinRM (5985) port.
        type: integer
        required: false
      process_management:
        description: Process management settings, e.g. {name - init.d or nssm}.
        required: false
      min_workers:
        description: Minimum number of agent workers (default 0).
        type: integer
        required: false
      max_workers:
        description: Maximum number of agent workers (default 5).
        type: integer
        required: false
      disable_requiretty:
        description: Disable requiretty for sudo on Linux (default true).
        type: boolean
        required: false
      env:
        description: Extra environment variables for the agent.
        required: false
      extra:
        description: Low-level extra settings.
        required: false

node_types:
  cloudify.nodes.Root:
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {}
        configure: {}
        start: {}
        stop: {}
        delete: {}
      cloudify.interfaces.validation:
        creation: {}
        deletion: {}
      cloudify.interfaces.monitoring:
        start: {}
        stop: {}

  cloudify.nodes.Compute:
    derived_from: cloudify.nodes.Root
    properties:
      ip:
        description: Address the agent installer connects to.
        default: ''
      os_family:
        description: linux or windows (windows selects the WinRM Windows agent).
        default: linux
      agent_config:
        type: cloudify.datatypes.AgentConfig
        default:
          install_method: remote
          port: 22
      install_agent:
        description: Deprecated; false means install_method none, true means remote.
        default: ''
      cloudify_agent:
        description: Deprecated agent settings.
        default: {}
    interfaces:
      cloudify.interfaces.cloudify_agent:
        create:
          implementation: agent.cloudify_agent.installer.operations.create
          executor: central_deployment_agent
        configure:
          implementation: agent.cloudify_agent.installer.operations.configure
          executor: central_deployment_agent
        start:
          implementation: agent.cloudify_agent.installer.operations.start
          executor: central_deployment_agent
        stop:
          implementation: agent.cloudify_agent.installer.operations.stop
          executor: central_deployment_agent
        stop_amqp:
          implementation: agent.cloudify_agent.operations.stop
          executor: host_agent
        delete:
          implementation: agent.cloudify_agent.installer.operations.delete
          executor: central_deployment_agent
        restart:
          implementation: agent.cloudify_agent.installer.operations.restart
          executor: central_deployment_agent
        restart_amqp:
          implementation: agent.cloudify_agent.operations.restart
          executor: host_agent
        install_plugins:
          implementation: agent.cloudify_agent.operations.install_plugins
          executor: host_agent
        create_amqp:
          implementation: agent.cloudify_agent.operations.create_agent_amqp
          executor: central_deployment_agent
          inputs:
            install_agent_timeout:
              default: 300
        validate_amqp:
          implementation: agent.cloudify_agent.operations.validate_agent_amqp
          executor: central_deployment_agent
          inputs:
            validate_agent_timeout:
              default: 20
      cloudify.interfaces.host:
        get_state: {}
      cloudify.interfaces.monitoring_agent:
        install: {}
        start: {}
        stop: {}
        uninstall: {}

  cloudify.nodes.Container:
    derived_from: cloudify.nodes.Compute
  cloudify.nodes.Tier:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.Volume:
    derived_from: cloudify.nodes.Root

  cloudify.nodes.FileSystem:
    derived_from: cloudify.nodes.Root
    properties:
      use_external_resource:
        type: boolean
        default: false
      partition_type:
        type: integer
        default: 83
      fs_type:
        description: One of ext2, ext3, ext4, fat, ntfs, swap.
        type: string
      fs_mount_path:
        description: Mount point of the file system.
        type: string
    interfaces:
      cloudify.interfaces.lifecycle:
        configure:
          implementation: script.script_runner.tasks.run
          inputs:
            script_path:
              default: ${RESOURCES}/fs/mkfs.sh

  cloudify.nodes.ObjectStorage:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.Network:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.Subnet:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.Port:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.Router:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.LoadBalancer:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.VirtualIP:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.SecurityGroup:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.SoftwareComponent:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.DBMS:
    derived_from: cloudify.nodes.SoftwareComponent
  cloudify.nodes.Database:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.WebServer:
    derived_from: cloudify.nodes.SoftwareComponent
    properties:
      port:
        default: 80
  cloudify.nodes.ApplicationServer:
    derived_from: cloudify.nodes.SoftwareComponent
  cloudify.nodes.MessageBusServer:
    derived_from: cloudify.nodes.SoftwareComponent
  cloudify.nodes.ApplicationModule:
    derived_from: cloudify.nodes.Root
  cloudify.nodes.CloudifyManager:
    derived_from: cloudify.nodes.SoftwareComponent
    properties:
      cloudify:
        default:
          transient_deployment_workers_mode:
            enabled: true
            global_parallel_executions_limit: 50
          resources_prefix: ''
          cloudify_agent:
            min_workers: 2
            max_workers: 5
            remote_execution_port: 22
            user: ubuntu
          workflows:
            task_retries: -1
            task_retry_interval: 30
          policy_engine:
            start_timeout: 30
      cloudify_packages:
        description: Manager packages to install.

relationships:
  cloudify.relationships.depends_on:
    properties:
      connection_type:
        default: all_to_all
    source_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        preconfigure: {}
        postconfigure: {}
        establish: {}
        unlink: {}
    target_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        preconfigure: {}
        postconfigure: {}
        establish: {}
        unlink: {}
  cloudify.relationships.connected_to:
    derived_from: cloudify.relationships.depends_on
  cloudify.relationships.contained_in:
    derived_from: cloudify.relationships.depends_on
  cloudify.relationships.file_system_depends_on_volume:
    derived_from: cloudify.relationships.depends_on
    source_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        preconfigure:
          implementation: script.script_runner.tasks.run
          inputs:
            script_path:
              default: ${RESOURCES}/fs/fdisk.sh
            device_name:
              default: { get_attribute: [TARGET, device_name] }
  cloudify.relationships.file_system_contained_in_compute:
    derived_from: cloudify.relationships.contained_in
    source_interfaces:
      cloudify.interfaces.relationship_lifecycle:
        establish:
          implementation: script.script_runner.tasks.run
          inputs:
            script_path:
              default: ${RESOURCES}/fs/mount.sh
        unlink:
          implementation: script.script_runner.tasks.run
          inputs:
            script_path:
              default: ${RESOURCES}/fs/unmount.sh

workflows:
  install: default_workflows.cloudify.plugins.workflows.install
  uninstall: default_workflows.cloudify.plugins.workflows.uninstall
  update:
    mapping: default_workflows.cloudify.plugins.workflows.update
    parameters:
      update_id: { default: '' }
      skip_install: { default: false }
      skip_uninstall: { default: false }
      added_instance_ids: { default: [] }
      added_target_instances_ids: { default: [] }
      removed_instance_ids: { default: [] }
      remove_target_instance_ids: { default: [] }
      modified_entity_ids: { default: [] }
      extended_instance_ids: { default: [] }
      extend_target_instance_ids: { default: [] }
      reduced_instance_ids: { default: [] }
      reduce_target_instance_ids: { default: [] }
  execute_operation:
    mapping: default_workflows.cloudify.plugins.workflows.execute_operation
    parameters:
      operation:
        description: The operation to execute, e.g. cloudify.interfaces.lifecycle.start.
      operation_kwargs: { default: {} }
      allow_kwargs_override: { default: null }
      run_by_dependency_order: { default: false }
      type_names: { default: [] }
      node_ids: { default: [] }
      node_instance_ids: { default: [] }
  heal:
    mapping: default_workflows.cloudify.plugins.workflows.auto_heal_reinstall_node_subgraph
    parameters:
      node_instance_id:
        description: The id of the failing node instance.
      diagnose_value:
        description: Diagnosed reason of the failure.
        default: Not provided
  scale:
    mapping: default_workflows.cloudify.plugins.workflows.scale_entity
    parameters:
      scalable_entity_name:
        description: The node or scaling group to scale.
      delta:
        description: How many instances to add (positive) or remove (negative).
        default: 1
      scale_compute:
        description: Scale the containing Compute node instead of the node itself.
        default: false
  install_new_agents:
    mapping: default_workflows.cloudify.plugins.workflows.install_new_agents
    parameters:
      install_agent_timeout: { default: 300 }
      node_ids: { default: [] }
      node_instance_ids: { default: [] }
      validate: { default: true }
      install: { default: true }

policy_types:
  cloudify.policies.types.host_failure:
    source: ${RESOURCES}/policies/host_failure.clj
    properties:
      policy_operates_on_group: { default: false }
      is_node_started_before_workflow: { default: true }
      interval_between_workflows: { default: 300 }
      service:
        description: Regular expressions of the services to watch.
        default: [service]
  cloudify.policies.types.threshold:
    source: ${RESOURCES}/policies/threshold.clj
    properties:
      policy_operates_on_group: { default: false }
      is_node_started_before_workflow: { default: true }
      interval_between_workflows: { default: 300 }
      service:
        description: Regular expression of the service to watch.
        default: service
      threshold:
        description: The metric value that triggers the policy.
      upper_bound: { default: true }
      stability_time: { default: 0 }
  cloudify.policies.types.ewma_stabilized:
    source: ${RESOURCES}/policies/ewma_stabilized.clj
    properties:
      policy_operates_on_group: { default: false }
      is_node_started_before_workflow: { default: true }
      interval_between_workflows: { default: 300 }
      service:
        description: Regular expression of the service to watch.
        default: service
      threshold:
        description: The metric value that triggers the policy.
      upper_bound: { default: true }
      stability_time: { default: 0 }
      ewma_timeless_r: { default: 0.5 }

policy_triggers:
  cloudify.policies.triggers.execute_workflow:
    source: ${RESOURCES}/triggers/execute_workflow.clj
    parameters:
      workflow:
        description: The workflow to execute.
      workflow_parameters: { default: {} }
      force: { default: false }
      allow_custom_parameters: { default: false }
      socket_timeout: { default: 1000 }
      conn_timeout: { default: 1000 }
`;

/** The file name errors and positions use for the built-in types. */
export const BUILTIN_TYPES_FILE = 'cloudify/types/types.yaml';

const TYPES_URL = /^https?:\/\/(www\.)?getcloudify\.org\/spec\/cloudify\/3(\.[0-9]+){0,3}([a-z]+[0-9]*)?\/types\.yaml$/;

/**
 * Whether an import names Cloudify's own types file: the published
 * `http(s)://www.getcloudify.org/spec/cloudify/<3.x>/types.yaml` URLs (any 3.x version, milestones
 * included) or the manager resource path `cloudify/types/types.yaml`.
 */
export function isBuiltinTypesLocation(location: string): boolean {
  return TYPES_URL.test(location) || location === BUILTIN_TYPES_FILE;
}
