export { createLogger, silentLogger, type LogFields, type LogLevel, type Logger, type LoggerOptions } from './logger';
export {
  AMQP_CORRELATION_HEADER,
  HTTP_CORRELATION_HEADER,
  correlationIdFrom,
  currentCorrelationId,
  newCorrelationId,
  outgoingAmqpHeaders,
  withCorrelationId,
} from './correlation';
