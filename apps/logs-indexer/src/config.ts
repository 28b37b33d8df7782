import { ConfigError, envDurationMs, envInt, envPort, envString, envUrl, loadConfig, type Config } from '@cfy/config';
import { EVENTS_QUEUE, LOGS_QUEUE } from '@cfy/contracts';
import { baseServiceConfig } from '@cfy/runtime';
import { z } from 'zod';

/** Elasticsearch index names are lowercase and may not start with `-`, `_` or `+`. */
const indexPrefix = (): z.ZodType<string, string> =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, ".", "_" or "-", not starting with a symbol');

/** An Elasticsearch time value (`500ms`, `1s`, `30s`, `1m`) or `-1` (refresh only on demand). */
const refreshInterval = (): z.ZodType<string, string> =>
  z
    .string()
    .trim()
    .regex(/^(-1|\d+(ms|s|m))$/, 'must be like 500ms, 1s, 30s, 1m or -1');

/**
 * The logs indexer's configuration, from flat environment variables.
 *
 * - `LIVENESS_PORT` (default 9999, as the seed's Logstash) / `HOST` (default 0.0.0.0): `/health`,
 *   `/ready` (broker + Elasticsearch) and `/stats`. 0 picks a free port.
 * - `AMQP_URL`, `ES_URL`: the broker and Elasticsearch.
 * - `EVENTS_QUEUE` / `LOGS_QUEUE` (default `cloudify-events` / `cloudify-logs`): queues consumed;
 *   `INDEX_PREFIX` (default none) goes before `cloudify-events-YYYY.MM.DD`, its templates included.
 *   Tests set all three to names of their own.
 * - `PREFETCH` (default 1500, per queue): messages held unacknowledged at once. It bounds memory
 *   and what is in flight while Elasticsearch is away; keep it at least
 *   `BULK_FLUSH_ITEMS * (BULK_CONCURRENCY + 1)` or batches never fill up.
 * - `BULK_FLUSH_ITEMS` (500), `BULK_FLUSH_BYTES` (5 MiB), `BULK_FLUSH_INTERVAL_MS` (1000, at most
 *   1000): a bulk request leaves when any is reached. `BULK_CONCURRENCY` (2): requests in flight.
 * - `ES_RETRY_MAX_DELAY_MS` (5000): cap of the backoff between retries of 429/5xx/unreachable;
 *   those are retried for as long as it takes (the broker keeps the messages meanwhile).
 * - `INDEX_REFRESH_INTERVAL` (default `1s`): how soon indexed documents become searchable.
 * - `RETENTION_DAYS` (default 30): daily indices whose day is older than this many days before
 *   today (UTC) are deleted at start and then daily.
 * - `DRAIN_TIMEOUT_MS` (default 10 000): on shutdown, how long messages in flight may take to be
 *   stored and acknowledged before the rest go back to the queue.
 */
export const indexerConfigShape = {
  ...baseServiceConfig,
  LIVENESS_PORT: envPort({ allowEphemeral: true }).default(9999),
  HOST: envString().default('0.0.0.0'),
  AMQP_URL: envUrl(['amqp', 'amqps']).default('amqp://guest:guest@127.0.0.1:5672'),
  ES_URL: envUrl(['http', 'https']).default('http://127.0.0.1:9200'),
  EVENTS_QUEUE: envString().default(EVENTS_QUEUE),
  LOGS_QUEUE: envString().default(LOGS_QUEUE),
  INDEX_PREFIX: indexPrefix().default(''),
  PREFETCH: envInt({ min: 1, max: 65_535 }).default(1_500),
  BULK_FLUSH_ITEMS: envInt({ min: 1, max: 100_000 }).default(500),
  BULK_FLUSH_BYTES: envInt({ min: 1_024 }).default(5 * 1024 * 1024),
  BULK_FLUSH_INTERVAL_MS: envInt({ min: 1, max: 1_000 }).default(1_000),
  BULK_CONCURRENCY: envInt({ min: 1, max: 16 }).default(2),
  ES_RETRY_MAX_DELAY_MS: envInt({ min: 10, max: 60_000 }).default(5_000),
  ES_REQUEST_TIMEOUT_MS: envInt({ min: 100 }).default(30_000),
  INDEX_REFRESH_INTERVAL: refreshInterval().default('1s'),
  RETENTION_DAYS: envInt({ min: 1, max: 36_500 }).default(30),
  DRAIN_TIMEOUT_MS: envDurationMs().default(10_000),
};

export type IndexerConfig = Config<typeof indexerConfigShape>;

/**
 * Validates the indexer's environment once; throws a ConfigError naming every bad key.
 * @example const config = loadIndexerConfig(process.env); // config.LIVENESS_PORT === 9999 when unset
 */
export function loadIndexerConfig(env: Readonly<Record<string, string | undefined>>): IndexerConfig {
  const config = loadConfig(indexerConfigShape, env);
  // One queue for both streams would index logs as events (or the reverse) half of the time.
  if (config.EVENTS_QUEUE === config.LOGS_QUEUE) throw new ConfigError([`LOGS_QUEUE: must differ from EVENTS_QUEUE (both are '${config.LOGS_QUEUE}')`]);
  return config;
}
