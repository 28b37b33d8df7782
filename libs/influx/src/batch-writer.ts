import { type Logger, silentLogger } from '@cfy/logging';
import { InfluxConfigError, InfluxUnavailableError, InfluxWriteError, InfluxWriterClosedError, isRetryableInfluxError } from './errors';
import { encodePoint, type Point, type Precision } from './line-protocol';
import { retryDelayMs, sleep } from './retry';

/** The port a BatchWriter sends through; InfluxClient implements it. */
export interface LineWriter {
  /** Writes encoded lines in one request. Rejects with an InfluxError that says if a retry can help. */
  writeLines(lines: readonly string[], precision: Precision): Promise<void>;
}

/** Points the writer gave up on. */
export interface DroppedPoints {
  /**
   * The batch the failed request carried. For a partial write (a field type conflict, points
   * outside the retention policy) InfluxDB stored all but `count` of them.
   */
  points: readonly Point[];
  /** How many points were lost: InfluxDB's `dropped=N` for a partial write, else `points.length`. */
  count: number;
  /**
   * InfluxWriteError (4xx: InfluxDB refused them; `serverMessage` says why) or
   * InfluxUnavailableError (still unreachable after every retry).
   */
  error: Error;
}

export interface BatchWriterOptions {
  /** Precision of the points' timestamps. Default `ms`. */
  precision?: Precision;
  /** Points per request; a full batch is sent at once. Default 5000 (InfluxData's recommendation). */
  batchSize?: number;
  /** A buffered point is sent at most this many milliseconds after it was written. Default 1000. */
  flushIntervalMs?: number;
  /** Requests in flight at once; when all are busy, `write` waits (backpressure). Default 2. */
  maxInFlight?: number;
  /** Retries of a batch after a retryable failure (5xx, 429, network, timeout). Default 5. */
  maxRetries?: number;
  /** Backoff before retries, in milliseconds (full jitter, doubled per attempt). Default 200. */
  retryInitialDelayMs?: number;
  /** Longest wait between retries, in milliseconds, even if the server asks for more. Default 10000. */
  retryMaxDelayMs?: number;
  /** Told about every batch the writer had to give up on. Default: only logged. */
  onDrop?: (dropped: DroppedPoints) => void;
  logger?: Logger;
}

/** Counters since the writer was created. */
export interface BatchWriterStats {
  bufferedPoints: number;
  inFlightRequests: number;
  writtenPoints: number;
  droppedPoints: number;
  retries: number;
}

interface Entry {
  point: Point;
  line: string;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, minimum = 1): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < minimum) throw new InfluxConfigError(`${name} must be an integer ≥ ${minimum}, got ${result}`);
  return result;
}

/**
 * Buffers points and writes them in batches: when `batchSize` points are buffered, or
 * `flushIntervalMs` after the oldest unsent point, whichever comes first. At most `maxInFlight`
 * requests run at once; a full batch waits for a free one, and so does the `write` that filled
 * it, so awaiting `write` bounds memory. Retryable failures are retried with backoff; batches that
 * cannot be written are reported to `onDrop` and counted, never thrown at the writer's caller.
 *
 * @example
 * const writer = client.batchWriter({ onDrop: ({ count, error }) => log.error('metrics lost', { count, error: error.message }) });
 * await writer.write({ measurement: 'cpu', tags: { host: 'vm_1' }, fields: { value: 12.5 }, timestamp: new Date() });
 * await writer.close(); // on shutdown: sends what is buffered and waits for it
 */
export class BatchWriter {
  private readonly precision: Precision;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxInFlight: number;
  private readonly maxRetries: number;
  private readonly backoff: { initialDelayMs: number; maxDelayMs: number };
  private readonly onDrop: ((dropped: DroppedPoints) => void) | undefined;
  private readonly logger: Logger;

  private buffer: Entry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly counters = { writtenPoints: 0, droppedPoints: 0, retries: 0 };

  constructor(
    private readonly port: LineWriter,
    options: BatchWriterOptions = {},
  ) {
    this.precision = options.precision ?? 'ms';
    this.batchSize = positiveInteger('batchSize', options.batchSize, 5000);
    this.flushIntervalMs = positiveInteger('flushIntervalMs', options.flushIntervalMs, 1000);
    this.maxInFlight = positiveInteger('maxInFlight', options.maxInFlight, 2);
    this.maxRetries = positiveInteger('maxRetries', options.maxRetries, 5, 0);
    this.backoff = {
      initialDelayMs: positiveInteger('retryInitialDelayMs', options.retryInitialDelayMs, 200, 0),
      maxDelayMs: positiveInteger('retryMaxDelayMs', options.retryMaxDelayMs, 10_000, 0),
    };
    this.onDrop = options.onDrop;
    this.logger = (options.logger ?? silentLogger).child({ component: 'influx-batch-writer' });
  }

  /**
   * Buffers one point. Rejects with LineProtocolError (nothing buffered) if it cannot be encoded,
   * and with InfluxWriterClosedError after `close()`. Resolves once the point is buffered and a
   * batch it completed has a request slot; not when InfluxDB has stored it.
   */
  async write(point: Point): Promise<void> {
    await this.writeAll([point]);
  }

  /** Buffers several points; all or none (one bad point rejects the call and buffers nothing). */
  async writeAll(points: Iterable<Point>): Promise<void> {
    if (this.closing) throw new InfluxWriterClosedError();
    const entries: Entry[] = [];
    for (const point of points) entries.push({ point, line: encodePoint(point, this.precision) });
    for (const entry of entries) this.buffer.push(entry);
    this.armTimer();
    while (this.buffer.length >= this.batchSize) await this.dispatch('full');
  }

  /** Sends every point buffered so far and waits until each request has succeeded or been dropped. */
  async flush(): Promise<void> {
    this.clearTimer();
    let remaining = this.buffer.length;
    while (remaining > 0 && this.buffer.length > 0) remaining -= await this.dispatch('any');
    await Promise.all(this.inFlight);
    this.armTimer();
  }

  /** Stops accepting points, flushes, and stops the timer. Idempotent: later calls share the first. */
  close(): Promise<void> {
    this.closing ??= this.flush().finally(() => this.clearTimer());
    return this.closing;
  }

  stats(): BatchWriterStats {
    return { ...this.counters, bufferedPoints: this.buffer.length, inFlightRequests: this.inFlight.size };
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.buffer.length === 0 || this.closing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushBuffered().catch((error: unknown) => this.logger.error('timed flush failed', { error: String(error) }));
    }, this.flushIntervalMs);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The timer's flush: sends what was buffered when it fired, without waiting for the requests. */
  private async flushBuffered(): Promise<void> {
    let remaining = this.buffer.length;
    while (remaining > 0 && this.buffer.length > 0) remaining -= await this.dispatch('any');
    this.armTimer();
  }

  /**
   * Waits for a request slot, then starts one request with up to batchSize points. `full` sends
   * only a full batch (another caller may have sent it meanwhile). Returns the points sent.
   */
  private async dispatch(mode: 'full' | 'any'): Promise<number> {
    // The promises in inFlight never reject (send catches everything).
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (mode === 'full' ? this.buffer.length < this.batchSize : this.buffer.length === 0) return 0;
    const batch = this.buffer.splice(0, this.batchSize);
    const request: Promise<void> = this.send(batch).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
    return batch.length;
  }

  private async send(batch: Entry[]): Promise<void> {
    const lines = batch.map((entry) => entry.line);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.port.writeLines(lines, this.precision);
        this.counters.writtenPoints += batch.length;
        this.logger.debug('batch written', { points: batch.length, attempt });
        return;
      } catch (error) {
        if (!isRetryableInfluxError(error) || attempt >= this.maxRetries) {
          this.drop(batch, error);
          return;
        }
        const retryAfterMs = error instanceof InfluxUnavailableError ? error.details.retryAfterMs : undefined;
        const delayMs = retryDelayMs(attempt, this.backoff, retryAfterMs);
        this.counters.retries += 1;
        this.logger.warn('InfluxDB write failed; retrying', { points: batch.length, attempt, delayMs, error: (error as Error).message });
        await sleep(delayMs);
      }
    }
  }

  private drop(batch: Entry[], failure: unknown): void {
    const error = failure instanceof Error ? failure : new Error(String(failure));
    const reported = error instanceof InfluxWriteError ? error.droppedPoints : undefined;
    const count = reported === undefined ? batch.length : Math.min(reported, batch.length);
    this.counters.droppedPoints += count;
    this.logger.error('InfluxDB points dropped', {
      points: batch.length,
      dropped: count,
      error: error.message,
      ...(error instanceof InfluxWriteError ? { status: error.status, serverMessage: error.serverMessage } : {}),
    });
    if (!this.onDrop) return;
    try {
      this.onDrop({ points: batch.map((entry) => entry.point), count, error });
    } catch (callbackError) {
      this.logger.error('onDrop callback threw', { error: String(callbackError) });
    }
  }
}
