import { envBool, envDurationMs, envInt, envPort, envString, envUrl, loadConfig, type Config } from '@cfy/config';
import { baseServiceConfig } from '@cfy/runtime';

const MIB = 1024 * 1024;

/**
 * The rest-service's configuration, from flat environment variables (all problems reported at once).
 *
 * - `PORT` (default 8100; 0 picks a free port) / `HOST` (default 127.0.0.1: only the gateway talks to it).
 * - `ES_URL` (default http://127.0.0.1:9200) and `ES_INDEX_PREFIX` (default `cloudify-`): documents
 *   live in `<prefix><model>` indices, e.g. `cloudify-blueprints`.
 * - `FILESERVER_URL` (default http://127.0.0.1:53229): every file goes through its HTTP API; the
 *   rest-service never touches a disk. `FILESERVER_INTERNAL_TOKEN`: the fileserver's `INTERNAL_TOKEN`.
 * - `FILESERVER_TIMEOUT_MS` (default 60 000): a fileserver exchange idle this long is abandoned.
 * - `MAX_BLUEPRINT_ARCHIVE_BYTES` (default 512 MiB): larger uploads get 413 `payload_too_large_error`.
 * - `IMPORT_TIMEOUT_MS` (default 10 000, as in 3.4) and `MAX_IMPORT_BYTES` (default 16 MiB): limits of
 *   one file the DSL parser reads (from the blueprint folder or an `http(s)` import URL).
 * - `ARCHIVE_URL_TIMEOUT_MS` (default 120 000): whole-download limit for `blueprint_archive_url`.
 * - `MIN_AVAILABLE_MEMORY_MB` (default 512, as 3.4's `min_available_memory_mb`; 0 disables): lists
 *   are refused with `insufficient_memory_error` below it.
 * - `UPLOAD_DRAIN_TIMEOUT_MS` (default 8 000): on shutdown, how long uploads in flight may finish
 *   before they are aborted and cleaned up.
 * - `EVENTS_INDEX_PREFIX` (default none): the logs-indexer's `INDEX_PREFIX`; `GET /events` searches
 *   `<prefix>cloudify-events-*` and `<prefix>cloudify-logs-*`.
 * - `INSECURE_ENDPOINTS_ENABLED` (default false, like 3.4's default `insecure_endpoints_disabled`):
 *   serve the raw-Elasticsearch endpoints (v1 `/events`, `/search`); when false they answer 405.
 * - `AMQP_URL`, `INFLUX_URL` (optional): probed by `GET /status` when set.
 * - `VERSION_BUILD`, `VERSION_DATE`, `VERSION_COMMIT` (optional): shown by `GET /version`.
 */
export const restServiceConfigShape = {
  ...baseServiceConfig,
  PORT: envPort({ allowEphemeral: true }).default(8100),
  HOST: envString().default('127.0.0.1'),
  ES_URL: envUrl(['http', 'https']).default('http://127.0.0.1:9200'),
  ES_INDEX_PREFIX: envString()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, ".", "_" or "-" (an Elasticsearch index name prefix)')
    .default('cloudify-'),
  EVENTS_INDEX_PREFIX: envString()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, ".", "_" or "-" (an Elasticsearch index name prefix)')
    .default(''),
  INSECURE_ENDPOINTS_ENABLED: envBool().default(false),
  FILESERVER_URL: envUrl(['http']).default('http://127.0.0.1:53229'),
  FILESERVER_INTERNAL_TOKEN: envString().optional(),
  FILESERVER_TIMEOUT_MS: envInt({ min: 1 }).default(60_000),
  MAX_BLUEPRINT_ARCHIVE_BYTES: envInt({ min: 1 }).default(512 * MIB),
  IMPORT_TIMEOUT_MS: envInt({ min: 1 }).default(10_000),
  MAX_IMPORT_BYTES: envInt({ min: 1 }).default(16 * MIB),
  ARCHIVE_URL_TIMEOUT_MS: envInt({ min: 1 }).default(120_000),
  MIN_AVAILABLE_MEMORY_MB: envInt({ min: 0 }).default(512),
  UPLOAD_DRAIN_TIMEOUT_MS: envDurationMs().default(8_000),
  AMQP_URL: envUrl(['amqp', 'amqps']).optional(),
  INFLUX_URL: envUrl(['http', 'https']).optional(),
  VERSION_BUILD: envString().optional(),
  VERSION_DATE: envString().optional(),
  VERSION_COMMIT: envString().optional(),
};

export type RestServiceConfig = Config<typeof restServiceConfigShape>;

/**
 * Validates the rest-service's environment once; throws a `ConfigError` naming every bad key.
 * @example const config = loadRestServiceConfig(process.env); // config.PORT === 8100 when unset
 */
export function loadRestServiceConfig(env: Readonly<Record<string, string | undefined>>): RestServiceConfig {
  return loadConfig(restServiceConfigShape, env);
}
