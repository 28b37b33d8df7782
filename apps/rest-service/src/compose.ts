import { createEsClient } from '@cfy/es';
import type { ServiceContext } from '@cfy/runtime';
import type { Express } from 'express';
import { createRestServiceApp } from './app';
import { EsBlueprintRepository } from './blueprints/blueprint-repository';
import { BlueprintService } from './blueprints/blueprint-service';
import type { RestServiceConfig } from './config';
import { EsEventsStore } from './events/events-store';
import { FileserverClient } from './fileserver/fileserver.http';
import { InFlightUploads } from './in-flight-uploads';
import { statusTargets } from './status/probes';
import { versionInfo } from './status/version';

/** The composed service: its app, and the upload registry (observable by tests and benchmarks). */
export interface ComposedRestService {
  readonly app: Express;
  readonly uploads: InFlightUploads;
}

/**
 * Wires the rest-service from its config: Elasticsearch (indices bootstrapped), the fileserver
 * client, the blueprint flows and the app; registers readiness probes and the ordered shutdown
 * (stop intake: in-flight uploads finish or are aborted and cleaned up → close: ES client, fileserver
 * connections). Does not listen: `main.ts` does, and tests serve the app on a free port.
 * @example const { app } = await composeRestService(ctx, loadRestServiceConfig(process.env));
 */
export async function composeRestService(ctx: ServiceContext, config: RestServiceConfig): Promise<ComposedRestService> {
  const es = createEsClient({ url: config.ES_URL, logger: ctx.logger });
  const fileserver = new FileserverClient({
    url: config.FILESERVER_URL,
    internalToken: config.FILESERVER_INTERNAL_TOKEN,
    timeoutMs: config.FILESERVER_TIMEOUT_MS,
    logger: ctx.logger,
  });
  const uploads = new InFlightUploads();
  // Registered before anything can fail, so a failed start still closes what it opened. Hooks of
  // one phase run together: uploads drain while the HTTP server stops accepting, which lets the
  // server's close finish; their cleanup needs the clients, which close in the last phase.
  ctx.lifecycle.onShutdown('stop-intake', 'in-flight blueprint uploads', () => uploads.drain(config.UPLOAD_DRAIN_TIMEOUT_MS), config.UPLOAD_DRAIN_TIMEOUT_MS + 5_000);
  ctx.lifecycle.onShutdown('close', 'elasticsearch client', () => es.close());
  ctx.lifecycle.onShutdown('close', 'fileserver connections', () => fileserver.close());

  const repository = new EsBlueprintRepository(es, config.ES_INDEX_PREFIX);
  await repository.bootstrap();
  ctx.readiness.add('elasticsearch', async () => {
    if (!(await es.isReady())) throw new Error('Elasticsearch is not ready');
  });
  ctx.readiness.add('fileserver', () => fileserver.checkHealth());

  const app = createRestServiceApp({
    ...ctx,
    blueprints: new BlueprintService({
      repository,
      files: fileserver,
      logger: ctx.logger,
      maxArchiveBytes: config.MAX_BLUEPRINT_ARCHIVE_BYTES,
      importTimeoutMs: config.IMPORT_TIMEOUT_MS,
      maxImportBytes: config.MAX_IMPORT_BYTES,
    }),
    uploads,
    statusTargets: statusTargets({ es, fileserver, amqpUrl: config.AMQP_URL, influxUrl: config.INFLUX_URL }),
    version: versionInfo({ build: config.VERSION_BUILD, date: config.VERSION_DATE, commit: config.VERSION_COMMIT }),
    maxArchiveBytes: config.MAX_BLUEPRINT_ARCHIVE_BYTES,
    archiveUrlTimeoutMs: config.ARCHIVE_URL_TIMEOUT_MS,
    minAvailableMemoryMb: config.MIN_AVAILABLE_MEMORY_MB,
    events: {
      store: new EsEventsStore(es, { eventsIndexPrefix: config.EVENTS_INDEX_PREFIX, storageIndexPrefix: config.ES_INDEX_PREFIX }),
      insecureEndpointsEnabled: config.INSECURE_ENDPOINTS_ENABLED,
    },
  });
  return { app, uploads };
}
