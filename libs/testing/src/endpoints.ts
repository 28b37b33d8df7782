import { existsSync } from 'node:fs';
import { request } from 'node:http';

/** The three backing services every integration test may need. */
export type ServiceKind = 'amqp' | 'elasticsearch' | 'influxdb';

export const ENDPOINT_ENV: Record<ServiceKind, string> = {
  amqp: 'AMQP_URL',
  elasticsearch: 'ES_URL',
  influxdb: 'INFLUX_URL',
};

export const LOCAL_STACK_HINT =
  'Start the local stack with `npm run stack up` (bash deploy/local/stack.sh up), ' +
  'or point the tests at running services with AMQP_URL, ES_URL and INFLUX_URL.';

export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** Where the Docker engine would answer, if there is one. */
function dockerSocketPath(env: NodeJS.ProcessEnv): string | undefined {
  const host = env['DOCKER_HOST'];
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host) return undefined;
  return '/var/run/docker.sock';
}

/** True when a Docker engine answers `GET /_ping` (a socket file alone proves nothing). */
export async function dockerEngineReachable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env['DOCKER_HOST'] && !env['DOCKER_HOST'].startsWith('unix://')) return true;
  const socketPath = dockerSocketPath(env);
  if (!socketPath || !existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** A started service: its URL and how to stop it (a no-op for services we did not start). */
export interface ServiceEndpoint {
  readonly url: string;
  readonly source: 'env' | 'container';
  stop(): Promise<void>;
}

type ContainerStarter = () => Promise<ServiceEndpoint>;

/**
 * Resolves a service endpoint: the URL env var when set, else a testcontainers container when a
 * Docker engine is reachable, else a ServiceUnavailableError saying how to start the local stack.
 */
export async function resolveEndpoint(
  kind: ServiceKind,
  startContainer: ContainerStarter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceEndpoint> {
  const fromEnv = env[ENDPOINT_ENV[kind]];
  if (fromEnv) return { url: fromEnv, source: 'env', stop: async () => undefined };
  if (await dockerEngineReachable(env)) return startContainer();
  throw new ServiceUnavailableError(
    `No ${kind} for integration tests: ${ENDPOINT_ENV[kind]} is not set and no Docker engine is reachable. ${LOCAL_STACK_HINT}`,
  );
}
