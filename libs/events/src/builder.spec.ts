import { cloudifyEventSchema, cloudifyLogSchema, type CloudifyEvent } from '@cfy/contracts';
import { EventBuilder } from './builder';
import {
  systemWorkflowContext,
  type OperationContext,
  type PolicyContext,
  type RelationshipOperationContext,
  type TriggerContext,
  type WorkflowContext,
} from './contexts';

const AT = new Date(Date.UTC(2016, 7, 2, 11, 39, 24, 813));
const build = new EventBuilder(() => AT);

const workflow: WorkflowContext = { blueprint_id: 'hello', deployment_id: 'hello1', execution_id: 'exec-1', workflow_id: 'install' };
const operation: OperationContext = {
  ...workflow,
  task_id: 'task-1',
  task_name: 'script_runner.tasks.run',
  task_queue: 'vm_k3x9q2',
  task_target: 'vm_k3x9q2',
  operation: 'cloudify.interfaces.lifecycle.start',
  plugin: 'script',
  node_id: 'http_web_server_a1b2c3',
  node_name: 'http_web_server',
};
const relationship: RelationshipOperationContext = {
  ...workflow,
  task_id: 'task-2',
  task_name: 'script_runner.tasks.run',
  task_queue: 'vm_k3x9q2',
  task_target: 'vm_k3x9q2',
  operation: 'cloudify.interfaces.relationship_lifecycle.establish',
  plugin: 'script',
  source_id: 'app_aaaaaa',
  source_name: 'app',
  target_id: 'db_bbbbbb',
  target_name: 'db',
};
const policy: PolicyContext = { 'blueprint-id': 'bp', deployment_id: 'd1', group: 'web', policy: 'cpu_high', node_id: 'vm_k3x9q2' };
const trigger: TriggerContext = {
  blueprint_id: 'bp',
  deployment_id: 'd1',
  node_id: 'vm_k3x9q2',
  group: 'web',
  policy: 'cpu_high',
  trigger: 'heal_it',
  'trigger-parameters': { workflow: 'heal' },
};

const WORKFLOW_KEYS = ['blueprint_id', 'deployment_id', 'execution_id', 'workflow_id'];
const TASK_KEYS = ['task_id', 'task_name', 'task_queue', 'task_target', 'operation', 'plugin'];
const RETRY_KEYS = ['task_current_retries', 'task_total_retries'];

function sortedKeys(value: object): string[] {
  return Object.keys(value).sort();
}

describe('EventBuilder: workflow events', () => {
  it.each([
    ['workflowStarted', 'workflow_started', "Starting 'install' workflow execution"],
    ['workflowSucceeded', 'workflow_succeeded', "'install' workflow execution succeeded"],
    ['workflowCancelled', 'workflow_cancelled', "'install' workflow execution cancelled"],
  ] as const)('%s gives %s with the text %j and the workflow keys only', (method, eventType, text) => {
    const event = build[method]({ ...workflow, extra: 'must not leak' } as WorkflowContext);
    expect(event).toEqual({
      type: 'cloudify_event',
      event_type: eventType,
      timestamp: '2016-08-02 11:39:24.813+0000',
      message_code: null,
      message: { text, arguments: null },
      context: workflow,
    });
    expect(cloudifyEventSchema.safeParse(event).success).toBe(true);
  });

  it('puts the failure in the text and the traceback in message.arguments.error', () => {
    const event = build.workflowFailed(workflow, { error: 'RuntimeError: boom', traceback: 'Traceback (most recent call last): …' });
    expect(event.event_type).toBe('workflow_failed');
    expect(event.message).toEqual({
      text: "'install' workflow execution failed: RuntimeError: boom",
      arguments: { error: 'Traceback (most recent call last): …' },
    });
  });

  it('gives system-wide workflows null blueprint and deployment ids', () => {
    const event = build.workflowStarted(systemWorkflowContext('exec-9', 'create_snapshot'));
    expect(event.context).toEqual({ blueprint_id: null, deployment_id: null, execution_id: 'exec-9', workflow_id: 'create_snapshot' });
    expect(event.message.text).toBe("Starting 'create_snapshot' workflow execution");
    expect(cloudifyEventSchema.safeParse(event).success).toBe(true);
  });

  it('sends workflow stages as free text with optional arguments and additional context', () => {
    const event = build.workflowStage(workflow, 'Creating deployment work directory', {
      args: { step: 1 },
      additionalContext: { workflow_id: 'overridden', extra: 'x' },
    });
    expect(event.event_type).toBe('workflow_stage');
    expect(event.message).toEqual({ text: 'Creating deployment work directory', arguments: { step: 1 } });
    expect(event.context).toEqual({ ...workflow, workflow_id: 'overridden', extra: 'x' });
  });

  it('adds node_name and node_id (the instance id) to workflow node events', () => {
    const event = build.workflowNodeEvent(workflow, { node_id: 'vm_k3x9q2', node_name: 'vm' }, 'Creating node');
    expect(event.event_type).toBe('workflow_node_event');
    expect(event.message).toEqual({ text: 'Creating node', arguments: null });
    expect(event.context).toEqual({ ...workflow, node_name: 'vm', node_id: 'vm_k3x9q2' });
  });
});

describe('EventBuilder: task events', () => {
  const first = { currentRetries: 0, totalRetries: -1 };

  it.each([
    ['sendingTask', 'sending_task', "Sending task 'script_runner.tasks.run'"],
    ['taskStarted', 'task_started', "Task started 'script_runner.tasks.run'"],
    ['taskSucceeded', 'task_succeeded', "Task succeeded 'script_runner.tasks.run'"],
    ['taskRescheduled', 'task_rescheduled', "Task rescheduled 'script_runner.tasks.run'"],
    ['taskFailed', 'task_failed', "Task failed 'script_runner.tasks.run'"],
  ] as const)('%s gives %s with the text %j on the first attempt', (method, eventType, text) => {
    const event = build[method](operation, first);
    expect(event.event_type).toBe(eventType);
    expect(event.message).toEqual({ text, arguments: null });
    expect(cloudifyEventSchema.safeParse(event).success).toBe(true);
  });

  it('carries the operation keys, the node instance and the retry counters', () => {
    const event = build.taskStarted(operation, { currentRetries: 2, totalRetries: 5 });
    expect(sortedKeys(event.context)).toEqual([...WORKFLOW_KEYS, ...TASK_KEYS, 'node_id', 'node_name', ...RETRY_KEYS].sort());
    expect(event.context).toMatchObject({ task_current_retries: 2, task_total_retries: 5, node_id: 'http_web_server_a1b2c3' });
  });

  it('carries source and target instead of node keys for relationship operations', () => {
    const event = build.sendingTask(relationship, first);
    expect(sortedKeys(event.context)).toEqual(
      [...WORKFLOW_KEYS, ...TASK_KEYS, 'source_id', 'source_name', 'target_id', 'target_name', ...RETRY_KEYS].sort(),
    );
  });

  it('gives engine-local tasks the workflow keys plus the retry keys, and names them from the attempt', () => {
    const event = build.taskStarted(workflow, { ...first, name: 'cloudify_agent.operations.create_agent_amqp' });
    expect(sortedKeys(event.context)).toEqual([...WORKFLOW_KEYS, ...RETRY_KEYS].sort());
    expect(event.message.text).toBe("Task started 'cloudify_agent.operations.create_agent_amqp'");
  });

  it('refuses an engine-local task event without a task name', () => {
    const unnamed = { ...first } as unknown as Parameters<EventBuilder['taskStarted']>[1];
    expect(() => build.taskStarted(workflow as Parameters<EventBuilder['taskStarted']>[0], unnamed)).toThrow(TypeError);
  });

  it.each([
    [0, 5, "Task started 'script_runner.tasks.run'"],
    [1, 5, "Task started 'script_runner.tasks.run' [retry 1/5]"],
    [3, -1, "Task started 'script_runner.tasks.run' [retry 3]"],
  ])('after %i of %i retries the text is %j', (current, total, text) => {
    expect(build.taskStarted(operation, { currentRetries: current, totalRetries: total }).message.text).toBe(text);
  });

  it('shows a non-None result inside the quotes', () => {
    const event = build.taskSucceeded(operation, { currentRetries: 0, totalRetries: 3 }, "{'port': 8080}");
    expect(event.message.text).toBe("Task succeeded 'script_runner.tasks.run ({'port': 8080})'");
  });

  it('appends the error, then the retry suffix, to failures and records the causes', () => {
    const causes = [{ message: 'exit code 1', type: 'ProcessExecutionError', traceback: 'Traceback …' }];
    const event = build.taskFailed(operation, { currentRetries: 2, totalRetries: -1 }, { error: 'RecoverableError: exit code 1', causes });
    expect(event.message.text).toBe("Task failed 'script_runner.tasks.run' -> RecoverableError: exit code 1 [retry 2]");
    expect(event.context.task_error_causes).toEqual(causes);
    expect(cloudifyEventSchema.safeParse(event).success).toBe(true);
  });

  it('records null causes on a reschedule without any', () => {
    const event = build.taskRescheduled(operation, { currentRetries: 1, totalRetries: 10 }, { error: 'OperationRetry: not yet' });
    expect(event.message.text).toBe("Task rescheduled 'script_runner.tasks.run' -> OperationRetry: not yet [retry 1/10]");
    expect(event.context.task_error_causes).toBeNull();
    expect(Object.keys(event.context)).toContain('task_error_causes');
  });

  it('leaves task_error_causes out of events other than failures', () => {
    expect(Object.keys(build.taskSucceeded(operation, first).context)).not.toContain('task_error_causes');
  });
});

describe('EventBuilder: plugin and policy engine events', () => {
  it('sends plugin events with the operation context', () => {
    const event = build.pluginEvent(operation, 'Downloading resources', { args: { url: 'http://x' } });
    expect(event.event_type).toBe('plugin_event');
    expect(event.message).toEqual({ text: 'Downloading resources', arguments: { url: 'http://x' } });
    expect(sortedKeys(event.context)).toEqual([...WORKFLOW_KEYS, ...TASK_KEYS, 'node_id', 'node_name'].sort());
  });

  it('gives policy events `args` (not `arguments`) and the hyphenated blueprint-id', () => {
    const event = build.policyEvent(policy, 'host down');
    expect(event.message).toEqual({ text: 'host down', args: null });
    expect(event.context).toEqual(policy);
    expect(cloudifyEventSchema.safeParse(event).success).toBe(true);
  });

  it.each([
    ['processingTrigger', 'restraints', 'processing_trigger', 'Checking policy restraints'],
    ['processingTrigger', 'trigger', 'processing_trigger', 'Processing trigger'],
    ['triggerSucceeded', 'restraints', 'trigger_succeeded', 'Policy restraints computing succeeded'],
    ['triggerSucceeded', 'trigger', 'trigger_succeeded', 'Trigger succeeded'],
  ] as const)('%s(%s) gives %s %j', (method, stage, eventType, text) => {
    const event: CloudifyEvent = build[method](trigger, stage);
    expect(event.event_type).toBe(eventType);
    expect(event.message).toEqual({ text, args: null });
    expect(event.context).toEqual(trigger);
  });

  it.each([
    ['restraints', 'Policy restraints computing failed: 404 node instance'],
    ['trigger', 'Trigger failed: 404 node instance'],
  ] as const)('triggerFailed(%s) gives %j', (stage, text) => {
    const event = build.triggerFailed(trigger, stage, '404 node instance');
    expect(event.event_type).toBe('trigger_failed');
    expect(event.message).toEqual({ text, args: null });
  });
});

describe('EventBuilder: logs', () => {
  it('logs operations under the task id, with the operation context and no arguments', () => {
    const log = build.operationLog(operation, 'info', 'Starting HTTP server');
    expect(log).toEqual({
      type: 'cloudify_log',
      timestamp: '2016-08-02 11:39:24.813+0000',
      message_code: null,
      logger: 'task-1',
      level: 'info',
      message: { text: 'Starting HTTP server' },
      context: {
        ...workflow,
        task_id: 'task-1',
        task_name: 'script_runner.tasks.run',
        task_queue: 'vm_k3x9q2',
        task_target: 'vm_k3x9q2',
        operation: 'cloudify.interfaces.lifecycle.start',
        plugin: 'script',
        node_id: 'http_web_server_a1b2c3',
        node_name: 'http_web_server',
      },
    });
    expect(cloudifyLogSchema.safeParse(log).success).toBe(true);
  });

  it('logs workflows under the execution id', () => {
    const log = build.workflowLog(workflow, 'warning', 'slow');
    expect(log.logger).toBe('exec-1');
    expect(log.level).toBe('warning');
    expect(log.context).toEqual(workflow);
  });

  it('logs workflow node messages under <execution_id>-<instance id>', () => {
    const log = build.workflowNodeLog(workflow, { node_id: 'vm_k3x9q2', node_name: 'vm' }, 'debug', 'x');
    expect(log.logger).toBe('exec-1-vm_k3x9q2');
    expect(log.context).toEqual({ ...workflow, node_name: 'vm', node_id: 'vm_k3x9q2' });
  });

  it('logs the policy engine under `policy`, and policy errors under `policy_error` without node_id', () => {
    expect(build.policyLog(policy, 'info', 'state changed')).toMatchObject({ logger: 'policy', level: 'info', context: policy });
    const { node_id: _nodeId, ...withoutNode } = policy;
    const error = build.policyErrorLog(withoutNode, 'NullPointerException');
    expect(error).toMatchObject({ logger: 'policy_error', level: 'warn', message: { text: 'exception thrown from policy: NullPointerException' } });
    expect(error.context).toEqual(withoutNode);
    expect(cloudifyLogSchema.safeParse(error).success).toBe(true);
  });
});

describe('EventBuilder: clock', () => {
  it('stamps each document with the clock at build time, in UTC with milliseconds', () => {
    let now = Date.UTC(2024, 0, 31, 23, 59, 59, 7);
    const ticking = new EventBuilder(() => new Date(now));
    const before = ticking.workflowStarted(workflow);
    now += 1;
    const after = ticking.workflowSucceeded(workflow);
    expect(before.timestamp).toBe('2024-01-31 23:59:59.007+0000');
    expect(after.timestamp).toBe('2024-01-31 23:59:59.008+0000');
  });
});
