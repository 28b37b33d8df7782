import { type CliIo } from './io';
import { UsageError, WorkingDirectoryError } from './errors';
import { findWorkingDir, readSettings } from './working-dir';

/**
 * Environment variable naming the manager for scripts and tests, e.g. `http://127.0.0.1:8080`
 * (a path prefix is kept). When set it wins over `.cloudify/context`, and no `.cloudify/` is needed.
 */
export const MANAGER_URL_ENV = 'CFY_MANAGER_URL';
/** With {@link PASSWORD_ENV}: HTTP Basic credentials sent with every request (cli.md §1). */
export const USERNAME_ENV = 'CLOUDIFY_USERNAME';
export const PASSWORD_ENV = 'CLOUDIFY_PASSWORD';

export const DEFAULT_REST_PORT = 80;
const HTTPS_PORT = 443;

/** Where the manager's REST API is. `host` is what messages call the manager's "ip". */
export interface ManagerTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** Origin (plus any path prefix) without the API prefix. */
  baseUrl: string;
}

/** A target for host and port; port 443 switches to HTTPS as in 3.4. */
export function managerTarget(host: string, port: number): ManagerTarget {
  const protocol = port === HTTPS_PORT ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { host, port, protocol, baseUrl: `${protocol}://${urlHost}:${port}` };
}

/**
 * Splits `cfy use -t` values: `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
 * A port in the address wins over the default `--port`; naming two different ports is an error.
 *
 * @example parseManagerAddress('10.0.0.5:8080', 80, false) // → {host: '10.0.0.5', port: 8080}
 */
export function parseManagerAddress(address: string, port: number, portGivenExplicitly: boolean): { host: string; port: number } {
  const value = address.trim();
  let host = value;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (value.split(':').length === 2) {
    [host = '', portText] = value.split(':');
  }
  if (host === '') throw new UsageError(`argument -t/--management-ip: invalid manager address '${address}'`);
  if (portText === undefined) return { host, port };
  const embedded = parsePort(portText, `argument -t/--management-ip: invalid port in '${address}'`);
  if (portGivenExplicitly && embedded !== port) {
    throw new UsageError(`argument --port: ${port} conflicts with port ${embedded} in '${address}'`);
  }
  return { host, port: embedded };
}

/** Parses a TCP port (1–65535) or throws a {@link UsageError} with `message`. */
export function parsePort(text: string, message: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(message);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UsageError(message);
  return port;
}

/**
 * The manager commands talk to: {@link MANAGER_URL_ENV} if set, else the nearest
 * `.cloudify/context` (3.4's messages when there is none or it names no manager).
 */
export async function resolveManager(io: CliIo): Promise<ManagerTarget> {
  const fromEnv = io.env[MANAGER_URL_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return targetFromUrl(fromEnv.trim());
  const workingDir = await findWorkingDir(io.cwd);
  if (workingDir === null) {
    throw new WorkingDirectoryError(
      `Cannot find .cloudify in ${io.cwd}, or in any of its parent directories\n` +
        `(run 'cfy use -t <manager>' first, or set ${MANAGER_URL_ENV})`,
    );
  }
  const settings = await readSettings(workingDir);
  if (!settings.management_server) {
    throw new WorkingDirectoryError(
      "Must either first run 'cfy use' command for a management server or provide a management server ip explicitly",
    );
  }
  const target = managerTarget(settings.management_server, settings.rest_port ?? DEFAULT_REST_PORT);
  const protocol = settings.rest_protocol ?? target.protocol;
  return { ...target, protocol, baseUrl: target.baseUrl.replace(/^https?:/, `${protocol}:`) };
}

function targetFromUrl(value: string): ManagerTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${MANAGER_URL_ENV} must be an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${MANAGER_URL_ENV} must be an http(s) URL, got '${value}'`);
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port === '' ? (protocol === 'https' ? HTTPS_PORT : DEFAULT_REST_PORT) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = url.pathname.replace(/\/+$/, '');
  return { host, port, protocol, baseUrl: `${url.origin}${path}` };
}

/** `Authorization: Basic …` when both credentials are set in the environment, as 3.4 does. */
export function authHeaders(env: CliIo['env']): Record<string, string> {
  const username = env[USERNAME_ENV];
  const password = env[PASSWORD_ENV];
  if (!username || !password) return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
}
