import { NonRetryableError, type MessageContext } from '@cfy/amqp';
import { BulkIndexerClosedError, BulkItemDroppedError, type BulkItem } from '@cfy/es';
import type { Logger } from '@cfy/logging';
import { bulkItemFor, type StoredEventDocument } from './documents';
import type { StreamKind } from './index-names';
import type { ValidatedMessage } from './intake-schema';
import type { IndexerStats } from './stats';

/** Where documents go: the bulk indexer, whose add() settles when Elasticsearch confirmed the item. */
export interface DocumentSink {
  add(item: BulkItem<StoredEventDocument>): Promise<void>;
}

/**
 * The indexer is shutting down and took no more documents. Retryable: the message is handed back
 * to the queue, never dead-lettered.
 */
export class IndexerStoppingError extends Error {
  override readonly name = 'IndexerStoppingError';
  readonly retryable = true;
}

/**
 * The handler of one stream: stores the message in its daily index under its content id and
 * returns only once Elasticsearch confirmed that item, so the consumer acknowledges exactly then.
 * Transient Elasticsearch failures never reach here (the bulk indexer retries them for as long as
 * it takes, and the unacknowledged messages stay with the broker meanwhile); a refusal for good
 * becomes a NonRetryableError carrying Elasticsearch's reason, which the consumer dead-letters.
 */
export function indexMessageHandler(options: {
  readonly kind: StreamKind;
  readonly prefix: string;
  readonly sink: DocumentSink;
  readonly stats: IndexerStats;
  readonly logger: Logger;
}): (validated: ValidatedMessage, context: MessageContext) => Promise<void> {
  const { kind, prefix, sink, stats, logger } = options;
  return async ({ published, isoTimestamp }, context) => {
    if (context.redelivered) stats.redelivered(kind);
    try {
      await sink.add(bulkItemFor({ prefix, kind, message: published, isoTimestamp }));
    } catch (error) {
      if (error instanceof BulkItemDroppedError && !error.retryable) {
        stats.rejected(kind);
        const { status, type, reason } = error.dropped;
        // Logged here, inside the message's handler, so the line carries its correlation id.
        logger.warn('Elasticsearch refused the document; dead-lettering it', { index: error.dropped.item.index, status, type, reason });
        throw new NonRetryableError(`Elasticsearch rejected the document (${status ?? 'no status'} ${type ?? 'error'}): ${reason}`, { cause: error });
      }
      if (error instanceof BulkIndexerClosedError) throw new IndexerStoppingError('the indexer is shutting down', { cause: error });
      throw error;
    }
    stats.indexed(kind);
  };
}
