import type { EventContext } from '@cfy/contracts';

/*
 * The context of an event or log says where it came from; its keys depend on the source
 * (data-model.md §11.3). Each source has its own type here, with the wire names, and the pick
 * functions copy exactly the keys of that source, so a caller's richer object never leaks extra
 * keys onto the bus.
 */

/** A workflow execution: every workflow, task and operation event carries these keys. */
export interface WorkflowContext {
  /** null for system-wide workflows (plugins, snapshots). */
  readonly blueprint_id: string | null;
  /** null for system-wide workflows (plugins, snapshots). */
  readonly deployment_id: string | null;
  readonly execution_id: string;
  readonly workflow_id: string;
}

/** A node instance: `node_id` is the instance id (`vm_k3x9q2`), `node_name` the node's name. */
export interface NodeInstanceRef {
  readonly node_id: string;
  readonly node_name: string;
}

/** The task running an operation (one attempt: a retry is a new task with a new id). */
export interface TaskRef {
  readonly task_id: string;
  /** e.g. `script_runner.tasks.run` */
  readonly task_name: string;
  readonly task_queue: string;
  readonly task_target: string;
  /** Full operation name, e.g. `cloudify.interfaces.lifecycle.start`. */
  readonly operation: string;
  /** Plugin name. */
  readonly plugin: string;
}

/** An operation on a node instance (its logs, plugin events and task events). */
export interface OperationContext extends WorkflowContext, TaskRef, NodeInstanceRef {}

/** A relationship operation: the source and target instances instead of `node_*`. */
export interface RelationshipOperationContext extends WorkflowContext, TaskRef {
  readonly source_id: string;
  readonly source_name: string;
  readonly target_id: string;
  readonly target_name: string;
}

/** Where a task event comes from: an operation, or an engine-local task (workflow keys only). */
export type TaskContext = OperationContext | RelationshipOperationContext | WorkflowContext;

/** One entry of `task_error_causes`. */
export interface TaskErrorCause {
  readonly message: string | null;
  readonly type: string | null;
  readonly traceback: string | null;
}

/** Policy engine, `policy` events and `policy` logs. Note the hyphenated `blueprint-id` (a 3.4 quirk). */
export interface PolicyContext {
  readonly 'blueprint-id': string;
  readonly deployment_id: string;
  readonly group: string;
  readonly policy: string;
  readonly node_id: string;
}

/** Policy engine, `policy_error` logs: the policy context without `node_id`. */
export type PolicyErrorContext = Omit<PolicyContext, 'node_id'>;

/** Policy engine trigger events (`processing_trigger`, `trigger_succeeded`, `trigger_failed`). */
export interface TriggerContext {
  readonly blueprint_id: string;
  readonly deployment_id: string;
  readonly node_id: string;
  readonly group: string;
  readonly policy: string;
  /** The trigger's name; null while the restraints are checked (no trigger chosen yet). */
  readonly trigger: string | null;
  readonly 'trigger-parameters': Readonly<Record<string, unknown>> | null;
}

/**
 * The context of a system-wide workflow (no blueprint, no deployment).
 * @example systemWorkflowContext('5c1e…', 'create_snapshot') // { blueprint_id: null, deployment_id: null, … }
 */
export function systemWorkflowContext(executionId: string, workflowId: string): WorkflowContext {
  return { blueprint_id: null, deployment_id: null, execution_id: executionId, workflow_id: workflowId };
}

export function pickWorkflow(context: WorkflowContext): EventContext {
  return {
    blueprint_id: context.blueprint_id,
    deployment_id: context.deployment_id,
    execution_id: context.execution_id,
    workflow_id: context.workflow_id,
  };
}

export function pickNodeInstance(context: WorkflowContext, node: NodeInstanceRef): EventContext {
  return { ...pickWorkflow(context), node_name: node.node_name, node_id: node.node_id };
}

export function pickOperation(context: OperationContext | RelationshipOperationContext): EventContext {
  const task: EventContext = {
    ...pickWorkflow(context),
    task_id: context.task_id,
    task_name: context.task_name,
    task_queue: context.task_queue,
    task_target: context.task_target,
    operation: context.operation,
    plugin: context.plugin,
  };
  if (isRelationshipOperation(context)) {
    return {
      ...task,
      source_id: context.source_id,
      source_name: context.source_name,
      target_id: context.target_id,
      target_name: context.target_name,
    };
  }
  return { ...task, node_id: context.node_id, node_name: context.node_name };
}

export function pickTask(context: TaskContext): EventContext {
  return isOperation(context) ? pickOperation(context) : pickWorkflow(context);
}

export function pickPolicy(context: PolicyContext): EventContext {
  return {
    'blueprint-id': context['blueprint-id'],
    deployment_id: context.deployment_id,
    group: context.group,
    policy: context.policy,
    node_id: context.node_id,
  };
}

export function pickPolicyError(context: PolicyErrorContext): EventContext {
  return {
    'blueprint-id': context['blueprint-id'],
    deployment_id: context.deployment_id,
    group: context.group,
    policy: context.policy,
  };
}

export function pickTrigger(context: TriggerContext): EventContext {
  return {
    blueprint_id: context.blueprint_id,
    deployment_id: context.deployment_id,
    node_id: context.node_id,
    group: context.group,
    policy: context.policy,
    trigger: context.trigger,
    'trigger-parameters': context['trigger-parameters'],
  };
}

export function isOperation(context: TaskContext): context is OperationContext | RelationshipOperationContext {
  return 'task_id' in context;
}

function isRelationshipOperation(context: OperationContext | RelationshipOperationContext): context is RelationshipOperationContext {
  return 'source_id' in context;
}
