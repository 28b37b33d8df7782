import { BadParametersError } from '@cfy/contracts';
import type { estypes } from '@elastic/elasticsearch';
import { type EventRange, type EventsQuery, MESSAGE_TEXT_KEY } from './events-query';

/*
 * Translates a parsed events search into an Elasticsearch search, given how each referenced field
 * is mapped across the daily indices (their field capabilities). Knowing the mapping is what lets
 * "any filter key" stay harmless: a value the field's type cannot hold (text on a number field)
 * matches nothing instead of failing the whole search, and unsortable or unmapped `_sort` fields are
 * ignored, as in 3.4.
 */

/** One mapped type of a field across the searched indices (from the field capabilities API). */
export interface FieldType {
  readonly type: string;
  readonly aggregatable: boolean;
  /** The indices that map the field with this type, when it has several types; undefined = all. */
  readonly indices: readonly string[] | undefined;
}

/** Field name → its mapped types; a field absent from the map is mapped nowhere. */
export type FieldTypes = ReadonlyMap<string, readonly FieldType[]>;

/** The body of one page's search. */
export interface EventsSearchBody {
  readonly query: estypes.QueryDslQueryContainer;
  readonly sort: estypes.SortCombinations[];
  readonly from: number;
  readonly size: number;
  readonly _source: estypes.SearchSourceConfig;
}

const KEYWORD_TYPES: ReadonlySet<string> = new Set(['keyword', 'constant_keyword', 'wildcard']);
const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'match_only_text']);
const INTEGER_TYPES: ReadonlySet<string> = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
const DECIMAL_TYPES: ReadonlySet<string> = new Set(['double', 'float', 'half_float', 'scaled_float']);
const DATE_TYPES: ReadonlySet<string> = new Set(['date', 'date_nanos']);

/** Sub-field of `message.text` holding the whole text as one keyword (up to 8191 characters). */
const MESSAGE_TEXT_KEYWORD = `${MESSAGE_TEXT_KEY}.keyword`;

const MATCH_NONE: estypes.QueryDslQueryContainer = { match_none: {} };

/** The fields whose mapping the translation needs (filters, ranges, sort). */
export function referencedFields(query: EventsQuery): string[] {
  return [...new Set([...query.filters.keys(), ...query.ranges.map((range) => range.field), ...query.sort.map((sort) => sort.field)])];
}

/**
 * The search for `query` (rest-api §4, §6.9):
 * - filters: values of one field ORed, fields ANDed; a keyword matches the whole value exactly
 *   (case-sensitive), a text field as a phrase, numbers/dates/booleans when the value parses;
 * - `message.text`: every word must occur in the text as a case-insensitive substring (`*word*`);
 * - `_range`: inclusive bounds; dates as ISO-8601 or `YYYY-MM-DD HH:MM:SS` (UTC when no zone);
 * - `_sort`: in request order, only fields with one sortable type (others ignored).
 * @throws BadParametersError for a `_range` bound the field's type cannot hold
 * @example toEventsSearch(parseEventsQuery(params), await fieldTypesOf(referencedFields(query)))
 */
export function toEventsSearch(query: EventsQuery, types: FieldTypes): EventsSearchBody {
  const filter: estypes.QueryDslQueryContainer[] = [];
  for (const [field, values] of query.filters) {
    filter.push(anyOf(values.map((value) => perType(field, types, (type) => valueQuery(field, type, value)))));
  }
  if (query.messageText.length > 0) filter.push(anyOf(query.messageText.map(containsAllWords)));
  for (const range of query.ranges) filter.push(rangeQuery(range, types));
  return {
    query: filter.length === 0 ? { match_all: {} } : { bool: { filter } },
    sort: query.sort.flatMap(({ field, order }) => {
      const sortable = types.get(field);
      const only = sortable?.length === 1 ? sortable[0] : undefined;
      // unmapped_type: a daily index created before the field first appeared has no mapping for it.
      return only?.aggregatable && !field.startsWith('_') ? [{ [field]: { order, unmapped_type: only.type } }] : [];
    }),
    from: query.offset,
    size: query.size,
    _source: query.include === undefined ? true : { includes: [...query.include] },
  };
}

/**
 * The query for `field` built per mapped type. With one type (the usual case) that is the query
 * itself; when daily indices disagree, each type's query is limited to its own indices, so a value
 * one of them cannot parse does not fail the others.
 */
function perType(field: string, types: FieldTypes, build: (type: string) => estypes.QueryDslQueryContainer | undefined): estypes.QueryDslQueryContainer {
  const mapped = types.get(field) ?? [];
  const clauses = mapped.flatMap((fieldType) => {
    const query = build(fieldType.type);
    if (query === undefined) return [];
    return [fieldType.indices === undefined ? query : { bool: { filter: [{ terms: { _index: [...fieldType.indices] } }, query] } }];
  });
  return anyOf(clauses);
}

function anyOf(clauses: readonly estypes.QueryDslQueryContainer[]): estypes.QueryDslQueryContainer {
  if (clauses.length === 0) return MATCH_NONE;
  if (clauses.length === 1 && clauses[0] !== undefined) return clauses[0];
  return { bool: { should: [...clauses], minimum_should_match: 1 } };
}

/** Equality of `field` (of mapped type `type`) with the query-string value, or undefined when the type cannot hold it. */
function valueQuery(field: string, type: string, value: string): estypes.QueryDslQueryContainer | undefined {
  if (KEYWORD_TYPES.has(type)) return { term: { [field]: value } };
  if (TEXT_TYPES.has(type)) return { match_phrase: { [field]: value } };
  if (INTEGER_TYPES.has(type)) return /^\s*-?\d+\s*$/.test(value) ? { term: { [field]: value.trim() } } : undefined;
  if (DECIMAL_TYPES.has(type)) return isDecimal(value) ? { term: { [field]: value.trim() } } : undefined;
  if (DATE_TYPES.has(type)) {
    const date = isoDate(value);
    return date === undefined ? undefined : { term: { [field]: date } };
  }
  if (type === 'boolean') return /^(true|false)$/i.test(value.trim()) ? { term: { [field]: value.trim().toLowerCase() } } : undefined;
  return undefined;
}

/**
 * Every word of one `message.text` value occurs in the text, ignoring case. The keyword sub-field
 * holds the text whole, so `*word*` finds any substring, across punctuation too; the analysed field
 * covers texts too long for the keyword (its terms are lowercased words).
 */
function containsAllWords(words: readonly string[]): estypes.QueryDslQueryContainer {
  if (words.length === 0) return { match_all: {} };
  return {
    bool: {
      filter: words.map((word) => ({
        bool: {
          should: [
            { wildcard: { [MESSAGE_TEXT_KEYWORD]: { value: `*${word}*`, case_insensitive: true } } },
            { wildcard: { [MESSAGE_TEXT_KEY]: { value: `*${word.toLowerCase()}*`, case_insensitive: true } } },
          ],
          minimum_should_match: 1,
        },
      })),
    },
  };
}

function rangeQuery(range: EventRange, types: FieldTypes): estypes.QueryDslQueryContainer {
  const { field, from, to } = range;
  if (from === undefined && to === undefined) return { exists: { field } };
  return perType(field, types, (type) => {
    let bounds: { gte?: string; lte?: string };
    if (DATE_TYPES.has(type)) bounds = boundsOf(range, (value) => isoDate(value), 'an ISO-8601 or YYYY-MM-DD HH:MM:SS time');
    else if (INTEGER_TYPES.has(type) || DECIMAL_TYPES.has(type)) bounds = boundsOf(range, (value) => (isDecimal(value) ? value.trim() : undefined), 'a number');
    else if (KEYWORD_TYPES.has(type) || TEXT_TYPES.has(type)) bounds = boundsOf(range, (value) => value, 'a string');
    else return undefined;
    return { range: { [field]: bounds } };
  });
}

function boundsOf(range: EventRange, parse: (value: string) => string | undefined, expected: string): { gte?: string; lte?: string } {
  const bound = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) throw new BadParametersError(`Invalid _range bound for ${range.field}: expected ${expected}, got '${value}'`);
    return parsed;
  };
  const gte = bound(range.from);
  const lte = bound(range.to);
  return { ...(gte === undefined ? {} : { gte }), ...(lte === undefined ? {} : { lte }) };
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * A time in the form Elasticsearch's default date format reads (`strict_date_optional_time`):
 * `2016-08-02T11:39:24.813Z`, `2016-08-02 11:39:24` (space read as `T`), `2016-08-02`. A missing
 * zone means UTC.
 */
function isoDate(value: string): string | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, day, time, zone] = match;
  if (time === undefined) return day;
  return `${day}T${time}${zone ?? ''}`;
}

function isDecimal(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}
