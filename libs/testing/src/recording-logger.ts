import type { LogFields, Logger } from '@cfy/logging';

/** A log line captured by `RecordingLogger`. */
export interface LogEntry {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly fields: LogFields;
}

/**
 * A Logger that keeps every line (child bindings merged into its fields), so tests can assert what
 * was logged. Children share the parent's `entries`.
 *
 * @example
 * const logger = new RecordingLogger();
 * logger.child({ queue: 'q' }).warn('redelivered');
 * expect(logger.find('redelivered')[0]?.fields).toEqual({ queue: 'q' });
 */
export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: LogFields = {},
  ) {}

  error(message: string, fields?: LogFields): void {
    this.record('error', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.record('warn', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.record('info', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.record('debug', message, fields);
  }
  child(bindings: LogFields): Logger {
    return new RecordingLogger(this.entries, { ...this.bindings, ...bindings });
  }

  /** Entries whose message equals `message`. */
  find(message: string): LogEntry[] {
    return this.entries.filter((entry) => entry.message === message);
  }

  private record(level: LogEntry['level'], message: string, fields: LogFields = {}): void {
    this.entries.push({ level, message, fields: { ...this.bindings, ...fields } });
  }
}
