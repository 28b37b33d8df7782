/*
 * Daily indices, events and logs kept apart: `<prefix>cloudify-events-YYYY.MM.DD` and
 * `<prefix>cloudify-logs-YYYY.MM.DD`, the day taken from the document's @timestamp in UTC. The
 * retention job parses the same names back, so both directions live here.
 */

export type StreamKind = 'events' | 'logs';

export const STREAM_KINDS: readonly StreamKind[] = ['events', 'logs'];

/** @example indexBaseName('t-1a2b-', 'logs') // 't-1a2b-cloudify-logs' */
export function indexBaseName(prefix: string, kind: StreamKind): string {
  return `${prefix}cloudify-${kind}`;
}

/**
 * The daily index of a document.
 * @param isoTimestamp the document's `@timestamp`, `YYYY-MM-DDTHH:MM:SS.mmmZ`
 * @example dailyIndexName('', 'events', '2016-08-02T11:39:24.813Z') // 'cloudify-events-2016.08.02'
 */
export function dailyIndexName(prefix: string, kind: StreamKind, isoTimestamp: string): string {
  return `${indexBaseName(prefix, kind)}-${isoTimestamp.slice(0, 4)}.${isoTimestamp.slice(5, 7)}.${isoTimestamp.slice(8, 10)}`;
}

const DAY_SUFFIX = /^(\d{4})\.(\d{2})\.(\d{2})$/;

/**
 * The day (epoch ms of its UTC midnight) of a daily index of `kind`, or undefined for any other
 * name: only names this indexer makes are ever considered for deletion.
 */
export function dailyIndexDay(prefix: string, kind: StreamKind, indexName: string): number | undefined {
  const base = `${indexBaseName(prefix, kind)}-`;
  if (!indexName.startsWith(base)) return undefined;
  const match = DAY_SUFFIX.exec(indexName.slice(base.length));
  if (!match) return undefined;
  const [, year, month, day] = match;
  const midnight = Date.UTC(Number(year), Number(month) - 1, Number(day));
  // Reject impossible dates (2016.02.31) instead of letting Date roll them over.
  const check = new Date(midnight);
  if (check.getUTCFullYear() !== Number(year) || check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return undefined;
  return midnight;
}
