import { hash } from 'node:crypto';
import type { BulkItem } from '@cfy/es';
import { stringify } from 'safe-stable-stringify';
import { dailyIndexName, type StreamKind } from './index-names';

/*
 * What is stored for a message, and under which id.
 *
 * Stored form (data-model.md §11.5): the published JSON unchanged (unknown keys included) plus
 * `@timestamp` (ISO-8601 UTC from `timestamp`), `@version: "1"` and `tags: ["event"]`.
 *
 * Document id: SHA-256 (base64url) of the message body in canonical JSON (keys sorted at every
 * level, no whitespace), indexed with op `index`, so storing the same message again overwrites its
 * earlier copy instead of adding a second one. "The same message" therefore means "the same JSON
 * content": a broker redelivery (identical bytes), a producer re-sending after a lost confirm, and a
 * replay from the dead-letter queue by a tool that re-serialises the JSON (other key order or
 * spacing) all map to one document, and the daily index follows from the content too.
 * Limits: two genuinely separate messages with identical content (same producer, same millisecond
 * timestamp, same text and context) become one document; 3.4 producers put no unique id in the
 * body, so nothing can tell them apart. Conversely, a producer that rebuilds a message (new
 * timestamp) instead of re-sending it makes a second document.
 */

/** A validated message body as it was published (JSON object, unknown keys kept). */
export type PublishedMessage = Readonly<Record<string, unknown>>;

/** The stored document: the published body plus the Logstash fields. */
export type StoredEventDocument = PublishedMessage & {
  readonly '@timestamp': string;
  readonly '@version': '1';
  readonly tags: readonly ['event'];
};

/**
 * @example documentId({ b: 1, a: 2 }) === documentId({ a: 2, b: 1 }) // true
 */
export function documentId(message: PublishedMessage): string {
  return hash('sha256', stringify(message), 'base64url');
}

/** @param isoTimestamp the message's timestamp in ISO-8601 UTC */
export function storedDocument(message: PublishedMessage, isoTimestamp: string): StoredEventDocument {
  return { ...message, '@timestamp': isoTimestamp, '@version': '1', tags: ['event'] };
}

/**
 * The bulk item that stores `message` in its daily index under its content id.
 * @example bulkItemFor({ prefix: '', kind: 'events', message, isoTimestamp: '2016-08-02T11:39:24.813Z' }).index
 *   // 'cloudify-events-2016.08.02'
 */
export function bulkItemFor(options: {
  readonly prefix: string;
  readonly kind: StreamKind;
  readonly message: PublishedMessage;
  readonly isoTimestamp: string;
}): BulkItem<StoredEventDocument> {
  return {
    op: 'index',
    index: dailyIndexName(options.prefix, options.kind, options.isoTimestamp),
    id: documentId(options.message),
    document: storedDocument(options.message, options.isoTimestamp),
  };
}
