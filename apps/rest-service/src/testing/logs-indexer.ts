// The real events pipeline for integration tests: the logs-indexer's main.ts as its own process
// (apps may not import one another) consuming queues of the test's own, and a publisher that sends
// 3.4-shaped JSON to those queues the way 3.4 producers do (default exchange, persistent,
// confirmed). What the tests then read through GET /events went broker → indexer → Elasticsearch.
import { startServiceProcess } from '@cfy/testing';
import { connect } from 'amqplib';

export interface LogsIndexerOptions {
  readonly amqpUrl: string;
  readonly esUrl: string;
  /** The indexer's INDEX_PREFIX (the rest-service's EVENTS_INDEX_PREFIX). */
  readonly indexPrefix: string;
  /** Queues of the test's own. */
  readonly queues: { readonly events: string; readonly logs: string };
}

export interface LogsIndexerProcess {
  /** Sends each document to the events or logs queue (by its `type`) and waits for the broker's confirms. */
  publish(documents: readonly Readonly<Record<string, unknown>>[]): Promise<void>;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the logs-indexer and resolves once its `/ready` answers 200 (broker and Elasticsearch
 * reachable, index templates in place). Daily indices are kept for 100 years, so fixed dates in
 * the past are not deleted by its retention job.
 */
export async function startLogsIndexer(options: LogsIndexerOptions): Promise<LogsIndexerProcess> {
  const indexer = await startServiceProcess({
    name: 'logs-indexer',
    entry: 'apps/logs-indexer/src/main.ts',
    portVariable: 'LIVENESS_PORT',
    readyPath: '/ready',
    env: {
      AMQP_URL: options.amqpUrl,
      ES_URL: options.esUrl,
      INDEX_PREFIX: options.indexPrefix,
      EVENTS_QUEUE: options.queues.events,
      LOGS_QUEUE: options.queues.logs,
      BULK_FLUSH_INTERVAL_MS: '50',
      RETENTION_DAYS: '36500',
    },
  });
  return {
    publish: (documents) => publishDocuments(options, documents),
    output: () => indexer.output(),
    stop: () => indexer.stop(),
  };
}

async function publishDocuments(options: LogsIndexerOptions, documents: readonly Readonly<Record<string, unknown>>[]): Promise<void> {
  const connection = await connect(options.amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    for (const document of documents) {
      const queue = document['type'] === 'cloudify_log' ? options.queues.logs : options.queues.events;
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(document)), { persistent: true, contentType: 'application/json' });
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}
