import { BadParametersError } from '@cfy/contracts';
import { MAX_PAGE_SIZE, type SortSpec } from '../list-query';
import { type EventStream } from './event-indices';

/*
 * The v2+ `GET /events` query string (rest-api §4, §6.9): any filter key, free `_include`,
 * `_range`, `_sort`, `_offset`, `_size`. Parsing only; the Elasticsearch translation is in
 * events-search.ts.
 */

/** `type` values that select a stream. */
export const EVENT_DOCUMENT_TYPES: Readonly<Record<EventStream, string>> = { events: 'cloudify_event', logs: 'cloudify_log' };

/** The filter key searched as words inside the message text instead of matched exactly. */
export const MESSAGE_TEXT_KEY = 'message.text';

/** Keys that 3.4 rewrites to `context.<key>` in filters, `_sort` and `_range`. */
const CONTEXT_SHORTHANDS: ReadonlySet<string> = new Set(['blueprint_id', 'deployment_id', 'execution_id', 'node_id', 'node_instance_id', 'workflow_id']);

/**
 * Deepest page reachable (`_offset + _size`): Elasticsearch's default `index.max_result_window`,
 * which the logs-indexer's daily indices keep.
 */
export const MAX_EVENTS_WINDOW = 10_000;

/** `_range=<field>,<from>,<to>`: inclusive bounds, either may be absent. */
export interface EventRange {
  readonly field: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/** A parsed v2+ events search. Field names are the stored ones (shorthands already rewritten). */
export interface EventsQuery {
  /** Stored field → accepted values (ORed); fields are ANDed. `message.text` is not among them. */
  readonly filters: ReadonlyMap<string, readonly string[]>;
  /** One entry per `message.text` value (ORed): the words that must all occur in the text. */
  readonly messageText: readonly (readonly string[])[];
  /** The streams to search, from the `type` filter (both when it names neither). */
  readonly streams: readonly EventStream[];
  /** ANDed. */
  readonly ranges: readonly EventRange[];
  /** In request order. Whether a field can be sorted on is decided against the mapping later. */
  readonly sort: readonly SortSpec[];
  readonly offset: number;
  readonly size: number;
  /** Top-level or dotted names to keep in each item; undefined = whole documents. */
  readonly include: readonly string[] | undefined;
}

/**
 * The stored name of a query-string field: `deployment_id` → `context.deployment_id` (and the other
 * context shorthands); anything else unchanged.
 * @example storedFieldName('execution_id') // 'context.execution_id'
 */
export function storedFieldName(name: string): string {
  return CONTEXT_SHORTHANDS.has(name) ? `context.${name}` : name;
}

/**
 * Parses a v2+ `GET /events` query string. Every parameter not starting with `_` is a filter
 * (repeat = OR, keys = AND), with no key validation; `_include` is not validated either.
 *
 * Departures from 3.4 (which answered 500): a non-integer `_size`/`_offset` or a `_range` without
 * exactly three parts is a 400 `bad_parameters_error`; `_offset + _size` may not exceed 10 000.
 * @throws BadParametersError
 * @example parseEventsQuery(new URLSearchParams('execution_id=e1&type=cloudify_event&_sort=@timestamp&_size=100'))
 */
export function parseEventsQuery(params: URLSearchParams): EventsQuery {
  const size = paginationInt(params.get('_size'), '_size', MAX_PAGE_SIZE);
  if (size < 0 || size > MAX_PAGE_SIZE) throw new BadParametersError(`Invalid pagination: ${size}, max allowed: ${MAX_PAGE_SIZE}`);
  const offset = paginationInt(params.get('_offset'), '_offset', 0);
  if (offset < 0) throw new BadParametersError(`Invalid pagination: _offset must not be negative, got ${offset}`);
  if (offset + size > MAX_EVENTS_WINDOW) {
    throw new BadParametersError(`Invalid pagination: _offset + _size must not exceed ${MAX_EVENTS_WINDOW}, got ${offset + size}; narrow the search with _range`);
  }

  const filters = new Map<string, string[]>();
  const messageText: string[][] = [];
  for (const [key, value] of params) {
    if (key.startsWith('_')) continue;
    if (key === MESSAGE_TEXT_KEY) {
      messageText.push(messageTextWords(value));
      continue;
    }
    const field = storedFieldName(key);
    filters.set(field, [...(filters.get(field) ?? []), value]);
  }

  return {
    filters,
    messageText,
    streams: streamsOf(filters.get('type')),
    ranges: params.getAll('_range').map(parseRange),
    sort: params.getAll('_sort').flatMap(parseSort),
    offset,
    size,
    include: parseInclude(params.getAll('_include')),
  };
}

/** 3.4's query-string reserved characters and operators, replaced by spaces in `message.text`. */
const RESERVED = /&&|\|\||[(){}+\-=><![\]^"~*?:\\/]/g;

/**
 * The words of a `message.text` filter: reserved characters (`( ) { } + - = > < ! [ ] ^ " ~ * ? : \ /`,
 * `&&`, `||`) become spaces, then the value is split on whitespace.
 * @example messageTextWords('Task succeeded (retry)') // ['Task', 'succeeded', 'retry']
 */
export function messageTextWords(value: string): string[] {
  return value.replace(RESERVED, ' ').split(/\s+/).filter(Boolean);
}

function streamsOf(types: readonly string[] | undefined): EventStream[] {
  const named = (['events', 'logs'] as const).filter((stream) => types?.includes(EVENT_DOCUMENT_TYPES[stream]));
  // No type filter searches both. A type filter naming neither still runs (and matches nothing),
  // like any other filter on a value no document has.
  return named.length === 0 ? ['events', 'logs'] : named;
}

function parseRange(value: string): EventRange {
  const parts = value.split(',');
  if (parts.length !== 3) {
    throw new BadParametersError(`Invalid _range: expected <field>,<from>,<to> (either bound may be empty), got '${value}'`);
  }
  const [field = '', from = '', to = ''] = parts.map((part) => part.trim());
  if (field === '') throw new BadParametersError(`Invalid _range: the field name is missing in '${value}'`);
  return { field: storedFieldName(field), from: from === '' ? undefined : from, to: to === '' ? undefined : to };
}

function parseSort(value: string): SortSpec[] {
  const field = value.replace(/^[+-]/, '').trim();
  if (field === '') return [];
  return [{ field: storedFieldName(field), order: value.startsWith('-') ? 'desc' : 'asc' }];
}

function parseInclude(values: readonly string[]): string[] | undefined {
  const names = [...new Set(values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean))];
  return names.length === 0 ? undefined : names;
}

function paginationInt(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new BadParametersError(`Invalid pagination: ${name} must be an integer, got ${raw}`);
  return Number(raw);
}
