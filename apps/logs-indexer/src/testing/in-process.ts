import { silentLogger, type Logger } from '@cfy/logging';
import { waitFor } from '@cfy/testing';
import { Readiness, ServiceLifecycle, type ShutdownReport } from '@cfy/runtime';
import { loadIndexerConfig } from '../config';
import { LogsIndexer } from '../indexer';

export interface InProcessIndexer {
  readonly indexer: LogsIndexer;
  readonly readiness: Readiness;
  /** The service's ordered shutdown, as on SIGTERM. */
  stop(): Promise<ShutdownReport>;
}

/**
 * The indexer running inside the test process, configured from `env` like the real service.
 * Resolves once it is ready: connected, queues declared and consumed (until then a test's message
 * would find no queue and be dropped by the broker).
 */
export async function startInProcessIndexer(env: Readonly<Record<string, string>>, logger: Logger = silentLogger): Promise<InProcessIndexer> {
  const config = loadIndexerConfig(env);
  const lifecycle = new ServiceLifecycle(logger);
  const readiness = new Readiness();
  const indexer = new LogsIndexer(config);
  await indexer.start({ logger, lifecycle, readiness });
  lifecycle.markRunning();
  await waitFor(async () => ((await readiness.check()).ready ? true : undefined), { timeoutMs: 30_000, what: 'the indexer to be ready' });
  return { indexer, readiness, stop: () => lifecycle.shutdown('test finished') };
}
