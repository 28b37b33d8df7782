// The real events pipeline behind `cfy events list` in integration tests: the logs-indexer and the
// rest-service as their own processes (their main.ts, run with tsx: apps may not import one
// another), and a publisher sending 3.4-shaped JSON to the indexer's queues the way 3.4 producers
// do (default exchange, persistent, confirmed).
import { type ServiceProcess, startServiceProcess } from '@cfy/testing';
import { connect } from 'amqplib';

/** A deployable running as its own process (see `startServiceProcess` in @cfy/testing). */
export type ChildService = ServiceProcess;

export interface EventQueues {
  readonly events: string;
  readonly logs: string;
}

/** The rest-service searching `<prefix>cloudify-{events,logs}-*` (and keeping its own indices under `prefix`). */
export function startRestService(esUrl: string, prefix: string): Promise<ChildService> {
  return startServiceProcess({
    name: 'rest-service',
    entry: 'apps/rest-service/src/main.ts',
    env: {
      ES_URL: esUrl,
      ES_INDEX_PREFIX: prefix,
      EVENTS_INDEX_PREFIX: prefix,
      MIN_AVAILABLE_MEMORY_MB: '0',
      // Events never touch the fileserver; nothing answers there.
      FILESERVER_URL: 'http://127.0.0.1:1',
    },
  });
}

/** The logs-indexer consuming `queues` into `<prefix>` indices; resolves once `/ready` answers 200. */
export function startLogsIndexer(options: { amqpUrl: string; esUrl: string; prefix: string; queues: EventQueues }): Promise<ChildService> {
  return startServiceProcess({
    name: 'logs-indexer',
    entry: 'apps/logs-indexer/src/main.ts',
    portVariable: 'LIVENESS_PORT',
    readyPath: '/ready',
    env: {
      AMQP_URL: options.amqpUrl,
      ES_URL: options.esUrl,
      INDEX_PREFIX: options.prefix,
      EVENTS_QUEUE: options.queues.events,
      LOGS_QUEUE: options.queues.logs,
      BULK_FLUSH_INTERVAL_MS: '50',
      // Fixed dates in the past stay: the retention job deletes nothing younger than 100 years.
      RETENTION_DAYS: '36500',
    },
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
