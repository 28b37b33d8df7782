export { connectAmqp, declareDeadLetter, AmqpConnection, type AmqpConnectionOptions } from './connection';
export { Publisher, type PublisherOptions } from './publisher';
export type { PublishOptions, RawPublishOptions } from './publish-options';
export { Consumer, type ConsumerOptions, type ConsumerState, type MessageHandler } from './consumer';
export type { MessageContext } from './message-context';
export {
  AmqpClosedError,
  AmqpError,
  BrokerUnavailableError,
  InvalidMessageError,
  NonRetryableError,
  PublishNackedError,
  PublishTimeoutError,
  TopologyError,
  UnroutableMessageError,
} from './errors';
export { isRetryable } from './retry-policy';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export {
  deadLetterTopology,
  type BindingDeclaration,
  type ExchangeDeclaration,
  type ExchangeType,
  type QueueDeclaration,
  type Topology,
} from './topology';
export { ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, RETRY_COUNT_HEADER } from './headers';
