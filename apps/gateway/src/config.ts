import { ConfigError, envInt, envPort, envString, envUrl, loadConfig, type Config } from '@cfy/config';
import { baseServiceConfig } from '@cfy/runtime';

/**
 * The gateway's configuration, from flat environment variables.
 *
 * - `PORT` (default 80) / `HOST` (default 0.0.0.0): the plain-HTTP front door. 0 picks a free port.
 * - `REST_SERVICE_URL` (default http://127.0.0.1:8100): receives `/api/**` and the rewritten
 *   un-versioned Cloudify paths. `FILESERVER_URL` (default http://127.0.0.1:53229): receives
 *   `/resources/**`. Plain `http` only: both are internal services.
 * - `UPSTREAM_TIMEOUT_MS` (default 60 000): an upstream connection idle for this long (nothing sent
 *   nor received) is abandoned; the client gets 502 `bad_gateway_error` if no response started yet.
 * - `UPSTREAM_MAX_SOCKETS` (default 256): keep-alive sockets per upstream; requests beyond it queue.
 * - `READY_PROBE_TIMEOUT_MS` (default 1 000): how long `/ready` waits for an upstream's `/health`.
 * - `DRAIN_TIMEOUT_MS` (default 15 000): on shutdown, how long proxied requests still in flight
 *   after the server stopped accepting may take before the upstream agents are closed.
 * - `TLS_CERT` / `TLS_KEY` (PEM; usually given as `TLS_CERT_FILE` / `TLS_KEY_FILE`): when both are
 *   set, HTTPS is also served on `TLS_PORT` (default 443).
 */
export const gatewayConfigShape = {
  ...baseServiceConfig,
  PORT: envPort({ allowEphemeral: true }).default(80),
  HOST: envString().default('0.0.0.0'),
  REST_SERVICE_URL: envUrl(['http']).default('http://127.0.0.1:8100'),
  FILESERVER_URL: envUrl(['http']).default('http://127.0.0.1:53229'),
  UPSTREAM_TIMEOUT_MS: envInt({ min: 1 }).default(60_000),
  UPSTREAM_MAX_SOCKETS: envInt({ min: 1, max: 65_535 }).default(256),
  READY_PROBE_TIMEOUT_MS: envInt({ min: 1 }).default(1_000),
  DRAIN_TIMEOUT_MS: envInt({ min: 0 }).default(15_000),
  TLS_PORT: envPort({ allowEphemeral: true }).default(443),
  TLS_CERT: envString().optional(),
  TLS_KEY: envString().optional(),
};

export type GatewayConfig = Config<typeof gatewayConfigShape>;

/**
 * Validates the gateway's environment once; throws a `ConfigError` naming every bad key.
 * @example const config = loadGatewayConfig(process.env); // config.PORT === 80 when unset
 */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const config = loadConfig(gatewayConfigShape, env);
  // A certificate without its key (or the reverse) is a half-configured TLS listener: refuse it
  // rather than silently serving plain HTTP only.
  if ((config.TLS_CERT === undefined) !== (config.TLS_KEY === undefined)) {
    const missing = config.TLS_CERT === undefined ? 'TLS_CERT' : 'TLS_KEY';
    throw new ConfigError([`${missing}: required when ${missing === 'TLS_CERT' ? 'TLS_KEY' : 'TLS_CERT'} is set (or set neither)`]);
  }
  return config;
}
