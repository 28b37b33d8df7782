import { BatchWriter, type BatchWriterOptions, type DroppedPoints, type LineWriter } from './batch-writer';
import { InfluxUnavailableError, InfluxWriteError, InfluxWriterClosedError, LineProtocolError } from './errors';
import { type Point, type Precision } from './line-protocol';

/** A LineWriter that records every request and answers as each test scripts it. */
class FakePort implements LineWriter {
  readonly requests: Array<{ lines: readonly string[]; precision: Precision }> = [];
  active = 0;
  maxActive = 0;
  /** Answers for the next requests, in order; when empty, requests succeed at once. */
  readonly script: Array<Error | 'hold'> = [];
  private readonly held: Array<() => void> = [];

  async writeLines(lines: readonly string[], precision: Precision): Promise<void> {
    this.requests.push({ lines, precision });
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      const next = this.script.shift();
      if (next === 'hold') await new Promise<void>((resolve) => this.held.push(resolve));
      else if (next) throw next;
    } finally {
      this.active -= 1;
    }
  }

  get heldCount(): number {
    return this.held.length;
  }

  releaseOne(): void {
    this.held.shift()?.();
  }

  get lines(): string[] {
    return this.requests.flatMap((request) => request.lines);
  }
}

const point = (i: number): Point => ({ measurement: 'm', tags: { n: String(i) }, fields: { v: i }, timestamp: i });
const points = (count: number, from = 0): Point[] => Array.from({ length: count }, (_, i) => point(from + i));
/** Lets promise callbacks queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function writerWith(port: FakePort, options: BatchWriterOptions = {}): { writer: BatchWriter; drops: DroppedPoints[] } {
  const drops: DroppedPoints[] = [];
  const writer = new BatchWriter(port, {
    flushIntervalMs: 60_000,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 2,
    onDrop: (dropped) => drops.push(dropped),
    ...options,
  });
  return { writer, drops };
}

describe('BatchWriter batching', () => {
  it('sends a request as soon as batchSize points are buffered, and keeps the rest', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { batchSize: 3 });
    await writer.writeAll(points(2));
    expect(port.requests).toHaveLength(0);
    await writer.writeAll(points(2, 2));
    expect(port.requests.map((r) => r.lines.length)).toEqual([3]);
    expect(writer.stats().bufferedPoints).toBe(1);
    await writer.close();
  });

  it('splits a large write into batchSize requests', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { batchSize: 4, maxInFlight: 10 });
    await writer.writeAll(points(10));
    await writer.flush();
    expect(port.requests.map((r) => r.lines.length)).toEqual([4, 4, 2]);
    expect(port.lines).toEqual(points(10).map((_, i) => `m,n=${i} v=${i} ${i}`));
    await writer.close();
  });

  it('writes with the configured precision', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { precision: 's' });
    await writer.write({ measurement: 'm', fields: { v: 1 }, timestamp: new Date(5500) });
    await writer.flush();
    expect(port.requests).toEqual([{ lines: ['m v=1 5'], precision: 's' }]);
    await writer.close();
  });

  it('refuses a batch with one bad point and buffers none of it', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port);
    await expect(writer.writeAll([point(1), { measurement: 'm', fields: { v: Number.NaN } }])).rejects.toBeInstanceOf(LineProtocolError);
    expect(writer.stats().bufferedPoints).toBe(0);
    await writer.close();
    expect(port.requests).toHaveLength(0);
  });
});

describe('BatchWriter flush interval', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a partial batch flushIntervalMs after the first buffered point', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { batchSize: 100, flushIntervalMs: 500 });
    await writer.write(point(1));
    await jest.advanceTimersByTimeAsync(300);
    await writer.write(point(2));
    await jest.advanceTimersByTimeAsync(199);
    expect(port.requests).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(port.requests.map((r) => r.lines.length)).toEqual([2]);
    await writer.close();
  });

  it('starts a new interval for points written after a timed flush', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { batchSize: 100, flushIntervalMs: 500 });
    await writer.write(point(1));
    await jest.advanceTimersByTimeAsync(500);
    await writer.write(point(2));
    await jest.advanceTimersByTimeAsync(499);
    expect(port.requests).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(port.requests).toHaveLength(2);
    await writer.close();
  });

  it('leaves no timer behind after close', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { flushIntervalMs: 500 });
    await writer.write(point(1));
    expect(jest.getTimerCount()).toBe(1);
    await writer.close();
    expect(jest.getTimerCount()).toBe(0);
    expect(port.requests).toHaveLength(1);
  });
});

describe('BatchWriter concurrency', () => {
  it('never runs more than maxInFlight requests and makes write wait for a free one', async () => {
    const port = new FakePort();
    port.script.push('hold', 'hold', 'hold', 'hold');
    const { writer } = writerWith(port, { batchSize: 2, maxInFlight: 2 });

    await writer.writeAll(points(4));
    expect(port.active).toBe(2);

    let thirdBatchAccepted = false;
    const third = writer.writeAll(points(2, 4)).then(() => {
      thirdBatchAccepted = true;
    });
    await settle();
    expect(thirdBatchAccepted).toBe(false);
    expect(port.requests).toHaveLength(2);

    port.releaseOne();
    await third;
    expect(thirdBatchAccepted).toBe(true);
    expect(port.requests).toHaveLength(3);
    expect(port.maxActive).toBe(2);

    const closed = writer.close();
    while (port.heldCount > 0 || port.active > 0) {
      port.releaseOne();
      await settle();
    }
    await closed;
    expect(port.maxActive).toBe(2);
    expect(writer.stats()).toMatchObject({ writtenPoints: 6, droppedPoints: 0, inFlightRequests: 0 });
  });
});

describe('BatchWriter failures', () => {
  it('retries retryable failures with backoff and then succeeds', async () => {
    const port = new FakePort();
    port.script.push(new InfluxUnavailableError('HTTP 503'), new InfluxUnavailableError('ECONNRESET'));
    const { writer, drops } = writerWith(port, { maxRetries: 3 });
    await writer.writeAll(points(3));
    await writer.flush();
    expect(port.requests).toHaveLength(3);
    expect(port.requests.every((r) => r.lines.length === 3)).toBe(true);
    expect(drops).toEqual([]);
    expect(writer.stats()).toMatchObject({ writtenPoints: 3, retries: 2, droppedPoints: 0 });
    await writer.close();
  });

  it('drops a batch InfluxDB refused without retrying, with the count InfluxDB reported', async () => {
    const port = new FakePort();
    const refusal = new InfluxWriteError('refused', 400, 'partial write: field type conflict: … dropped=1', 1);
    port.script.push(refusal);
    const { writer, drops } = writerWith(port);
    await writer.writeAll(points(3));
    await writer.flush();
    expect(port.requests).toHaveLength(1);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ count: 1, error: refusal });
    expect(drops[0]?.points).toEqual(points(3));
    expect(writer.stats()).toMatchObject({ droppedPoints: 1, writtenPoints: 0, retries: 0 });
    await writer.close();
  });

  it('drops a batch after maxRetries retries when InfluxDB stays unavailable', async () => {
    const port = new FakePort();
    for (let i = 0; i < 3; i++) port.script.push(new InfluxUnavailableError(`down ${i}`));
    const { writer, drops } = writerWith(port, { maxRetries: 2 });
    await writer.writeAll(points(2));
    await writer.flush();
    expect(port.requests).toHaveLength(3);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.count).toBe(2);
    expect(drops[0]?.error).toBeInstanceOf(InfluxUnavailableError);
    expect(drops[0]?.error.message).toBe('down 2');
    await writer.close();
  });

  it('keeps working when the onDrop callback throws', async () => {
    const port = new FakePort();
    port.script.push(new InfluxWriteError('refused', 400, 'bad', undefined));
    const writer = new BatchWriter(port, {
      flushIntervalMs: 60_000,
      onDrop: () => {
        throw new Error('callback bug');
      },
    });
    await writer.write(point(1));
    await writer.flush();
    await writer.write(point(2));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ droppedPoints: 1, writtenPoints: 1 });
    await writer.close();
  });
});

describe('BatchWriter shutdown', () => {
  it('flushes everything on close and refuses writes afterwards', async () => {
    const port = new FakePort();
    const { writer } = writerWith(port, { batchSize: 1000 });
    await writer.writeAll(points(5));
    const first = writer.close();
    expect(writer.close()).toBe(first);
    await first;
    expect(port.lines).toHaveLength(5);
    await expect(writer.write(point(6))).rejects.toBeInstanceOf(InfluxWriterClosedError);
  });

  it('waits on close for requests already in flight', async () => {
    const port = new FakePort();
    port.script.push('hold');
    const { writer } = writerWith(port, { batchSize: 1 });
    await writer.write(point(1));
    let closed = false;
    const closing = writer.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    port.releaseOne();
    await closing;
    expect(writer.stats().writtenPoints).toBe(1);
  });

  it('rejects bad options with an InfluxConfigError', () => {
    expect(() => new BatchWriter(new FakePort(), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new BatchWriter(new FakePort(), { maxInFlight: 1.5 })).toThrow(/maxInFlight/);
  });
});
