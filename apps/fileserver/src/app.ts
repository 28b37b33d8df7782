import type { Express } from 'express';
import type { Logger } from '@cfy/logging';
import { createHttpApp, type Readiness, type ServiceLifecycle } from '@cfy/runtime';
import { internalRoutes } from './internal.http';
import type { ResourceStore } from './resource-store';
import { resourcesApp } from './resources.http';

export interface FileserverAppOptions {
  readonly store: ResourceStore;
  /** Shared secret required on `/_internal/**` when set (`INTERNAL_TOKEN`). */
  readonly internalToken?: string | undefined;
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
}

/**
 * Builds the fileserver's HTTP app (never listens): `/resources/**` read side, `/_internal/**`
 * write side, plus `/health` and `/ready` from the runtime.
 */
export function createFileserverApp(options: FileserverAppOptions): Express {
  return createHttpApp({
    logger: options.logger,
    lifecycle: options.lifecycle,
    readiness: options.readiness,
    routes: (app) => {
      app.use('/resources', resourcesApp(options.store));
      app.use('/_internal', internalRoutes(options.store, { token: options.internalToken }));
    },
  });
}
