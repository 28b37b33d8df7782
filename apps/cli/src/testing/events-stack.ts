// The real events pipeline behind `cfy events list` in integration tests: the logs-indexer and the
// rest-service as their own processes (their main.ts, run with tsx: apps may not import one
// another), and a publisher sending 3.4-shaped JSON to the indexer's queues the way 3.4 producers
// do (default exchange, persistent, confirmed).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';

export interface ChildService {
  readonly url: string;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface EventQueues {
  readonly events: string;
  readonly logs: string;
}

/** The rest-service searching `<prefix>cloudify-{events,logs}-*` (and keeping its own indices under `prefix`). */
export function startRestService(esUrl: string, prefix: string): Promise<ChildService> {
  return startChild('rest-service', 'apps/rest-service/src/main.ts', 'PORT', '/health', {
    ES_URL: esUrl,
    ES_INDEX_PREFIX: prefix,
    EVENTS_INDEX_PREFIX: prefix,
    MIN_AVAILABLE_MEMORY_MB: '0',
    // Events never touch the fileserver; nothing answers there.
    FILESERVER_URL: 'http://127.0.0.1:1',
  });
}

/** The logs-indexer consuming `queues` into `<prefix>` indices; resolves once `/ready` answers 200. */
export function startLogsIndexer(options: { amqpUrl: string; esUrl: string; prefix: string; queues: EventQueues }): Promise<ChildService> {
  return startChild('logs-indexer', 'apps/logs-indexer/src/main.ts', 'LIVENESS_PORT', '/ready', {
    AMQP_URL: options.amqpUrl,
    ES_URL: options.esUrl,
    INDEX_PREFIX: options.prefix,
    EVENTS_QUEUE: options.queues.events,
    LOGS_QUEUE: options.queues.logs,
    BULK_FLUSH_INTERVAL_MS: '50',
    // Fixed dates in the past stay: the retention job deletes nothing younger than 100 years.
    RETENTION_DAYS: '36500',
  });
}

/** Sends each document to the events or logs queue (by its `type`) and waits for the broker's confirms. */
export async function publishEvents(amqpUrl: string, queues: EventQueues, documents: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    for (const document of documents) {
      const queue = document['type'] === 'cloudify_log' ? queues.logs : queues.events;
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(document)), { persistent: true, contentType: 'application/json' });
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}

async function startChild(name: string, entry: string, portVariable: string, readyPath: string, env: Record<string, string>): Promise<ChildService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot(),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    const res = await fetch(`${url}${readyPath}`).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.status === 200) return { url, output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${readyPath} within 60 s:\n${output}`);
    }
    await sleep(200);
  }
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (nx.json) not found');
    dir = parent;
  }
  return dir;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
