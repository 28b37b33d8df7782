/*
 * The exact `message.text` of every event with a fixed text (data-model.md §11.4). Clients match
 * on these strings (the CLI, UI filters), so they are kept byte for byte as Cloudify 3.4 wrote them.
 */

export function workflowStartedText(workflowId: string): string {
  return `Starting '${workflowId}' workflow execution`;
}

export function workflowSucceededText(workflowId: string): string {
  return `'${workflowId}' workflow execution succeeded`;
}

/** @param error `<ErrorType>: <message>` of the failure */
export function workflowFailedText(workflowId: string, error: string): string {
  return `'${workflowId}' workflow execution failed: ${error}`;
}

export function workflowCancelledText(workflowId: string): string {
  return `'${workflowId}' workflow execution cancelled`;
}

/**
 * ` [retry N/M]` once a task is retried (` [retry N]` when retries are unlimited, M = -1); empty on
 * the first attempt.
 * @example retrySuffix(2, 5) // ' [retry 2/5]'
 */
export function retrySuffix(currentRetries: number, totalRetries: number): string {
  if (currentRetries <= 0) return '';
  return totalRetries >= 0 ? ` [retry ${currentRetries}/${totalRetries}]` : ` [retry ${currentRetries}]`;
}

export type TaskOutcome = 'sending' | 'started' | 'succeeded' | 'rescheduled' | 'failed';

export interface TaskTextOptions {
  readonly currentRetries: number;
  readonly totalRetries: number;
  /** `succeeded` only: the result's text form; omitted (or undefined) when the task returned nothing. */
  readonly result?: string | undefined;
  /** `rescheduled` / `failed` only: the error, appended as ` -> <error>` when given. */
  readonly error?: string | undefined;
}

/**
 * The text of a task event, retry suffix included.
 * @example taskText('failed', 'script_runner.tasks.run', { currentRetries: 1, totalRetries: -1, error: 'boom' })
 *   // "Task failed 'script_runner.tasks.run' -> boom [retry 1]"
 */
export function taskText(outcome: TaskOutcome, taskName: string, options: TaskTextOptions): string {
  return `${taskHead(outcome, taskName, options)}${retrySuffix(options.currentRetries, options.totalRetries)}`;
}

function taskHead(outcome: TaskOutcome, taskName: string, options: TaskTextOptions): string {
  switch (outcome) {
    case 'sending':
      return `Sending task '${taskName}'`;
    case 'started':
      return `Task started '${taskName}'`;
    case 'succeeded':
      return options.result === undefined ? `Task succeeded '${taskName}'` : `Task succeeded '${taskName} (${options.result})'`;
    case 'rescheduled':
      return withError(`Task rescheduled '${taskName}'`, options.error);
    case 'failed':
      return withError(`Task failed '${taskName}'`, options.error);
  }
}

function withError(text: string, error: string | undefined): string {
  return error ? `${text} -> ${error}` : text;
}

/** What the policy engine is processing: the restraint checks, or one trigger. */
export type TriggerStage = 'restraints' | 'trigger';

export function processingTriggerText(stage: TriggerStage): string {
  return stage === 'restraints' ? 'Checking policy restraints' : 'Processing trigger';
}

export function triggerSucceededText(stage: TriggerStage): string {
  return stage === 'restraints' ? 'Policy restraints computing succeeded' : 'Trigger succeeded';
}

export function triggerFailedText(stage: TriggerStage, error: string): string {
  return stage === 'restraints' ? `Policy restraints computing failed: ${error}` : `Trigger failed: ${error}`;
}

export function policyErrorText(description: string): string {
  return `exception thrown from policy: ${description}`;
}
