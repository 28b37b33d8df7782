import { eventTimestampToIso, type CloudifyEvent } from '@cfy/contracts';
import { bulkItemFor } from '../src/documents';

/*
 * The Elasticsearch ceiling for the same documents: NDJSON serialised before the clock starts,
 * the same batch size and the same number of requests in flight as the indexer, sent straight to
 * `_bulk`. Nothing else runs meanwhile (no broker, no indexer).
 */

/** Serialises events `0..count-1` into `_bulk` bodies of `batchSize` items (index op, content ids, daily indices). */
export function serialiseBatches(count: number, event: (i: number) => CloudifyEvent, prefix: string, batchSize: number): string[] {
  const batches: string[] = [];
  let body = '';
  let items = 0;
  for (let i = 0; i < count; i += 1) {
    const message = event(i);
    const isoTimestamp = eventTimestampToIso(message.timestamp);
    if (isoTimestamp === undefined) throw new Error(`bad timestamp ${message.timestamp}`);
    const item = bulkItemFor({ prefix, kind: 'events', message, isoTimestamp });
    body += `{"index":{"_index":${JSON.stringify(item.index)},"_id":${JSON.stringify(item.id)}}}\n${JSON.stringify(item.document)}\n`;
    items += 1;
    if (items === batchSize) {
      batches.push(body);
      body = '';
      items = 0;
    }
  }
  if (items > 0) batches.push(body);
  return batches;
}

/** Sends the bodies with `concurrency` requests in flight; throws on any failed item. */
export async function sendBatches(esUrl: string, batches: readonly string[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const body = batches[next++] as string;
      const response = await fetch(`${esUrl}/_bulk?filter_path=errors,items.*.status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      const text = await response.text();
      if (!response.ok || text.includes('"errors":true')) throw new Error(`bulk failed (${response.status}): ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
}
