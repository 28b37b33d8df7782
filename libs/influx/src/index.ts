export { InfluxClient, type InfluxClientOptions, type PingResult, type QueryOptions, type RetentionPolicy } from './client';
export {
  BatchWriter,
  type BatchWriterOptions,
  type BatchWriterStats,
  type DroppedPoints,
  type LineWriter,
} from './batch-writer';
export {
  InfluxConfigError,
  InfluxError,
  InfluxQueryError,
  InfluxUnavailableError,
  InfluxWriteError,
  InfluxWriterClosedError,
  LineProtocolError,
  isRetryableInfluxError,
} from './errors';
export type { AuthScheme } from './http';
export { isReadOnlyQuery, quoteIdentifier, quoteString } from './influxql';
export { encodePoint, type FieldValue, type Point, type Precision } from './line-protocol';
export { seriesToRows, statementRows, type InfluxValue, type Row, type Series, type StatementResult } from './query-result';
