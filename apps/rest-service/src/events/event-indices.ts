/*
 * Where events and logs are stored. The logs-indexer writes daily indices
 * `<prefix>cloudify-events-YYYY.MM.DD` and `<prefix>cloudify-logs-YYYY.MM.DD`
 * (apps/logs-indexer/src/index-names.ts; apps may not import one another, so the naming rule is
 * restated here). Searches address every day at once through wildcard patterns.
 */

/** The two stored streams: `cloudify_event` documents and `cloudify_log` documents. */
export type EventStream = 'events' | 'logs';

export const EVENT_STREAMS: readonly EventStream[] = ['events', 'logs'];

/**
 * The pattern matching every daily index of `stream`.
 * @param prefix EVENTS_INDEX_PREFIX (the logs-indexer's INDEX_PREFIX); default ''
 * @example eventIndexPattern('', 'logs') // 'cloudify-logs-*'
 */
export function eventIndexPattern(prefix: string, stream: EventStream): string {
  return `${prefix}cloudify-${stream}-*`;
}
