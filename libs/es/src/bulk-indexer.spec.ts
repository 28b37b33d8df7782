import { BulkIndexer, BulkIndexerClosedError, BulkItemDroppedError, type BulkSender, type DroppedItem } from './bulk-indexer';
import { type BulkItemStatus } from './bulk-protocol';
import { EsRequestError, EsUnavailableError } from './errors';

interface Doc {
  n: number;
}

/** A request as the fake transport saw it: the ids it carried, in order. */
interface SentRequest {
  ids: string[];
  bytes: number;
}

/**
 * A fake `_bulk` endpoint. `answer` decides each item's status (default 201) or throws to fail
 * the whole request; `gate` lets a test hold requests open.
 */
function fakeBulk(answer: (id: string, attempt: number) => number | BulkItemStatus = () => 201) {
  const requests: SentRequest[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> = Promise.resolve();
  const send: BulkSender = async (body, itemCount) => {
    const lines = body.split('\n').filter(Boolean);
    const ids = lines
      .filter((_line, i) => i % 2 === 0)
      .map((line) => Object.values(JSON.parse(line) as Record<string, { _id: string }>)[0]?._id ?? '');
    expect(ids).toHaveLength(itemCount);
    requests.push({ ids, bytes: Buffer.byteLength(body) });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await gate;
      return ids.map((id) => {
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        const result = answer(id, attempt);
        return typeof result === 'number' ? { status: result } : result;
      });
    } finally {
      inFlight -= 1;
    }
  };
  return {
    send,
    requests,
    maxInFlight: () => maxInFlight,
    hold(): () => void {
      let release: () => void = () => undefined;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

const item = (n: number) => ({ index: 'logs', id: `d${n}`, document: { n } });
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const fast = { retryInitialDelayMs: 0, retryMaxDelayMs: 0, flushIntervalMs: 10_000 };

describe('BulkIndexer', () => {
  it('sends a request as soon as flushItems items are buffered and the rest on flush()', async () => {
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 3 });
    const added = range(7).map((n) => indexer.add(item(n)));
    expect(bulk.requests.map((r) => r.ids.length)).toEqual([3, 3]);
    await indexer.flush();
    await Promise.all(added);
    expect(bulk.requests.map((r) => r.ids)).toEqual([['d0', 'd1', 'd2'], ['d3', 'd4', 'd5'], ['d6']]);
    await indexer.close();
  });

  it('keeps every request within flushBytes unless a single item is bigger', async () => {
    const bulk = fakeBulk();
    // Each 100-char item is 151 bytes of NDJSON, the 500-char one 551.
    const indexer = new BulkIndexer<{ text: string }>(bulk.send, { ...fast, flushBytes: 500 });
    const sizes = [100, 100, 100, 100, 500, 50];
    await Promise.all(sizes.map((size, n) => indexer.add({ index: 'logs', id: `d${n}`, document: { text: 'x'.repeat(size) } })).concat(indexer.flush()));
    expect(bulk.requests.map((r) => r.ids)).toEqual([['d0', 'd1', 'd2'], ['d3'], ['d4'], ['d5']]);
    for (const request of bulk.requests) if (request.ids.length > 1) expect(request.bytes).toBeLessThanOrEqual(500);
    await indexer.close();
  });

  it('sends buffered items after flushIntervalMs without any flush call', async () => {
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<Doc>(bulk.send, { flushItems: 100, flushIntervalMs: 30 });
    const started = Date.now();
    await Promise.all([indexer.add(item(1)), indexer.add(item(2))]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(bulk.requests).toHaveLength(1);
    await indexer.close();
  });

  it('resolves an item only once Elasticsearch answered for it', async () => {
    const bulk = fakeBulk();
    const release = bulk.hold();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 1 });
    let stored = false;
    const added = indexer.add(item(1)).then(() => (stored = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bulk.requests).toHaveLength(1);
    expect(stored).toBe(false);
    release();
    await added;
    expect(stored).toBe(true);
    await indexer.close();
  });

  it('retries only the items answered 429 or 5xx and resolves them once stored', async () => {
    const bulk = fakeBulk((id, attempt) => (id === 'd1' && attempt === 1 ? 429 : id === 'd2' && attempt < 3 ? 503 : 201));
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 3 });
    await Promise.all(range(3).map((n) => indexer.add(item(n))));
    expect(bulk.requests.map((r) => r.ids)).toEqual([['d0', 'd1', 'd2'], ['d1', 'd2'], ['d2']]);
    expect(indexer.stats()).toMatchObject({ stored: 3, dropped: 0, retriedItems: 3, requests: 3, pending: 0 });
    await indexer.close();
  });

  it('retries a whole request that failed with a retryable error', async () => {
    let calls = 0;
    const bulk = fakeBulk();
    const send: BulkSender = (body, count) => {
      calls += 1;
      return calls === 1 ? Promise.reject(new EsUnavailableError('connection refused')) : bulk.send(body, count);
    };
    const indexer = new BulkIndexer<Doc>(send, { ...fast, flushItems: 2 });
    await Promise.all([indexer.add(item(1)), indexer.add(item(2))]);
    expect(calls).toBe(2);
    await indexer.close();
  });

  it('drops items whose retries ran out, as retryable, reporting each to onDrop', async () => {
    const drops: Array<DroppedItem<Doc>> = [];
    const bulk = fakeBulk((id) => (id === 'd1' ? 429 : 201));
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 2, maxRetries: 2, onDrop: (d) => drops.push(d) });
    const [ok, failed] = [indexer.add(item(0)), indexer.add(item(1))];
    await expect(ok).resolves.toBeUndefined();
    const error = await failed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkItemDroppedError);
    expect(error).toMatchObject({ retryable: true, status: 429 });
    expect(drops).toEqual([expect.objectContaining({ item: item(1), status: 429, retryable: true, attempts: 3 })]);
    expect(bulk.requests).toHaveLength(3);
    await indexer.close();
  });

  it('drops a non-retryable item at once with status, type and reason while its neighbours are stored', async () => {
    const drops: Array<DroppedItem<Doc>> = [];
    const bulk = fakeBulk((id) =>
      id === 'd1' ? { status: 400, type: 'document_parsing_exception', reason: 'failed to parse field [n]' } : 201,
    );
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 3, onDrop: (d) => drops.push(d) });
    const results = await Promise.allSettled(range(3).map((n) => indexer.add(item(n))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(drops).toEqual([
      {
        item: item(1),
        status: 400,
        type: 'document_parsing_exception',
        reason: 'failed to parse field [n]',
        retryable: false,
        attempts: 1,
      },
    ]);
    expect(bulk.requests).toHaveLength(1);
    await indexer.close();
  });

  it('drops every item of a request rejected as a whole with a non-retryable error, without retrying', async () => {
    const drops: Array<DroppedItem<Doc>> = [];
    let calls = 0;
    const send: BulkSender = () => {
      calls += 1;
      return Promise.reject(new EsRequestError('too large', { status: 413 }));
    };
    const indexer = new BulkIndexer<Doc>(send, { ...fast, flushItems: 2, onDrop: (d) => drops.push(d) });
    const results = await Promise.allSettled([indexer.add(item(1)), indexer.add(item(2))]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    expect(drops.map((d) => [d.status, d.retryable])).toEqual([
      [413, false],
      [413, false],
    ]);
    await indexer.close();
  });

  it('drops a document that is not a JSON object without sending it', async () => {
    const drops: Array<DroppedItem<unknown>> = [];
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<unknown>(bulk.send, { ...fast, onDrop: (d) => drops.push(d) });
    await expect(indexer.add({ index: 'logs', id: 'bad', document: 'text' })).rejects.toBeInstanceOf(BulkItemDroppedError);
    await indexer.close();
    expect(bulk.requests).toHaveLength(0);
    expect(drops).toEqual([expect.objectContaining({ attempts: 0, retryable: false, type: 'serialisation_error' })]);
    expect(indexer.stats().pending).toBe(0);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const bulk = fakeBulk();
    const release = bulk.hold();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 2, concurrency: 2, maxPendingItems: 100 });
    const added = range(20).map((n) => indexer.add(item(n)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bulk.requests).toHaveLength(2);
    release();
    await Promise.all(added);
    expect(bulk.requests).toHaveLength(10);
    expect(bulk.maxInFlight()).toBe(2);
    await indexer.close();
  });

  it('makes add() wait while maxPendingItems items are buffered or in flight', async () => {
    const bulk = fakeBulk();
    const release = bulk.hold();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 2, concurrency: 1, maxPendingItems: 4 });
    const settled: number[] = [];
    const added = range(10).map((n) => indexer.add(item(n)).then(() => settled.push(n)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(indexer.stats()).toMatchObject({ pending: 4, waiting: 6 });
    expect(settled).toEqual([]);
    release();
    await Promise.all(added);
    expect(settled).toEqual(range(10));
    expect(Math.max(...bulk.requests.map((r) => r.ids.length))).toBeLessThanOrEqual(2);
    await indexer.close();
  });

  it('sends at once when producers wait, even below flushItems', async () => {
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 100, maxPendingItems: 3 });
    await Promise.all(range(7).map((n) => indexer.add(item(n))));
    expect(bulk.requests.flatMap((r) => r.ids)).toEqual(range(7).map((n) => `d${n}`));
    await indexer.close();
  });

  it('flush() waits for every earlier item, including ones still waiting for capacity', async () => {
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 50, concurrency: 1, maxPendingItems: 5 });
    let stored = 0;
    for (const n of range(12)) void indexer.add(item(n)).then(() => (stored += 1));
    await indexer.flush();
    expect(stored).toBe(12);
    await indexer.close();
  });

  it('close() stores everything pending, then refuses new items', async () => {
    const bulk = fakeBulk();
    const indexer = new BulkIndexer<Doc>(bulk.send, { ...fast, flushItems: 1000 });
    const added = range(5).map((n) => indexer.add(item(n)));
    await indexer.close();
    await Promise.all(added);
    expect(bulk.requests.flatMap((r) => r.ids)).toHaveLength(5);
    await expect(indexer.add(item(9))).rejects.toBeInstanceOf(BulkIndexerClosedError);
    await indexer.close();
  });

  it('survives an onDrop callback that throws', async () => {
    const bulk = fakeBulk(() => 400);
    const indexer = new BulkIndexer<Doc>(bulk.send, {
      ...fast,
      flushItems: 1,
      onDrop: () => {
        throw new Error('callback bug');
      },
    });
    await expect(indexer.add(item(1))).rejects.toBeInstanceOf(BulkItemDroppedError);
    await expect(indexer.add(item(2))).rejects.toBeInstanceOf(BulkItemDroppedError);
    await indexer.close();
    expect(indexer.stats()).toMatchObject({ dropped: 2, pending: 0 });
  });

  it('refuses nonsensical options', () => {
    const bulk = fakeBulk();
    expect(() => new BulkIndexer(bulk.send, { flushItems: 0 })).toThrow(RangeError);
    expect(() => new BulkIndexer(bulk.send, { concurrency: 1.5 })).toThrow(RangeError);
    expect(() => new BulkIndexer(bulk.send, { maxRetries: -1 })).toThrow(RangeError);
  });
});
