import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import { currentCorrelationId } from './correlation';

/** Structured log fields. Keep values JSON-serialisable. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger interface every lib and service uses. pino sits underneath; nothing else in the
 * code base imports pino directly.
 */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger whose every line carries `bindings` (e.g. `{ component: 'consumer' }`). */
  child(bindings: LogFields): Logger;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  /** Service or component name, logged as `service`. */
  name: string;
  /** Default `info`. */
  level?: LogLevel;
  /**
   * Pretty-print for humans. Decided by the caller (the runtime turns it on only when stdout is a
   * terminal), never from NODE_ENV.
   */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

class PinoLogger implements Logger {
  constructor(private readonly delegate: pino.Logger) {}

  error(message: string, fields?: LogFields): void {
    this.delegate.error(fields ?? {}, message);
  }
  warn(message: string, fields?: LogFields): void {
    this.delegate.warn(fields ?? {}, message);
  }
  info(message: string, fields?: LogFields): void {
    this.delegate.info(fields ?? {}, message);
  }
  debug(message: string, fields?: LogFields): void {
    this.delegate.debug(fields ?? {}, message);
  }
  child(bindings: LogFields): Logger {
    return new PinoLogger(this.delegate.child(bindings));
  }
}

/**
 * Creates the root logger of a process. Every line carries the correlation id of the HTTP request
 * or AMQP message being handled, when there is one (see `withCorrelationId`).
 * @example const log = createLogger({ name: 'logs-indexer' }); log.info('started', { port: 9999 });
 */
export function createLogger(options: LoggerOptions): Logger {
  const level: LevelWithSilent = options.level ?? 'info';
  const pinoOptions: pino.LoggerOptions = {
    level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlation_id: correlationId } : {};
    },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  if (options.destination) return new PinoLogger(pino(pinoOptions, options.destination));
  if (options.pretty) {
    const transport = pino.transport({ target: 'pino-pretty', options: { colorize: true } }) as DestinationStream;
    return new PinoLogger(pino(pinoOptions, transport));
  }
  return new PinoLogger(pino(pinoOptions));
}

/** A logger that drops everything, for unit tests that do not look at logs. */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
