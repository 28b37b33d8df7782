import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { RecordingLogger } from '@cfy/testing';
import { z } from 'zod';
import { connectAmqp, type AmqpConnection } from './connection';
import { AmqpClosedError, BrokerUnavailableError } from './errors';
import { scenarioReportSchema } from './testing/broker-down-report';

/* No broker listens on port 1: everything must fail in a typed way, and nothing may crash. */
const DEAD_URL = 'amqp://guest:guest@127.0.0.1:1';
const fastRetries = { initialDelayMs: 50, maxDelayMs: 200 };

describe('with the broker unreachable', () => {
  let amqp: AmqpConnection | undefined;

  afterEach(async () => {
    await amqp?.close();
    amqp = undefined;
  });

  it('a process using the lib sees typed retryable errors and no unhandled rejection, and exits cleanly', async () => {
    const workspaceRoot = resolve(__dirname, '../../..');
    const script = resolve(__dirname, 'testing/broker-down-scenario.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, DEAD_URL], {
      cwd: workspaceRoot,
      timeout: 60_000,
    });
    const report = scenarioReportSchema.parse(JSON.parse(stdout.trim()));
    expect(report.canaryCaught).toBe(true); // the watch works...
    expect(report.unhandled).toEqual([]); // ...and saw nothing from the lib
    expect(report.ready).toEqual({ name: 'BrokerUnavailableError', retryable: true, causeCode: 'ECONNREFUSED' });
    expect(report.publish).toEqual({ name: 'BrokerUnavailableError', retryable: true });
    expect(report.consumerStopped).toBe(true);
  });

  it('readiness waits end with a retryable BrokerUnavailableError carrying the connect error', async () => {
    const logger = new RecordingLogger();
    amqp = await connectAmqp({ url: DEAD_URL, logger, reconnect: fastRetries });
    const error: unknown = await amqp.waitUntilReady(1_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as BrokerUnavailableError).retryable).toBe(true);
    // (Jest's separate realm makes amqplib re-wrap Node's socket error, so match the text here;
    // the child-process test above sees the original `code`.)
    expect(String((error as BrokerUnavailableError).cause)).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain('amqp://guest:***@127.0.0.1:1');
    expect(amqp.isConnected()).toBe(false);
    // It keeps trying in the background, logging each failed attempt.
    expect(logger.find('amqp connect attempt failed; retrying').length).toBeGreaterThanOrEqual(2);
  });

  it('a publish waits for the broker up to its time limit, then rejects retryably', async () => {
    amqp = await connectAmqp({ url: DEAD_URL, reconnect: fastRetries });
    const publisher = amqp.createPublisher();
    const started = Date.now();
    const error: unknown = await publisher.publish('', 'q', { id: 1 }, { timeoutMs: 400 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect(publisher.inFlight()).toBe(0);
  });

  it('a consumer can be created, never consumes, and stops cleanly', async () => {
    amqp = await connectAmqp({ url: DEAD_URL, reconnect: fastRetries });
    const handler = jest.fn();
    const consumer = await amqp.consume({ queue: 'q', schema: z.object({}), handler });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(consumer.isConsuming()).toBe(false);
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
    expect(handler).not.toHaveBeenCalled();
  });

  it('close() is quick, ends the retries, and fails what is pending or comes later with AmqpClosedError', async () => {
    const logger = new RecordingLogger();
    const connection = await connectAmqp({ url: DEAD_URL, logger, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
    const publisher = connection.createPublisher();
    const pending = publisher.publish('', 'q', { id: 1 }, { timeoutMs: 60_000 });
    const started = Date.now();
    await connection.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(pending).rejects.toBeInstanceOf(AmqpClosedError);
    await expect(connection.waitUntilReady(100)).rejects.toBeInstanceOf(AmqpClosedError);
    await expect(publisher.publish('', 'q', {})).rejects.toBeInstanceOf(AmqpClosedError);
    expect(() => connection.createPublisher()).toThrow(AmqpClosedError);
    const attempts = logger.find('amqp connect attempt failed; retrying').length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(logger.find('amqp connect attempt failed; retrying')).toHaveLength(attempts);
  });

  it('rejects a URL that is not AMQP up front instead of retrying it forever', async () => {
    await expect(connectAmqp({ url: 'http://127.0.0.1:5672' })).rejects.toThrow(TypeError);
  });
});

describe('with wrong credentials', () => {
  it('readiness waits end with BrokerUnavailableError explaining the refusal', async () => {
    const url = new URL(process.env['AMQP_URL'] || 'amqp://guest:guest@127.0.0.1:5672');
    url.password = 'not-the-password';
    const amqp = await connectAmqp({ url: url.toString(), reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 } });
    try {
      const error: unknown = await amqp.waitUntilReady(1_500).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as Error).message).toMatch(/ACCESS.REFUSED|403/);
      expect((error as Error).message).not.toContain('not-the-password');
    } finally {
      await amqp.close();
    }
  });
});
