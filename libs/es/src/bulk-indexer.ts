import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, silentLogger } from '@cfy/logging';
import { backoffDelayMs } from './backoff';
import { type BulkItem, type BulkItemStatus, type BulkLines, bulkBody, bulkLines } from './bulk-protocol';
import { EsError, EsRequestError, isRetryableStatus, toEsError } from './errors';
import { Fifo } from './fifo';

/**
 * Sends one NDJSON `_bulk` body and returns one status per item, in order. The Elasticsearch
 * implementation is {@link EsClient.bulkIndexer}'s; unit tests pass a fake. Throws on a
 * whole-request failure (transport errors are mapped with toEsError).
 */
export type BulkSender = (body: string, itemCount: number) => Promise<BulkItemStatus[]>;

/** An item Elasticsearch did not store, as reported to `onDrop` and in the rejection. */
export interface DroppedItem<TDoc = unknown> {
  item: BulkItem<TDoc>;
  /** HTTP status of the item (or of the whole request); undefined when none arrived. */
  status: number | undefined;
  /** Elasticsearch's error type, e.g. `document_parsing_exception`. */
  type: string | undefined;
  reason: string;
  /** True when the item failed only for transient reasons (429/5xx/unreachable) and retries ran out. */
  retryable: boolean;
  /** Requests that carried the item. 0 when it could not even be serialised. */
  attempts: number;
}

/** The rejection of {@link BulkIndexer.add} for an item that was not stored. */
export class BulkItemDroppedError<TDoc = unknown> extends EsError {
  override readonly name = 'BulkItemDroppedError';
  readonly retryable: boolean;
  readonly dropped: DroppedItem<TDoc>;

  constructor(dropped: DroppedItem<TDoc>, cause?: unknown) {
    const where = `${dropped.item.index}/${dropped.item.id ?? '(auto id)'}`;
    super(`bulk item ${where} dropped: ${dropped.reason}`, { status: dropped.status, cause });
    this.retryable = dropped.retryable;
    this.dropped = dropped;
  }
}

/** The rejection of {@link BulkIndexer.add} after {@link BulkIndexer.close} was called. */
export class BulkIndexerClosedError extends EsError {
  override readonly name = 'BulkIndexerClosedError';
  readonly retryable = false;

  constructor() {
    super('bulk indexer is closed');
  }
}

export interface BulkIndexerOptions<TDoc = unknown> {
  /** Send a request once this many items are buffered. Default 1000. */
  flushItems?: number;
  /** Send a request before the buffered NDJSON would exceed this many bytes. Default 5 MiB. */
  flushBytes?: number;
  /** Send buffered items at most this long after the first of them arrived. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Bulk requests in flight at once. Default 2. */
  concurrency?: number;
  /**
   * Items accepted and not yet settled (buffered, queued, in flight or awaiting a retry) before
   * add() waits for capacity. Default `flushItems * (concurrency + 1)`.
   */
  maxPendingItems?: number;
  /** Retries of 429/5xx/unreachable, per request and per item, after the first attempt. Default 5. */
  maxRetries?: number;
  /** First retry delay, doubled per retry with jitter. Default 100 ms. */
  retryInitialDelayMs?: number;
  /** Cap of one retry delay. Default 5000 ms. */
  retryMaxDelayMs?: number;
  /** Called once per item that will not be stored, before its add() promise rejects. */
  onDrop?: (dropped: DroppedItem<TDoc>) => void;
  logger?: Logger;
}

/** Counters since the indexer was created. */
export interface BulkIndexerStats {
  stored: number;
  dropped: number;
  /** Item retries (an item retried twice counts 2); whole-request retries count every item. */
  retriedItems: number;
  requests: number;
  /** Items accepted and not yet settled. */
  pending: number;
  /** add() calls waiting for capacity. */
  waiting: number;
}

interface Entry<TDoc> {
  readonly item: BulkItem<TDoc>;
  readonly lines: BulkLines;
  readonly epoch: number;
  readonly resolve: () => void;
  readonly reject: (error: BulkItemDroppedError<TDoc>) => void;
  settled: boolean;
}

interface Waiter<TDoc> {
  readonly item: BulkItem<TDoc>;
  readonly epoch: number;
  readonly resolve: () => void;
  readonly reject: (error: BulkItemDroppedError<TDoc>) => void;
}

interface Barrier {
  readonly epoch: number;
  readonly resolve: () => void;
}

type Settings = Required<Omit<BulkIndexerOptions, 'onDrop' | 'logger'>>;

/**
 * Buffers documents and stores them with `_bulk`, resolving each add() only once Elasticsearch
 * confirmed that item, so a consumer can ack a message exactly when its document is safe.
 * Modelled on the elasticsearch-js bulk helper: flush by count, bytes and time; bounded
 * concurrency; retries of 429/5xx with exponential backoff; `onDrop` for items that cannot be
 * stored. Get one from {@link EsClient.bulkIndexer}.
 *
 * Producers that await each add() before the next one (an AMQP consumer with prefetch N) never
 * have more than N items buffered: set `flushItems` at or below N, or each batch waits for
 * `flushIntervalMs`.
 *
 * @example
 * const indexer = es.bulkIndexer<LogDoc>({ flushItems: 500, onDrop: (d) => log.warn(d.reason) });
 * await indexer.add({ index: 'logs', id: msgId, document: doc }); // stored: ack now
 * await indexer.close();
 */
export class BulkIndexer<TDoc = unknown> {
  private readonly settings: Settings;
  private readonly onDrop: ((dropped: DroppedItem<TDoc>) => void) | undefined;
  private readonly logger: Logger;

  private buffer: Array<Entry<TDoc>> = [];
  private bufferBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly batches = new Fifo<Array<Entry<TDoc>>>();
  private inFlight = 0;
  private pending = 0;
  private readonly waiters = new Fifo<Waiter<TDoc>>();
  private closed = false;

  // flush() waits for every item added before it. Items are tagged with the epoch current when
  // add() was called; flush() starts a new epoch and waits until no older item is unsettled.
  private epoch = 0;
  private readonly unsettledByEpoch = new Map<number, number>();
  private barriers: Barrier[] = [];
  private flushRequestedUpTo = -1;

  private readonly counters = { stored: 0, dropped: 0, retriedItems: 0, requests: 0 };

  constructor(
    private readonly send: BulkSender,
    options: BulkIndexerOptions<TDoc> = {},
  ) {
    const flushItems = positiveInteger('flushItems', options.flushItems ?? 1000);
    const concurrency = positiveInteger('concurrency', options.concurrency ?? 2);
    this.settings = {
      flushItems,
      flushBytes: positiveInteger('flushBytes', options.flushBytes ?? 5 * 1024 * 1024),
      flushIntervalMs: positiveInteger('flushIntervalMs', options.flushIntervalMs ?? 1000),
      concurrency,
      maxPendingItems: positiveInteger('maxPendingItems', options.maxPendingItems ?? flushItems * (concurrency + 1)),
      maxRetries: nonNegativeInteger('maxRetries', options.maxRetries ?? 5),
      retryInitialDelayMs: nonNegativeInteger('retryInitialDelayMs', options.retryInitialDelayMs ?? 100),
      retryMaxDelayMs: nonNegativeInteger('retryMaxDelayMs', options.retryMaxDelayMs ?? 5000),
    };
    this.onDrop = options.onDrop;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Queues one document. Waits while `maxPendingItems` items are pending (backpressure), then
   * resolves once Elasticsearch stored the item.
   *
   * @throws BulkItemDroppedError (as a rejection) when the item will not be stored; `retryable`
   *   says whether it failed only for transient reasons.
   * @throws BulkIndexerClosedError (as a rejection) after close().
   */
  add(item: BulkItem<TDoc>): Promise<void> {
    if (this.closed) return Promise.reject(new BulkIndexerClosedError());
    const epoch = this.epoch;
    this.unsettledByEpoch.set(epoch, (this.unsettledByEpoch.get(epoch) ?? 0) + 1);
    return new Promise<void>((resolve, reject) => {
      if (this.waiters.length === 0 && this.pending < this.settings.maxPendingItems) {
        this.accept({ item, epoch, resolve, reject });
        return;
      }
      this.waiters.push({ item, epoch, resolve, reject });
      // Producers are blocked: send what is buffered now instead of waiting for the timer.
      this.cut();
    });
  }

  /**
   * Sends everything buffered and resolves when every item added before this call has been
   * stored or dropped (including items still waiting for capacity).
   */
  async flush(): Promise<void> {
    const epoch = this.epoch;
    this.epoch += 1;
    this.flushRequestedUpTo = epoch;
    this.cut();
    await this.settledUpTo(epoch);
  }

  /** Refuses new items, flushes everything pending and stops the flush timer. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.clearTimer();
  }

  stats(): BulkIndexerStats {
    return { ...this.counters, pending: this.pending, waiting: this.waiters.length };
  }

  private accept(waiter: Waiter<TDoc>): void {
    this.pending += 1;
    let lines: BulkLines;
    try {
      lines = bulkLines(waiter.item);
    } catch (error) {
      const entry = newEntry(waiter, { text: '', bytes: 0 });
      const mapped = toEsError(error);
      this.drop(entry, { status: undefined, type: typeOf(mapped), reason: mapped.message, retryable: false, attempts: 0 }, mapped);
      return;
    }
    const entry = newEntry(waiter, lines);
    const { flushItems, flushBytes } = this.settings;
    // Keep every request within flushBytes, unless one item alone is bigger.
    if (this.buffer.length > 0 && this.bufferBytes + lines.bytes > flushBytes) this.cut();
    this.buffer.push(entry);
    this.bufferBytes += lines.bytes;
    if (this.buffer.length >= flushItems || this.bufferBytes >= flushBytes) {
      this.cut();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.cut();
      }, this.settings.flushIntervalMs);
    }
  }

  /** Moves the buffer into the batch queue and starts requests while slots are free. */
  private cut(): void {
    if (this.buffer.length > 0) {
      this.batches.push(this.buffer);
      this.buffer = [];
      this.bufferBytes = 0;
      this.clearTimer();
    }
    while (this.inFlight < this.settings.concurrency && this.batches.length > 0) {
      const batch = this.batches.shift();
      if (!batch) break;
      this.inFlight += 1;
      const done = (): void => {
        this.inFlight -= 1;
        this.cut();
      };
      void this.run(batch).then(done, done);
    }
  }

  /** Sends one batch and retries its retryable items; settles every entry before returning. */
  private async run(batch: Array<Entry<TDoc>>): Promise<void> {
    let entries = batch;
    try {
      for (let attempt = 1; ; attempt++) {
        const retry = await this.attempt(entries, attempt);
        this.admitWaiters();
        if (retry.length === 0) return;
        this.counters.retriedItems += retry.length;
        await sleep(this.delayBeforeRetry(attempt));
        entries = retry;
      }
    } catch (error) {
      // Only reachable through a bug; no item may be left hanging.
      const mapped = toEsError(error);
      for (const entry of entries) {
        if (!entry.settled) {
          this.drop(entry, { status: undefined, type: typeOf(mapped), reason: mapped.message, retryable: false, attempts: 0 }, error);
        }
      }
      this.logger.error('bulk indexer failed unexpectedly', { error: mapped.message });
      this.admitWaiters();
    }
  }

  /** One request; settles final outcomes and returns the entries to retry. */
  private async attempt(entries: Array<Entry<TDoc>>, attempt: number): Promise<Array<Entry<TDoc>>> {
    const mayRetry = attempt <= this.settings.maxRetries;
    this.counters.requests += 1;
    let statuses: BulkItemStatus[];
    try {
      statuses = await this.send(bulkBody(entries), entries.length);
    } catch (error) {
      const mapped = toEsError(error);
      const retryable = mapped instanceof EsError && mapped.retryable;
      if (retryable && mayRetry) {
        this.logger.warn('bulk request failed; retrying', { items: entries.length, attempt, error: mapped.message });
        return entries;
      }
      const outcome = { status: statusOf(mapped), type: typeOf(mapped), reason: mapped.message, retryable, attempts: attempt };
      for (const entry of entries) this.drop(entry, outcome, mapped);
      this.logger.warn('bulk request failed; items dropped', { items: entries.length, attempt, error: mapped.message });
      return [];
    }
    const retry: Array<Entry<TDoc>> = [];
    let dropped = 0;
    let firstReason: string | undefined;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry<TDoc>;
      const { status, type, reason } = statuses[i] as BulkItemStatus;
      if (status < 300) {
        this.store(entry);
      } else if (isRetryableStatus(status) && mayRetry) {
        retry.push(entry);
      } else {
        const why = reason ?? type ?? `HTTP ${status}`;
        firstReason ??= why;
        dropped += 1;
        this.drop(entry, { status, type, reason: why, retryable: isRetryableStatus(status), attempts: attempt });
      }
    }
    if (dropped > 0) this.logger.warn('bulk items dropped', { dropped, items: entries.length, first_reason: firstReason });
    if (retry.length > 0) this.logger.debug('bulk items rejected; retrying', { items: retry.length, attempt });
    return retry;
  }

  private delayBeforeRetry(attempt: number): number {
    return backoffDelayMs(attempt, {
      initialDelayMs: this.settings.retryInitialDelayMs,
      maxDelayMs: this.settings.retryMaxDelayMs,
    });
  }

  private store(entry: Entry<TDoc>): void {
    if (entry.settled) return;
    entry.settled = true;
    this.pending -= 1;
    this.counters.stored += 1;
    this.markSettled(entry.epoch);
    entry.resolve();
  }

  private drop(entry: Entry<TDoc>, outcome: Omit<DroppedItem<TDoc>, 'item'>, cause?: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    this.pending -= 1;
    this.counters.dropped += 1;
    const dropped: DroppedItem<TDoc> = { item: entry.item, ...outcome };
    try {
      this.onDrop?.(dropped);
    } catch (error) {
      this.logger.error('onDrop callback threw', { error: error instanceof Error ? error.message : String(error) });
    }
    this.markSettled(entry.epoch);
    entry.reject(new BulkItemDroppedError(dropped, cause));
  }

  /** Accepts waiting producers while there is capacity. */
  private admitWaiters(): void {
    let flushNow = false;
    while (this.waiters.length > 0 && this.pending < this.settings.maxPendingItems) {
      const waiter = this.waiters.shift();
      if (!waiter) break;
      this.accept(waiter);
      if (waiter.epoch <= this.flushRequestedUpTo) flushNow = true;
    }
    if (flushNow) this.cut();
  }

  private markSettled(epoch: number): void {
    const left = (this.unsettledByEpoch.get(epoch) ?? 1) - 1;
    if (left > 0) {
      this.unsettledByEpoch.set(epoch, left);
      return;
    }
    this.unsettledByEpoch.delete(epoch);
    if (this.barriers.length === 0) return;
    const oldest = this.oldestUnsettledEpoch();
    const ready = this.barriers.filter((barrier) => oldest === undefined || barrier.epoch < oldest);
    if (ready.length === 0) return;
    this.barriers = this.barriers.filter((barrier) => !ready.includes(barrier));
    for (const barrier of ready) barrier.resolve();
  }

  private settledUpTo(epoch: number): Promise<void> {
    const oldest = this.oldestUnsettledEpoch();
    if (oldest === undefined || oldest > epoch) return Promise.resolve();
    return new Promise((resolve) => this.barriers.push({ epoch, resolve }));
  }

  private oldestUnsettledEpoch(): number | undefined {
    // Epochs are inserted in increasing order, so the map's first key is the oldest.
    for (const epoch of this.unsettledByEpoch.keys()) return epoch;
    return undefined;
  }

  private clearTimer(): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
  }
}

// A literal with every field (no spread) keeps one object shape on the per-item hot path.
function newEntry<TDoc>(waiter: Waiter<TDoc>, lines: BulkLines): Entry<TDoc> {
  return { item: waiter.item, lines, epoch: waiter.epoch, resolve: waiter.resolve, reject: waiter.reject, settled: false };
}

function statusOf(error: Error): number | undefined {
  return error instanceof EsError ? error.status : undefined;
}

function typeOf(error: Error): string | undefined {
  return error instanceof EsRequestError ? error.type : undefined;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}
