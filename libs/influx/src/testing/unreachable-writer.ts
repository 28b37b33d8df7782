/*
 * Runs in a child process (integration test `batch-writer.int.spec.ts`): a BatchWriter and a
 * client aimed at an address where nothing answers, with a real process-wide
 * 'unhandledRejection' listener, which jest's sandbox does not deliver to test code. Prints one
 * JSON line with what happened. `--provoke` adds a deliberate unhandled rejection, so the test can
 * check that the listener would have seen one.
 */
import { InfluxClient } from '../client';
import { type Point } from '../line-protocol';

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function errorName(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
    return 'none';
  } catch (error) {
    return error instanceof Error ? error.name : typeof error;
  }
}

async function main(url: string, provoke: boolean): Promise<void> {
  const client = new InfluxClient({ url, database: 'unreachable', requestTimeoutMs: 1000 });
  const drops: Array<{ count: number; error: string }> = [];
  const writer = client.batchWriter({
    batchSize: 2,
    flushIntervalMs: 20,
    maxRetries: 2,
    retryInitialDelayMs: 10,
    retryMaxDelayMs: 20,
    onDrop: ({ count, error }) => drops.push({ count, error: error.name }),
  });
  const points: Point[] = [1, 2, 3].map((i) => ({ measurement: 'm', fields: { v: i }, timestamp: i }));
  await writer.writeAll(points);
  await pause(300); // the timed flush runs on its own, with nobody awaiting it
  await writer.close();
  const errors = {
    ping: await errorName(client.ping()),
    query: await errorName(client.query('SHOW DATABASES')),
    write: await errorName(client.write(points)),
  };
  if (provoke) void Promise.reject(new Error('provoked'));
  await pause(50); // unhandled rejections are reported after the microtask queue drains
  process.stdout.write(`${JSON.stringify({ unhandled, drops, errors, stats: writer.stats() })}\n`);
}

main(process.argv[2] ?? 'http://127.0.0.1:1', process.argv.includes('--provoke')).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
