export { EsClient, createEsClient, type EsClientOptions } from './client';
export { type IndexDefinition, type IndexTemplate } from './bootstrap';
export {
  type CreateRequest,
  type DeleteRequest,
  type Refresh,
  type ReplaceRequest,
  type SearchPage,
  type SearchRequest,
  type SortField,
  type SourceSchema,
  type StoredDocument,
  type UpdateRequest,
  type WriteResult,
} from './documents';
export {
  BulkIndexer,
  BulkIndexerClosedError,
  BulkItemDroppedError,
  type BulkIndexerOptions,
  type BulkIndexerStats,
  type BulkSender,
  type DroppedItem,
} from './bulk-indexer';
export { type BulkItem, type BulkItemStatus, type BulkOperation } from './bulk-protocol';
export {
  DocumentConflictError,
  DocumentNotFoundError,
  EsError,
  EsRequestError,
  EsUnavailableError,
  InvalidDocumentError,
  isRetryableStatus,
  toEsError,
} from './errors';
export { InvalidVersionError, MAX_PRIMARY_TERM, MAX_SEQ_NO, decodeVersion, encodeVersion, type SeqNoPrimaryTerm } from './version';
