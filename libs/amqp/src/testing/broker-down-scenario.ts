import { z } from 'zod';
import { connectAmqp } from '../connection';
import type { ScenarioReport } from './broker-down-report';

/*
 * Run as its own Node process by broker-down.int.spec.ts: Jest gives test files a copy of `process`
 * whose listeners never see real unhandled rejections, so the watch has to live in a real process.
 * Prints one JSON line (ScenarioReport) and exits 0 unless something crashed. Exports nothing:
 * importing it would run it.
 */

function describe(error: unknown): { name: string; retryable: boolean } {
  const retryable = typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === true;
  return { name: error instanceof Error ? error.name : String(error), retryable };
}

async function main(): Promise<void> {
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));

  // Proves the watch works: this one must be caught.
  const canary = new Error('canary');
  void Promise.reject(canary);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const canaryCaught = unhandled.includes(canary);
  unhandled.length = 0;

  const amqp = await connectAmqp({ url: process.argv[2] ?? 'amqp://guest:guest@127.0.0.1:1', reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  const readyError: unknown = await amqp.waitUntilReady(500).catch((error: unknown) => error);
  const cause = readyError instanceof Error ? readyError.cause : undefined;
  const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const publishError: unknown = await amqp
    .createPublisher()
    .publish('', 'q', { id: 1 }, { timeoutMs: 300 })
    .catch((error: unknown) => error);
  const consumer = await amqp.consume({ queue: 'q', schema: z.object({}), handler: () => undefined });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await amqp.close();
  await new Promise((resolve) => setTimeout(resolve, 200));

  const report: ScenarioReport = {
    canaryCaught,
    unhandled: unhandled.map(String),
    ready: { ...describe(readyError), ...(causeCode ? { causeCode } : {}) },
    publish: describe(publishError),
    consumerStopped: consumer.state === 'stopped',
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

void main();
