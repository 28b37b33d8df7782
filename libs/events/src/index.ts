export {
  EventBuilder,
  type Clock,
  type FreeTextOptions,
  type PolicyLogLevel,
  type TaskAttempt,
  type TaskAttemptOf,
  type TaskFailure,
  type WorkflowLogLevel,
} from './builder';
export {
  systemWorkflowContext,
  type NodeInstanceRef,
  type OperationContext,
  type PolicyContext,
  type PolicyErrorContext,
  type RelationshipOperationContext,
  type TaskContext,
  type TaskErrorCause,
  type TaskRef,
  type TriggerContext,
  type WorkflowContext,
} from './contexts';
export { InvalidEventError } from './errors';
export {
  DEFAULT_EVENT_QUEUES,
  EventPublisher,
  eventQueueTopology,
  type EventPublisherOptions,
  type EventQueues,
  type EventSink,
  type EventTransport,
} from './publisher';
export { retrySuffix, taskText, type TaskOutcome, type TaskTextOptions, type TriggerStage } from './texts';
