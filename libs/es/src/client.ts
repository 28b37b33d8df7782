import { Client, type estypes } from '@elastic/elasticsearch';
import { type Logger, silentLogger } from '@cfy/logging';
import { type IndexDefinition, type IndexTemplate, ensureIndex, ensureIndexTemplate } from './bootstrap';
import { BulkIndexer, type BulkIndexerOptions, type BulkSender } from './bulk-indexer';
import { BULK_FILTER_PATH, parseBulkResponse } from './bulk-protocol';
import {
  type CreateRequest,
  type DeleteRequest,
  type ReplaceRequest,
  type SearchPage,
  type SearchRequest,
  type SourceSchema,
  type StoredDocument,
  type UpdateRequest,
  type WriteResult,
  UNKNOWN_SOURCE,
  countDocuments,
  createDocument,
  deleteDocument,
  getDocument,
  replaceDocument,
  searchDocuments,
  updateDocument,
} from './documents';
import { toEsError } from './errors';

export interface EsClientOptions {
  /** Elasticsearch base URL, e.g. `http://127.0.0.1:9200`. */
  url: string;
  /** Per-request timeout. Default 30,000 ms. */
  requestTimeoutMs?: number;
  /**
   * Immediate transport-level retries of a failed connection or a 502/503/504, per request
   * (the bulk indexer does its own retries with backoff and sets 0). Default 1.
   */
  maxRetries?: number;
  logger?: Logger;
}

/**
 * Elasticsearch for the manager's services: readiness, idempotent bootstrap of templates and
 * indices, documents with optimistic concurrency through one integer `version`, paged search
 * and a per-item-acknowledging bulk indexer. Every failure is an EsError subclass (see toEsError).
 *
 * @example
 * const es = createEsClient({ url: 'http://127.0.0.1:9200', logger });
 * await es.ensureIndex({ name: 'deployments', mappings: { properties: { id: { type: 'keyword' } } } });
 * const { version } = await es.create({ index: 'deployments', id: 'd1', document: { id: 'd1' } });
 * await es.update({ index: 'deployments', id: 'd1', changes: { id: 'd1' }, version });
 */
export class EsClient {
  /** The underlying @elastic/elasticsearch client, for APIs this wrapper does not cover. */
  readonly raw: Client;
  private readonly logger: Logger;

  constructor(options: EsClientOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'es' });
    try {
      this.raw = new Client({
        node: options.url,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        maxRetries: options.maxRetries ?? 1,
      });
    } catch (error) {
      throw toEsError(error);
    }
  }

  /** True when Elasticsearch answers at all. Never throws; one attempt, at most 5 s. */
  async ping(): Promise<boolean> {
    try {
      return await this.raw.ping(undefined, { maxRetries: 0, requestTimeout: 5_000 });
    } catch (error) {
      this.logger.debug('ping failed', { error: toEsError(error).message });
      return false;
    }
  }

  /** Readiness: Elasticsearch answers and the cluster is not red. Never throws. */
  async isReady(): Promise<boolean> {
    try {
      const health = await this.raw.cluster.health(undefined, { maxRetries: 0, requestTimeout: 5_000 });
      return health.status !== 'red';
    } catch (error) {
      this.logger.debug('readiness check failed', { error: toEsError(error).message });
      return false;
    }
  }

  /** Creates or overwrites an index template; safe to repeat and to run concurrently. */
  async ensureIndexTemplate(template: IndexTemplate): Promise<void> {
    await ensureIndexTemplate(this.raw, template);
    this.logger.debug('index template ensured', { template: template.name });
  }

  /** Creates an index, or adds the declared mappings when it exists; safe to repeat and to run concurrently. */
  async ensureIndex(definition: IndexDefinition): Promise<'created' | 'exists'> {
    const outcome = await ensureIndex(this.raw, definition);
    this.logger.debug('index ensured', { index: definition.name, outcome });
    return outcome;
  }

  /**
   * Stores a new document (op_type=create).
   * @throws DocumentConflictError when the id exists.
   */
  create<T>(request: CreateRequest<T>): Promise<WriteResult> {
    return createDocument(this.raw, request);
  }

  /** The document and its version, or undefined when it (or its index) does not exist. */
  get(index: string, id: string): Promise<StoredDocument<unknown> | undefined>;
  /** @throws InvalidDocumentError when the stored source does not match `schema`. */
  get<T>(index: string, id: string, schema: SourceSchema<T>): Promise<StoredDocument<T> | undefined>;
  get(index: string, id: string, schema: SourceSchema<unknown> = UNKNOWN_SOURCE): Promise<StoredDocument<unknown> | undefined> {
    return getDocument(this.raw, index, id, schema);
  }

  /**
   * Merges `changes` into the document; with `version`, only if it was not written since.
   * @throws DocumentConflictError for a stale version; DocumentNotFoundError when missing.
   */
  update<T>(request: UpdateRequest<T>): Promise<WriteResult> {
    return updateDocument(this.raw, request);
  }

  /**
   * Replaces the whole document (creating it when no `version` is given).
   * @throws DocumentConflictError for a stale version or a version given for a missing document.
   */
  replace<T>(request: ReplaceRequest<T>): Promise<WriteResult> {
    return replaceDocument(this.raw, request);
  }

  /** @throws DocumentNotFoundError when missing; DocumentConflictError for a stale version. */
  delete(request: DeleteRequest): Promise<void> {
    return deleteDocument(this.raw, request);
  }

  /** One page of matching documents with the exact total. */
  search(request: SearchRequest): Promise<SearchPage<unknown>>;
  search<T>(request: SearchRequest, schema: SourceSchema<T>): Promise<SearchPage<T>>;
  search(request: SearchRequest, schema: SourceSchema<unknown> = UNKNOWN_SOURCE): Promise<SearchPage<unknown>> {
    return searchDocuments(this.raw, request, schema);
  }

  /** Exact number of documents matching `query` (all by default); 0 for a missing index. */
  count(index: string, query?: estypes.QueryDslQueryContainer): Promise<number> {
    return countDocuments(this.raw, index, query);
  }

  /** Makes every write so far visible to search in `index` (tests, read-after-write flows). */
  async refresh(index: string): Promise<void> {
    try {
      await this.raw.indices.refresh({ index });
    } catch (error) {
      throw toEsError(error);
    }
  }

  /** A bulk indexer writing through this client. Close it before closing the client. */
  bulkIndexer<TDoc = unknown>(options: BulkIndexerOptions<TDoc> = {}): BulkIndexer<TDoc> {
    return new BulkIndexer<TDoc>(this.bulkSender(), {
      ...options,
      logger: options.logger ?? this.logger.child({ component: 'es-bulk' }),
    });
  }

  /** Closes the connections. In-flight requests fail with EsUnavailableError. */
  async close(): Promise<void> {
    await this.raw.close();
  }

  private bulkSender(): BulkSender {
    return async (body, itemCount) => {
      const response = await this.raw.transport.request<unknown>(
        { method: 'POST', path: '/_bulk', bulkBody: body, querystring: { filter_path: BULK_FILTER_PATH } },
        { maxRetries: 0 },
      );
      return parseBulkResponse(response, itemCount);
    };
  }
}

/** Shorthand for `new EsClient(options)`. */
export function createEsClient(options: EsClientOptions): EsClient {
  return new EsClient(options);
}
