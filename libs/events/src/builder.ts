import { formatEventTimestamp, type CloudifyEvent, type CloudifyLog, type EventContext, type EventType, type LogLevel } from '@cfy/contracts';
import {
  isOperation,
  pickNodeInstance,
  pickOperation,
  pickPolicy,
  pickPolicyError,
  pickTask,
  pickTrigger,
  pickWorkflow,
  type NodeInstanceRef,
  type OperationContext,
  type PolicyContext,
  type PolicyErrorContext,
  type RelationshipOperationContext,
  type TaskContext,
  type TaskErrorCause,
  type TriggerContext,
  type WorkflowContext,
} from './contexts';
import {
  policyErrorText,
  processingTriggerText,
  taskText,
  triggerFailedText,
  triggerSucceededText,
  workflowCancelledText,
  workflowFailedText,
  workflowStartedText,
  workflowSucceededText,
  type TaskOutcome,
  type TriggerStage,
} from './texts';

/** Source of the events' wall-clock time; injected so tests pin it. */
export type Clock = () => Date;

/** One attempt of a task, as task events report it. */
export interface TaskAttempt {
  /** Retries made before this attempt: 0 on the first one. */
  readonly currentRetries: number;
  /** Retries allowed; -1 = unlimited. */
  readonly totalRetries: number;
}

/**
 * The attempt of a task from `C`: operations take the task name from their context; engine-local
 * tasks have no task keys in their context, so their name is given here.
 */
export type TaskAttemptOf<C extends TaskContext> = C extends { readonly task_name: string } ? TaskAttempt : TaskAttempt & { readonly name: string };

/** What the caller adds to a free-text event (`ctx.send_event(text, args, additional_context)`). */
export interface FreeTextOptions {
  /** Becomes `message.arguments`. Default null. */
  readonly args?: Readonly<Record<string, unknown>> | null;
  /** Merged into the context (its keys win, as in 3.4). */
  readonly additionalContext?: Readonly<Record<string, unknown>>;
}

/** A task failure as reported on `task_failed` / `task_rescheduled`. */
export interface TaskFailure {
  /** Appended to the text as ` -> <error>` when given. */
  readonly error?: string;
  /** `task_error_causes`; null (the default) when the failure carried none. */
  readonly causes?: readonly TaskErrorCause[] | null;
}

/** Python's level names for workflow and operation logs. */
export type WorkflowLogLevel = Exclude<LogLevel, 'warn'>;
/** The policy engine logs with these two. */
export type PolicyLogLevel = 'info' | 'warn';

/**
 * Builds every Cloudify event and log (data-model.md §11) with the exact 3.4 texts, the context keys
 * of each source and the timestamp from the injected clock. Pure: publishing is EventPublisher's job.
 *
 * @example
 * const build = new EventBuilder();
 * const context = { blueprint_id: 'hello', deployment_id: 'hello1', execution_id: id, workflow_id: 'install' };
 * await publisher.publish(build.workflowStarted(context)); // text "Starting 'install' workflow execution"
 */
export class EventBuilder {
  /** @param clock default: the system clock */
  constructor(private readonly clock: Clock = () => new Date()) {}

  /** `workflow_started`: after the execution's status became `started`. */
  workflowStarted(context: WorkflowContext): CloudifyEvent {
    return this.event('workflow_started', workflowStartedText(context.workflow_id), pickWorkflow(context));
  }

  /** `workflow_succeeded`: after the status became `terminated`. */
  workflowSucceeded(context: WorkflowContext): CloudifyEvent {
    return this.event('workflow_succeeded', workflowSucceededText(context.workflow_id), pickWorkflow(context));
  }

  /**
   * `workflow_failed`: after the status became `failed`.
   * @param failure `error` is `<ErrorType>: <message>` (in the text), `traceback` goes to `message.arguments.error`
   */
  workflowFailed(context: WorkflowContext, failure: { readonly error: string; readonly traceback: string }): CloudifyEvent {
    return this.event('workflow_failed', workflowFailedText(context.workflow_id, failure.error), pickWorkflow(context), {
      error: failure.traceback,
    });
  }

  /** `workflow_cancelled`: after the status became `cancelled`. */
  workflowCancelled(context: WorkflowContext): CloudifyEvent {
    return this.event('workflow_cancelled', workflowCancelledText(context.workflow_id), pickWorkflow(context));
  }

  /** `workflow_stage`: free text sent by a workflow (`ctx.send_event`). */
  workflowStage(context: WorkflowContext, text: string, options: FreeTextOptions = {}): CloudifyEvent {
    return this.event('workflow_stage', text, withAdditional(pickWorkflow(context), options), options.args ?? null);
  }

  /** `workflow_node_event`: free text about one node instance (`instance.send_event`, e.g. `Creating node`). */
  workflowNodeEvent(context: WorkflowContext, node: NodeInstanceRef, text: string, options: FreeTextOptions = {}): CloudifyEvent {
    return this.event('workflow_node_event', text, withAdditional(pickNodeInstance(context, node), options), options.args ?? null);
  }

  /** `sending_task`: a task is about to be sent. */
  sendingTask<C extends TaskContext>(context: C, attempt: TaskAttemptOf<C>): CloudifyEvent {
    return this.taskEvent('sending_task', 'sending', context, attempt, {});
  }

  /** `task_started`: the worker started the task. */
  taskStarted<C extends TaskContext>(context: C, attempt: TaskAttemptOf<C>): CloudifyEvent {
    return this.taskEvent('task_started', 'started', context, attempt, {});
  }

  /**
   * `task_succeeded`.
   * @param result the result's text form (Python `repr`), shown as `'<task> (<result>)'`; omit when the task returned None
   */
  taskSucceeded<C extends TaskContext>(context: C, attempt: TaskAttemptOf<C>, result?: string): CloudifyEvent {
    return this.taskEvent('task_succeeded', 'succeeded', context, attempt, { result });
  }

  /** `task_rescheduled`: failed with a retry requested by the operation (`ctx.operation.retry`). */
  taskRescheduled<C extends TaskContext>(context: C, attempt: TaskAttemptOf<C>, failure: TaskFailure = {}): CloudifyEvent {
    return this.taskEvent('task_rescheduled', 'rescheduled', context, attempt, { error: failure.error }, failure.causes ?? null);
  }

  /** `task_failed`: failed (retried later or for good). */
  taskFailed<C extends TaskContext>(context: C, attempt: TaskAttemptOf<C>, failure: TaskFailure = {}): CloudifyEvent {
    return this.taskEvent('task_failed', 'failed', context, attempt, { error: failure.error }, failure.causes ?? null);
  }

  /** `plugin_event`: free text sent by an operation (`ctx.send_event` inside a plugin). */
  pluginEvent(context: OperationContext | RelationshipOperationContext, text: string, options: FreeTextOptions = {}): CloudifyEvent {
    return this.event('plugin_event', text, withAdditional(pickOperation(context), options), options.args ?? null);
  }

  /** `policy`: an event of a custom policy source (`publish-policy-event`); `message` is `{text, args: null}`. */
  policyEvent(context: PolicyContext, text: string): CloudifyEvent {
    return this.policyEngineEvent('policy', text, pickPolicy(context));
  }

  /** `processing_trigger`: `Checking policy restraints` / `Processing trigger`. */
  processingTrigger(context: TriggerContext, stage: TriggerStage): CloudifyEvent {
    return this.policyEngineEvent('processing_trigger', processingTriggerText(stage), pickTrigger(context));
  }

  /** `trigger_succeeded`: `Policy restraints computing succeeded` / `Trigger succeeded`. */
  triggerSucceeded(context: TriggerContext, stage: TriggerStage): CloudifyEvent {
    return this.policyEngineEvent('trigger_succeeded', triggerSucceededText(stage), pickTrigger(context));
  }

  /** `trigger_failed`: `Policy restraints computing failed: <e>` / `Trigger failed: <e>`. */
  triggerFailed(context: TriggerContext, stage: TriggerStage, error: string): CloudifyEvent {
    return this.policyEngineEvent('trigger_failed', triggerFailedText(stage, error), pickTrigger(context));
  }

  /** A log line of an operation; `logger` is the task id. */
  operationLog(context: OperationContext | RelationshipOperationContext, level: WorkflowLogLevel, text: string): CloudifyLog {
    return this.log(context.task_id, level, text, pickOperation(context));
  }

  /** A log line of a workflow; `logger` is the execution id. */
  workflowLog(context: WorkflowContext, level: WorkflowLogLevel, text: string): CloudifyLog {
    return this.log(context.execution_id, level, text, pickWorkflow(context));
  }

  /** A workflow log line about one node instance; `logger` is `<execution_id>-<node instance id>`. */
  workflowNodeLog(context: WorkflowContext, node: NodeInstanceRef, level: WorkflowLogLevel, text: string): CloudifyLog {
    return this.log(`${context.execution_id}-${node.node_id}`, level, text, pickNodeInstance(context, node));
  }

  /** A policy engine log line; `logger` is `policy`. */
  policyLog(context: PolicyContext, level: PolicyLogLevel, text: string): CloudifyLog {
    return this.log('policy', level, text, pickPolicy(context));
  }

  /** An exception inside a policy stream: `warn`, logger `policy_error`, `exception thrown from policy: <description>`. */
  policyErrorLog(context: PolicyErrorContext, description: string): CloudifyLog {
    return this.log('policy_error', 'warn', policyErrorText(description), pickPolicyError(context));
  }

  private taskEvent(
    eventType: EventType,
    outcome: TaskOutcome,
    context: TaskContext,
    attempt: TaskAttempt & { readonly name?: string },
    details: { readonly result?: string | undefined; readonly error?: string | undefined },
    causes?: readonly TaskErrorCause[] | null,
  ): CloudifyEvent {
    const name = isOperation(context) ? context.task_name : attempt.name;
    if (name === undefined) throw new TypeError('an engine-local task event needs the task name in its attempt');
    const text = taskText(outcome, name, { currentRetries: attempt.currentRetries, totalRetries: attempt.totalRetries, ...details });
    const eventContext: EventContext = {
      ...pickTask(context),
      task_current_retries: attempt.currentRetries,
      task_total_retries: attempt.totalRetries,
    };
    if (causes !== undefined) eventContext.task_error_causes = causes === null ? null : causes.map((cause) => ({ ...cause }));
    return this.event(eventType, text, eventContext);
  }

  private event(eventType: EventType, text: string, context: EventContext, args: Readonly<Record<string, unknown>> | null = null): CloudifyEvent {
    return {
      type: 'cloudify_event',
      event_type: eventType,
      timestamp: this.now(),
      message_code: null,
      message: { text, arguments: args === null ? null : { ...args } },
      context,
    };
  }

  /** Policy-engine events name their arguments `args`, not `arguments`, and it is always null. */
  private policyEngineEvent(eventType: EventType, text: string, context: EventContext): CloudifyEvent {
    return {
      type: 'cloudify_event',
      event_type: eventType,
      timestamp: this.now(),
      message_code: null,
      message: { text, args: null },
      context,
    };
  }

  private log(logger: string, level: LogLevel, text: string, context: EventContext): CloudifyLog {
    return { type: 'cloudify_log', timestamp: this.now(), message_code: null, logger, level, message: { text }, context };
  }

  private now(): string {
    return formatEventTimestamp(this.clock());
  }
}

function withAdditional(context: EventContext, options: FreeTextOptions): EventContext {
  return options.additionalContext ? { ...context, ...options.additionalContext } : context;
}
