import { toEsError, type EsClient } from '@cfy/es';
import type { Logger } from '@cfy/logging';
import { dailyIndexDay, indexBaseName, STREAM_KINDS } from './index-names';

const DAY_MS = 86_400_000;
/** After a failed run (Elasticsearch away), try again this much sooner than a day. */
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** Names per delete request: keeps the URL short. */
const DELETE_BATCH = 50;

/** The index operations retention needs. */
export interface IndexCatalog {
  /** Names of the indices matching any of `patterns` (wildcards allowed). */
  list(patterns: readonly string[]): Promise<string[]>;
  /** Deletes the indices by exact name. */
  delete(names: readonly string[]): Promise<void>;
}

/** The catalog on a real cluster (`_cat/indices` and index deletion by name; no delete_by_query). */
export function esIndexCatalog(es: EsClient): IndexCatalog {
  return {
    async list(patterns) {
      try {
        const rows = await es.raw.cat.indices({ index: [...patterns], format: 'json', h: 'index', expand_wildcards: 'all' });
        return rows.flatMap((row) => (typeof row.index === 'string' ? [row.index] : []));
      } catch (error) {
        throw toEsError(error);
      }
    },
    async delete(names) {
      for (let start = 0; start < names.length; start += DELETE_BATCH) {
        try {
          await es.raw.indices.delete({ index: names.slice(start, start + DELETE_BATCH), ignore_unavailable: true });
        } catch (error) {
          throw toEsError(error);
        }
      }
    },
  };
}

export interface RetentionOptions {
  readonly catalog: IndexCatalog;
  /** The indexer's INDEX_PREFIX. */
  readonly prefix: string;
  /** Keep today (UTC) and this many previous days. */
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Epoch ms now; injected for tests. Default Date.now. */
  readonly clock?: () => number;
  /** Between runs. Default one day. */
  readonly intervalMs?: number;
}

export interface RetentionStatus {
  readonly last_run_at: string | null;
  readonly last_error: string | null;
  readonly deleted_total: number;
}

/**
 * Deletes the daily indices of events and logs whose day is more than `retentionDays` days before
 * today (UTC): with 30, on 2024-03-31 the oldest kept index is `…-2024.03.01`. Only names of the
 * indexer's own daily pattern are ever deleted, by name. Runs at start and then every interval; a
 * failed run is logged and retried after ten minutes.
 * @example const job = new RetentionJob({ catalog: esIndexCatalog(es), prefix: '', retentionDays: 30, logger }); job.start();
 */
export class RetentionJob {
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastRunAt: number | undefined;
  private lastError: string | undefined;
  private deletedTotal = 0;

  constructor(private readonly options: RetentionOptions) {
    this.clock = options.clock ?? Date.now;
    this.intervalMs = options.intervalMs ?? DAY_MS;
  }

  /** The daily indices (of either stream) that are past retention at `now`, from `names`. */
  expired(names: readonly string[], now = this.clock()): string[] {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const oldestKept = today - this.options.retentionDays * DAY_MS;
    return names.filter((name) =>
      STREAM_KINDS.some((kind) => {
        const day = dailyIndexDay(this.options.prefix, kind, name);
        return day !== undefined && day < oldestKept;
      }),
    );
  }

  /** One pass: lists the daily indices, deletes the expired ones and returns their names. */
  async runOnce(): Promise<string[]> {
    const patterns = STREAM_KINDS.map((kind) => `${indexBaseName(this.options.prefix, kind)}-*`);
    const expired = this.expired(await this.options.catalog.list(patterns));
    if (expired.length > 0) {
      await this.options.catalog.delete(expired);
      this.options.logger.info('deleted daily indices past retention', { indices: expired, retention_days: this.options.retentionDays });
    }
    this.deletedTotal += expired.length;
    return expired;
  }

  /** Runs now, then on schedule, until stop(). */
  start(): void {
    this.schedule(0);
  }

  /** Cancels the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  status(): RetentionStatus {
    return {
      last_run_at: this.lastRunAt === undefined ? null : new Date(this.lastRunAt).toISOString(),
      last_error: this.lastError ?? null,
      deleted_total: this.deletedTotal,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runScheduled();
    }, delayMs);
    // The job must not keep a stopping process alive.
    this.timer.unref();
  }

  private async runScheduled(): Promise<void> {
    let nextDelay = this.intervalMs;
    try {
      await this.runOnce();
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      nextDelay = Math.min(this.intervalMs, RETRY_AFTER_FAILURE_MS);
      this.options.logger.warn('retention run failed; retrying later', { error: this.lastError, retry_in_ms: nextDelay });
    } finally {
      this.lastRunAt = this.clock();
    }
    this.schedule(nextDelay);
  }
}
