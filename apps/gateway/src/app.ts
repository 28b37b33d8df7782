import type { Logger } from '@cfy/logging';
import { createHttpApp, type Readiness, type ServiceLifecycle } from '@cfy/runtime';
import type { Express } from 'express';
import type { InFlightRequests } from './in-flight';
import { gatewayProxy } from './proxy.http';
import type { GatewayRoute } from './routes';
import { upstreamHealthProbe } from './upstream';

export interface GatewayAppDependencies {
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
  /** The routing table, tried in order (see `cloudifyRoutes`); unclaimed paths get the JSON 404. */
  readonly routes: readonly GatewayRoute[];
  readonly inFlight: InFlightRequests;
  /** Upstream connection idle limit in ms (config UPSTREAM_TIMEOUT_MS). */
  readonly upstreamTimeoutMs: number;
  /** How long `/ready` waits for each upstream's `/health`, in ms (config READY_PROBE_TIMEOUT_MS). */
  readonly readyProbeTimeoutMs: number;
}

/**
 * Builds (does not start) the gateway: the runtime's `/health` and `/ready` (ready when every
 * upstream's `/health` answers), then the proxy routes, then the JSON 404. No body parser anywhere:
 * bodies stream straight through.
 * @example
 * const app = createGatewayApp({ ...ctx, routes: cloudifyRoutes({ restService, fileserver }),
 *   inFlight: new InFlightRequests(), upstreamTimeoutMs: 60_000, readyProbeTimeoutMs: 1_000 });
 */
export function createGatewayApp(deps: GatewayAppDependencies): Express {
  const upstreams = new Set(deps.routes.map((route) => route.upstream));
  for (const upstream of upstreams) deps.readiness.add(upstream.name, upstreamHealthProbe(upstream, deps.readyProbeTimeoutMs));

  return createHttpApp({
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    readiness: deps.readiness,
    routes: (app) => {
      app.use(
        gatewayProxy(deps.routes, {
          logger: deps.logger,
          lifecycle: deps.lifecycle,
          inFlight: deps.inFlight,
          timeoutMs: deps.upstreamTimeoutMs,
        }),
      );
    },
  });
}
