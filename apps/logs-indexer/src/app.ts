import type { Logger } from '@cfy/logging';
import { createHttpApp, type Readiness, type ServiceLifecycle } from '@cfy/runtime';
import type { Express } from 'express';
import { statsRoutes, type StatsSource } from './stats.http';

export interface IndexerAppDependencies {
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
  readonly stats: StatsSource;
}

/**
 * Builds (does not start) the indexer's liveness app: the runtime's `/health` and `/ready` (ready
 * when the broker and Elasticsearch answer and both queues are consumed) plus `GET /stats`.
 * @example const app = createIndexerApp({ ...ctx, stats: () => indexer.stats() });
 */
export function createIndexerApp(deps: IndexerAppDependencies): Express {
  return createHttpApp({
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    readiness: deps.readiness,
    routes: statsRoutes(deps.stats),
  });
}
