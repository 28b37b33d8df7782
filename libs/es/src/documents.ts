import { type Client, type estypes } from '@elastic/elasticsearch';
import { type DocumentTarget, InvalidDocumentError, toEsError } from './errors';
import { decodeVersion, versionOf } from './version';

/**
 * Anything that turns an unknown `_source` into a `T` or throws; a zod schema fits as is.
 * Reads without one return `unknown` sources.
 */
export interface SourceSchema<T> {
  parse(source: unknown): T;
}

/** Reads sources as `unknown`, for callers without a schema. */
export const UNKNOWN_SOURCE: SourceSchema<unknown> = { parse: (source) => source };

/** A stored document with the version to pass back for an optimistic update. */
export interface StoredDocument<T> {
  index: string;
  id: string;
  /** Encoded `_seq_no`/`_primary_term`; see encodeVersion. */
  version: number;
  source: T;
}

/**
 * When a write becomes visible to search: `false` (default) at the next refresh (1 s by
 * default), `'wait_for'` blocks until it is, `true` forces a refresh (costly).
 */
export type Refresh = boolean | 'wait_for';

export interface WriteResult {
  /** The document's new version. */
  version: number;
}

export interface CreateRequest<T> {
  index: string;
  id: string;
  document: T;
  refresh?: Refresh;
}

export interface UpdateRequest<T> {
  index: string;
  id: string;
  /** Fields to merge into the stored document (Elasticsearch partial update). */
  changes: Partial<T>;
  /** Only apply if the document still has this version; omitted = last write wins. */
  version?: number;
  refresh?: Refresh;
}

export interface ReplaceRequest<T> {
  index: string;
  id: string;
  document: T;
  /** Only apply if the document still has this version; omitted = last write wins. */
  version?: number;
  refresh?: Refresh;
}

export interface DeleteRequest {
  index: string;
  id: string;
  version?: number;
  refresh?: Refresh;
}

export interface SortField {
  field: string;
  /** Default `asc`. */
  order?: 'asc' | 'desc';
}

export interface SearchRequest {
  /** An index, alias or pattern. A missing index yields no hits rather than an error. */
  index: string;
  /** Elasticsearch query DSL; default match_all. */
  query?: estypes.QueryDslQueryContainer;
  /** Applied in order. Add a unique field last if pages must not overlap on ties. */
  sort?: SortField[];
  /** Hits to skip. Default 0; from + size may not exceed the index's max_result_window (10,000). */
  from?: number;
  /** Page size. Default 10. */
  size?: number;
}

export interface SearchPage<T> {
  /** Exact number of matching documents (track_total_hits is on). */
  total: number;
  items: Array<StoredDocument<T>>;
}

export async function createDocument<T>(client: Client, request: CreateRequest<T>): Promise<WriteResult> {
  const { index, id, document, refresh } = request;
  try {
    const response = await client.create({ index, id, document, ...(refresh === undefined ? {} : { refresh }) });
    return { version: versionOf(response) };
  } catch (error) {
    throw toEsError(error, { index, id });
  }
}

export async function getDocument<T>(
  client: Client,
  index: string,
  id: string,
  schema: SourceSchema<T>,
): Promise<StoredDocument<T> | undefined> {
  let response: estypes.GetResponse<unknown>;
  try {
    // 404 is an answer here (missing document or missing index), not an error.
    response = await client.get({ index, id }, { ignore: [404] });
  } catch (error) {
    throw toEsError(error, { index, id });
  }
  if (response.found !== true) return undefined;
  return { index, id, version: versionOf(response), source: parseSource(response._source, { index, id }, schema) };
}

export async function updateDocument<T>(client: Client, request: UpdateRequest<T>): Promise<WriteResult> {
  const { index, id, changes, version, refresh } = request;
  try {
    const response = await client.update({
      index,
      id,
      doc: changes,
      ...concurrency(version),
      ...(refresh === undefined ? {} : { refresh }),
    });
    return { version: versionOf(response) };
  } catch (error) {
    throw toEsError(error, { index, id });
  }
}

export async function replaceDocument<T>(client: Client, request: ReplaceRequest<T>): Promise<WriteResult> {
  const { index, id, document, version, refresh } = request;
  try {
    const response = await client.index({
      index,
      id,
      document,
      ...concurrency(version),
      ...(refresh === undefined ? {} : { refresh }),
    });
    return { version: versionOf(response) };
  } catch (error) {
    throw toEsError(error, { index, id });
  }
}

export async function deleteDocument(client: Client, request: DeleteRequest): Promise<void> {
  const { index, id, version, refresh } = request;
  try {
    await client.delete({ index, id, ...concurrency(version), ...(refresh === undefined ? {} : { refresh }) });
  } catch (error) {
    throw toEsError(error, { index, id });
  }
}

export async function searchDocuments<T>(
  client: Client,
  request: SearchRequest,
  schema: SourceSchema<T>,
): Promise<SearchPage<T>> {
  const { index, query, sort = [], from = 0, size = 10 } = request;
  let response: estypes.SearchResponse<unknown>;
  try {
    response = await client.search({
      index,
      ...(query ? { query } : {}),
      sort: sort.map(({ field, order = 'asc' }) => ({ [field]: { order } })),
      from,
      size,
      track_total_hits: true,
      seq_no_primary_term: true,
      ignore_unavailable: true,
    });
  } catch (error) {
    throw toEsError(error);
  }
  const total = response.hits.total;
  const items = response.hits.hits.map((hit) => {
    const target = { index: hit._index, id: hit._id ?? '' };
    return { ...target, version: versionOf(hit), source: parseSource(hit._source, target, schema) };
  });
  return { total: typeof total === 'number' ? total : (total?.value ?? 0), items };
}

export async function countDocuments(
  client: Client,
  index: string,
  query?: estypes.QueryDslQueryContainer,
): Promise<number> {
  try {
    const response = await client.count({ index, ...(query ? { query } : {}), ignore_unavailable: true });
    return response.count;
  } catch (error) {
    throw toEsError(error);
  }
}

function concurrency(version: number | undefined): { if_seq_no?: number; if_primary_term?: number } {
  if (version === undefined) return {};
  const { seqNo, primaryTerm } = decodeVersion(version);
  return { if_seq_no: seqNo, if_primary_term: primaryTerm };
}

function parseSource<T>(source: unknown, target: DocumentTarget, schema: SourceSchema<T>): T {
  try {
    return schema.parse(source);
  } catch (error) {
    throw new InvalidDocumentError(target.index, target.id, error);
  }
}
