/*
 * Run as its own Node process by unavailable.int.spec.ts: Jest replaces the process's
 * 'unhandledRejection' listeners while tests run, so only a separate process can show that
 * talking to an unreachable Elasticsearch leaves no unhandled rejection and does not crash.
 * Prints one JSON line: the error class each call ended with, and every unhandled rejection.
 * With `--control` it leaves one rejection unhandled on purpose, proving the listener works.
 */
import { createEsClient } from '../client';

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason instanceof Error ? reason.message : String(reason));
});

async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    const value = await call();
    return `resolved:${String(value)}`;
  } catch (error) {
    if (!(error instanceof Error)) return 'non-error';
    return `${error.name}:${'retryable' in error ? String(error.retryable) : 'n/a'}`;
  }
}

async function main(): Promise<void> {
  const es = createEsClient({ url: 'http://127.0.0.1:1', requestTimeoutMs: 2_000, maxRetries: 0 });
  const indexer = es.bulkIndexer({ flushIntervalMs: 10, maxRetries: 1, retryInitialDelayMs: 10 });
  const outcomes = {
    ping: await outcomeOf(() => es.ping()),
    isReady: await outcomeOf(() => es.isReady()),
    ensureIndexTemplate: await outcomeOf(() => es.ensureIndexTemplate({ name: 't', indexPatterns: ['t-*'] })),
    ensureIndex: await outcomeOf(() => es.ensureIndex({ name: 'i' })),
    create: await outcomeOf(() => es.create({ index: 'i', id: '1', document: { a: 1 } })),
    get: await outcomeOf(() => es.get('i', '1')),
    update: await outcomeOf(() => es.update({ index: 'i', id: '1', changes: { a: 2 }, version: 1 })),
    search: await outcomeOf(() => es.search({ index: 'i' })),
    bulkAdd: await outcomeOf(() => indexer.add({ index: 'i', id: '1', document: { a: 1 } })),
  };
  await indexer.close();
  if (process.argv.includes('--control')) void Promise.reject(new Error('control rejection'));
  // Unhandled rejections are reported after the microtask queue drains; give them a turn.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await es.close();
  process.stdout.write(`${JSON.stringify({ outcomes, unhandled })}\n`);
}

void main();
