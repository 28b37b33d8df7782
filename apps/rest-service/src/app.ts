import type { Logger } from '@cfy/logging';
import { createHttpApp, type Readiness, type ServiceLifecycle } from '@cfy/runtime';
import type { Express } from 'express';
import { versionsSince } from './api-versions';
import type { BlueprintService } from './blueprints/blueprint-service';
import { blueprintRoutes } from './blueprints/blueprints.http';
import { eventsRoutes } from './events/events.http';
import type { EventsStore } from './events/events-store';
import { memoryGuard } from './http/memory-guard';
import type { InFlightUploads } from './in-flight-uploads';
import type { StatusTarget } from './status/status';
import { statusRoutes } from './status/status.http';
import type { VersionInfo } from './status/version';

export interface RestServiceAppDependencies {
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
  readonly blueprints: BlueprintService;
  readonly uploads: InFlightUploads;
  readonly statusTargets: readonly StatusTarget[];
  readonly version: VersionInfo;
  /** MAX_BLUEPRINT_ARCHIVE_BYTES. */
  readonly maxArchiveBytes: number;
  /** ARCHIVE_URL_TIMEOUT_MS. */
  readonly archiveUrlTimeoutMs: number;
  /** MIN_AVAILABLE_MEMORY_MB (0 disables the list guard). */
  readonly minAvailableMemoryMb: number;
  /** Available memory in bytes; injectable for tests. Default `os.freemem()`. */
  readonly availableMemoryBytes?: () => number;
  /** Used for `blueprint_archive_url`; injectable for tests. Default the global fetch. */
  readonly fetch?: typeof fetch;
  /**
   * Events and logs storage, and INSECURE_ENDPOINTS_ENABLED. `/events` and `/search` are mounted
   * only when given (apps built for other resources' unit tests leave them out).
   */
  readonly events?: { readonly store: EventsStore; readonly insecureEndpointsEnabled: boolean };
}

/**
 * Builds (does not start) the REST API v2.1 server: `/health`, `/ready`, then every resource under
 * `/api/v1`, `/api/v2` and `/api/v2.1` (rest-api §1; each version gets the newest implementation
 * not newer than itself), then the JSON 404 and the one error mapper. No global body parser.
 * @example
 * const app = createRestServiceApp({ ...ctx, blueprints, uploads, statusTargets, version, maxArchiveBytes: 512 << 20,
 *   archiveUrlTimeoutMs: 120_000, minAvailableMemoryMb: 512 });
 */
export function createRestServiceApp(deps: RestServiceAppDependencies): Express {
  const beforeList = memoryGuard(deps.minAvailableMemoryMb, deps.availableMemoryBytes);
  const status = statusRoutes({ targets: deps.statusTargets, version: deps.version });
  return createHttpApp({
    logger: deps.logger,
    lifecycle: deps.lifecycle,
    readiness: deps.readiness,
    routes: (app) => {
      // Blueprints, status, version, events and search were all introduced in v1; v1 renders
      // blueprints without description/main_file_name and lists as bare arrays, and its /events
      // is the raw-Elasticsearch one (the routes switch on version).
      for (const version of versionsSince('v1')) {
        app.use(`/api/${version}`, status);
        app.use(
          `/api/${version}`,
          blueprintRoutes({
            version,
            service: deps.blueprints,
            uploads: deps.uploads,
            beforeList,
            maxArchiveBytes: deps.maxArchiveBytes,
            archiveUrlTimeoutMs: deps.archiveUrlTimeoutMs,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
          }),
        );
        if (deps.events) app.use(`/api/${version}`, eventsRoutes({ version, ...deps.events }));
      }
    },
  });
}
