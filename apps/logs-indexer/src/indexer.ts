import { connectAmqp } from '@cfy/amqp';
import { createEsClient, type BulkIndexer, type BulkIndexerStats } from '@cfy/es';
import { eventQueueTopology, type EventQueues } from '@cfy/events';
import type { ServiceContext } from '@cfy/runtime';
import { ensureIndexTemplates } from './bootstrap';
import type { IndexerConfig } from './config';
import type { StoredEventDocument } from './documents';
import { STREAM_KINDS, type StreamKind } from './index-names';
import { Intake, type StreamIntakeState } from './intake.amqp';
import { esIndexCatalog, RetentionJob, type RetentionStatus } from './retention';
import { IndexerStats, type StreamCounters } from './stats';

/** What `GET /stats` shows. */
export interface IndexerStatsSnapshot {
  readonly streams: Record<StreamKind, StreamCounters & Partial<StreamIntakeState> & { readonly dead_lettered: number | null }>;
  readonly bulk: BulkIndexerStats;
  readonly retention: RetentionStatus | null;
  /** This process's resident memory and V8 heap in use, in MiB. */
  readonly memory: { readonly rss_mib: number; readonly heap_used_mib: number };
}

/** Room the shutdown hooks leave around the drain time limit. */
const HOOK_MARGIN_MS = 5_000;

/**
 * The logs indexer: RabbitMQ `cloudify-events` / `cloudify-logs` → Elasticsearch daily indices,
 * each message acknowledged only after Elasticsearch confirmed its document (stored under a content
 * id, so a redelivery overwrites instead of duplicating). `start` wires it into the service's
 * lifecycle: readiness probes for both backends and the ordered shutdown (stop intake and drain,
 * flush, close).
 *
 * @example
 * const indexer = new LogsIndexer(config);
 * const app = createIndexerApp({ ...ctx, stats: () => indexer.stats() });
 * await listen(createServer(app), ctx, config.LIVENESS_PORT, config.HOST);
 * await indexer.start(ctx);
 */
export class LogsIndexer {
  readonly counters = new IndexerStats();
  private readonly queues: EventQueues;
  private bulk: BulkIndexer<StoredEventDocument> | undefined;
  private intake: Intake | undefined;
  private retention: RetentionJob | undefined;

  constructor(private readonly config: IndexerConfig) {
    this.queues = { events: config.EVENTS_QUEUE, logs: config.LOGS_QUEUE };
  }

  async start(ctx: ServiceContext): Promise<void> {
    const { config } = this;
    const logger = ctx.logger;
    const stopping = new AbortController();
    const es = createEsClient({ url: config.ES_URL, requestTimeoutMs: config.ES_REQUEST_TIMEOUT_MS, logger });
    const amqp = await connectAmqp({
      url: config.AMQP_URL,
      logger,
      connectionName: 'logs-indexer',
      // The same declaration as every producer's: durable, never auto-deleted.
      topology: eventQueueTopology(this.queues),
    });
    const bulk = es.bulkIndexer<StoredEventDocument>({
      flushItems: config.BULK_FLUSH_ITEMS,
      flushBytes: config.BULK_FLUSH_BYTES,
      flushIntervalMs: config.BULK_FLUSH_INTERVAL_MS,
      concurrency: config.BULK_CONCURRENCY,
      // Every message held is unacknowledged, so the broker bounds what waits: admit all of them.
      maxPendingItems: config.PREFETCH * STREAM_KINDS.length,
      // Transient failures (Elasticsearch down, 429, 5xx) are retried for as long as it takes: giving
      // up would dead-letter good messages. Backpressure comes from the prefetch limit instead.
      maxRetries: Number.MAX_SAFE_INTEGER,
      retryMaxDelayMs: config.ES_RETRY_MAX_DELAY_MS,
    });
    this.bulk = bulk;

    ctx.readiness.add('rabbitmq', async () => {
      if (!amqp.isConnected()) throw new Error('not connected to the broker');
      if (!this.intake?.isConsuming()) throw new Error('not consuming');
    });
    ctx.readiness.add('elasticsearch', async () => {
      if (!(await es.isReady())) throw new Error('Elasticsearch not reachable or red');
    });

    const drainLimit = config.DRAIN_TIMEOUT_MS + HOOK_MARGIN_MS;
    ctx.lifecycle.onShutdown(
      'stop-intake',
      'consumers: cancel, store and ack messages in flight',
      async () => {
        stopping.abort();
        // Send what is buffered now rather than at the next flush tick; the handlers then ack.
        const flushed = bulk.flush();
        await this.intake?.stop();
        await flushed;
      },
      drainLimit,
    );
    ctx.lifecycle.onShutdown('flush', 'bulk indexer', () => bulk.close(), drainLimit);
    ctx.lifecycle.onShutdown('close', 'retention job', () => this.retention?.stop());
    ctx.lifecycle.onShutdown('close', 'broker connection', () => amqp.close());
    ctx.lifecycle.onShutdown('close', 'Elasticsearch client', async () => {
      // The bulk indexer must be done first; it was closed in the flush phase.
      await es.close();
    });

    const templates = await ensureIndexTemplates({
      es,
      prefix: config.INDEX_PREFIX,
      refreshInterval: config.INDEX_REFRESH_INTERVAL,
      maxDelayMs: config.ES_RETRY_MAX_DELAY_MS,
      logger,
      signal: stopping.signal,
    });
    // Shut down before Elasticsearch ever answered (or while it did): never start consuming then.
    if (!templates || stopping.signal.aborted) return;

    this.retention = new RetentionJob({ catalog: esIndexCatalog(es), prefix: config.INDEX_PREFIX, retentionDays: config.RETENTION_DAYS, logger });
    this.retention.start();
    this.intake = await Intake.start({
      connection: amqp,
      queues: this.queues,
      prefix: config.INDEX_PREFIX,
      prefetch: config.PREFETCH,
      drainTimeoutMs: config.DRAIN_TIMEOUT_MS,
      sink: bulk,
      stats: this.counters,
      logger,
    });
    logger.info('indexing', { queues: this.queues, index_prefix: config.INDEX_PREFIX, prefetch: config.PREFETCH });
  }

  async stats(): Promise<IndexerStatsSnapshot> {
    const intake = this.intake;
    const stream = async (kind: StreamKind) => ({
      ...this.counters.of(kind),
      ...(intake ? intake.state(kind) : { queue: this.queues[kind] }),
      dead_lettered: intake ? await intake.deadLettered(kind) : null,
    });
    const [events, logs] = await Promise.all([stream('events'), stream('logs')]);
    const memory = process.memoryUsage();
    return {
      streams: { events, logs },
      bulk: this.bulk?.stats() ?? { stored: 0, dropped: 0, retriedItems: 0, requests: 0, pending: 0, waiting: 0 },
      retention: this.retention?.status() ?? null,
      memory: { rss_mib: mebibytes(memory.rss), heap_used_mib: mebibytes(memory.heapUsed) },
    };
  }
}

function mebibytes(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
