import { EsRequestError, isRecord } from './errors';

/*
 * The `_bulk` wire format: request lines we build by hand (each document serialised exactly
 * once, at add time, and reused verbatim on retries) and the per-item statuses we read back.
 */

/** `index` adds or replaces; `create` fails with 409 when the id already exists. */
export type BulkOperation = 'index' | 'create';

/** One document to store through the bulk indexer. */
export interface BulkItem<TDoc = unknown> {
  /** Default `index`. */
  op?: BulkOperation;
  index: string;
  /** Explicit `_id`; Elasticsearch generates one when omitted. */
  id?: string;
  /** A JSON object; serialised once with JSON.stringify. */
  document: TDoc;
}

/** The action and source lines of one item, newline-terminated, and their UTF-8 size. */
export interface BulkLines {
  text: string;
  bytes: number;
}

/** What Elasticsearch said about one item of a bulk request. */
export interface BulkItemStatus {
  status: number;
  /** Error type, e.g. `document_parsing_exception`, for failed items. */
  type?: string;
  reason?: string;
}

/** Response fields the bulk indexer needs; everything else stays on the server. */
export const BULK_FILTER_PATH = 'items.*.status,items.*.error.type,items.*.error.reason';

/**
 * Builds the two NDJSON lines of one item.
 *
 * @throws EsRequestError when the document does not serialise to a JSON object.
 * @example bulkLines({ index: 'logs', id: '1', document: { a: 1 } }).text
 *   // '{"index":{"_index":"logs","_id":"1"}}\n{"a":1}\n'
 */
export function bulkLines(item: BulkItem): BulkLines {
  const source = serialise(item.document);
  const id = item.id === undefined ? '' : `,"_id":${JSON.stringify(item.id)}`;
  const action = `{"${item.op ?? 'index'}":{"_index":${JSON.stringify(item.index)}${id}}}\n`;
  // Measured on the parts: measuring the concatenation would flatten (copy) it once per item;
  // the body is flattened once per request instead.
  return { text: `${action}${source}\n`, bytes: Buffer.byteLength(action, 'utf8') + Buffer.byteLength(source, 'utf8') + 1 };
}

function serialise(document: unknown): string {
  let source: string | undefined;
  try {
    source = JSON.stringify(document);
  } catch (error) {
    throw new EsRequestError(`document is not serialisable: ${error instanceof Error ? error.message : String(error)}`, {
      type: 'serialisation_error',
      cause: error,
    });
  }
  // JSON.stringify never emits a raw newline, so the NDJSON framing holds; the source must be an
  // object (`{`), which Elasticsearch would otherwise reject item by item.
  if (source === undefined || source.charCodeAt(0) !== 0x7b) {
    throw new EsRequestError('document must be a JSON object', { type: 'serialisation_error' });
  }
  return source;
}

/** Concatenates the lines of a batch into one request body. */
export function bulkBody(lines: ReadonlyArray<{ lines: BulkLines }>): string {
  let body = '';
  for (const entry of lines) body += entry.lines.text;
  return body;
}

/**
 * Reads the per-item statuses of a `_bulk` response (fetched with {@link BULK_FILTER_PATH}).
 * Checked by hand rather than with a schema: this runs for every item of every batch, and
 * only `status` and the error's `type`/`reason` are read.
 *
 * @throws EsRequestError when the response does not have one status per sent item.
 */
export function parseBulkResponse(body: unknown, expectedItems: number): BulkItemStatus[] {
  const items = isRecord(body) ? body['items'] : undefined;
  if (!Array.isArray(items) || items.length !== expectedItems) {
    throw new EsRequestError(
      `bulk response has ${Array.isArray(items) ? items.length : 'no'} items for ${expectedItems} sent`,
      { type: 'invalid_bulk_response' },
    );
  }
  const statuses = new Array<BulkItemStatus>(items.length);
  for (let i = 0; i < items.length; i++) statuses[i] = itemStatus(items[i]);
  return statuses;
}

function itemStatus(raw: unknown): BulkItemStatus {
  // Each item is `{ "<op>": { status, error? } }` with exactly one key.
  let result: unknown;
  if (isRecord(raw)) {
    for (const op in raw) {
      result = raw[op];
      break;
    }
  }
  if (!isRecord(result) || typeof result['status'] !== 'number') {
    throw new EsRequestError('bulk response item has no status', { type: 'invalid_bulk_response' });
  }
  const status = result['status'];
  const error = result['error'];
  if (!isRecord(error)) return { status };
  const type = error['type'];
  const reason = error['reason'];
  return {
    status,
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}
