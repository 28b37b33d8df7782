import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEventTimestamp, WORKFLOW_END_EVENT_TYPES } from '@cfy/contracts';
import type { EventDocument, EventsQueryParams, ListEvents } from './events-api';

/*
 * Follows the events (and optionally logs) of one execution through GET /events, printing each
 * exactly once and missing none, although documents become searchable out of order: producers on
 * several hosts, the indexer's batching and Elasticsearch's refresh all let an older event appear
 * after newer ones were already read. 3.4 paged with a growing `_offset`, which shows the same
 * event twice and skips the late one whenever that happens.
 *
 * Method, per poll:
 * 1. Ask how many documents match in all (`_size=0`).
 * 2. Scan, sorted by @timestamp, from the newest @timestamp seen minus a late-arrival window
 *    (`_range=@timestamp,<from>,`), page by page. Pages move on by time, not by offset: the next
 *    page starts at the last @timestamp received and skips only the documents already received
 *    with exactly that time, so offsets stay tiny however long the execution runs.
 * 3. Every document is identified by its content (canonical JSON; the logs-indexer stores equal
 *    content once), so what the window reads again is recognised and not shown twice.
 * 4. If fewer distinct documents were seen than step 1 counted, one arrived later than the window:
 *    the whole execution is scanned once more and what was missed is shown then. Nothing is lost,
 *    only shown later than its neighbours.
 * Memory: one 43-character digest per document seen.
 */

/** Page size of each GET /events (3.4's batch size). */
export const DEFAULT_PAGE_SIZE = 100;
/** How far before the newest event seen each poll looks again. */
export const DEFAULT_LATE_ARRIVAL_WINDOW_MS = 10_000;
/** Pause between polls (3.4's). */
export const DEFAULT_POLL_INTERVAL_MS = 3_000;

const END_EVENT_TYPES: ReadonlySet<string> = new Set(WORKFLOW_END_EVENT_TYPES);

export interface ExecutionEventFollowerOptions {
  readonly listEvents: ListEvents;
  readonly executionId: string;
  /** Also follow `cloudify_log` documents. */
  readonly includeLogs: boolean;
  /** Default {@link DEFAULT_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Default {@link DEFAULT_LATE_ARRIVAL_WINDOW_MS}. */
  readonly lateArrivalWindowMs?: number;
}

/**
 * The events of one execution, fetched incrementally: each {@link poll} returns the documents not
 * returned before, in @timestamp order (late arrivals found by a rescan come last).
 * @example
 * const follower = new ExecutionEventFollower({ listEvents, executionId, includeLogs: true });
 * for (const event of await follower.poll()) print(event);
 */
export class ExecutionEventFollower {
  private readonly seen = new Set<string>();
  private readonly pageSize: number;
  private readonly windowMs: number;
  private newestMs: number | undefined;
  private ended: EventDocument | undefined;
  /** Matches the store counts that are not distinct documents (equal content stored twice). */
  private indistinct = 0;

  constructor(private readonly options: ExecutionEventFollowerOptions) {
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.windowMs = options.lateArrivalWindowMs ?? DEFAULT_LATE_ARRIVAL_WINDOW_MS;
  }

  /** Distinct documents returned so far. */
  get count(): number {
    return this.seen.size;
  }

  /** The execution's `workflow_succeeded|failed|cancelled` event, once it was returned. */
  get endEvent(): EventDocument | undefined {
    return this.ended;
  }

  /** Everything that became searchable since the last poll (the first poll: everything so far). */
  async poll(): Promise<EventDocument[]> {
    const fresh: EventDocument[] = [];
    const total = (await this.options.listEvents({ ...this.filters(), _size: '0' })).metadata.pagination.total;
    await this.scan(this.newestMs === undefined ? undefined : this.newestMs - this.windowMs, fresh);
    if (this.seen.size + this.indistinct < total) {
      await this.scan(undefined, fresh);
      this.indistinct = Math.max(0, total - this.seen.size);
    }
    return fresh;
  }

  private filters(): EventsQueryParams {
    return { execution_id: this.options.executionId, type: this.options.includeLogs ? ['cloudify_event', 'cloudify_log'] : ['cloudify_event'] };
  }

  /** Reads every document from `fromMs` on (all when undefined), adding the unseen ones to `fresh`. */
  private async scan(fromMs: number | undefined, fresh: EventDocument[]): Promise<void> {
    let cursorMs = fromMs;
    let skip = 0;
    for (;;) {
      const page = await this.options.listEvents({
        ...this.filters(),
        ...(cursorMs === undefined ? {} : { _range: `@timestamp,${new Date(cursorMs).toISOString()},` }),
        _sort: '@timestamp',
        _offset: String(skip),
        _size: String(this.pageSize),
      });
      for (const document of page.items) this.receive(document, fresh);
      if (page.items.length < this.pageSize) return;
      const lastMs = timeOf(page.items[page.items.length - 1]);
      if (lastMs === undefined || lastMs === cursorMs) {
        // Still on the same instant (or documents without a time): step over this page.
        skip += page.items.length;
      } else {
        cursorMs = lastMs;
        skip = page.items.filter((document) => timeOf(document) === lastMs).length;
      }
    }
  }

  private receive(document: EventDocument, fresh: EventDocument[]): void {
    const identity = createHash('sha256').update(canonicalJson(document)).digest('base64url');
    if (this.seen.has(identity)) return;
    this.seen.add(identity);
    fresh.push(document);
    const ms = timeOf(document);
    if (ms !== undefined && (this.newestMs === undefined || ms > this.newestMs)) this.newestMs = ms;
    if (this.ended === undefined && document['type'] === 'cloudify_event' && END_EVENT_TYPES.has(String(document['event_type']))) this.ended = document;
  }
}

export interface FollowOptions {
  /** Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number;
  /** Called with each poll's new documents, in order. */
  readonly onEvents: (events: readonly EventDocument[]) => void;
  /** Ends the wait between polls: the follow then rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/**
 * Polls until the workflow's end event (`workflow_succeeded|failed|cancelled`) was returned, with
 * no time limit, and resolves with it. Everything returned before and with it went to `onEvents`.
 * @example const end = await followUntilWorkflowEnds(follower, { onEvents: (events) => events.forEach(print) });
 */
export async function followUntilWorkflowEnds(follower: ExecutionEventFollower, options: FollowOptions): Promise<EventDocument> {
  for (;;) {
    options.onEvents(await follower.poll());
    const end = follower.endEvent;
    if (end !== undefined) return end;
    await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, undefined, options.signal ? { signal: options.signal } : undefined);
  }
}

/** Epoch ms of the document's `@timestamp` (else its `timestamp`), or undefined. */
export function timeOf(document: EventDocument | undefined): number | undefined {
  const iso = document?.['@timestamp'];
  if (typeof iso === 'string') {
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return ms;
  }
  const text = document?.['timestamp'];
  return typeof text === 'string' ? parseEventTimestamp(text) : undefined;
}

/**
 * JSON with object keys sorted at every level, so one document always has one identity however
 * its keys were ordered. Hand-written: a dozen lines, where a library would be a new dependency.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
