import type { estypes } from '@elastic/elasticsearch';
import type { ListQuery, ResourceFields } from './list-query';

/** Sub-field of every indexed string field, split on whitespace (case-sensitive), for filters. */
export const TOKENS_SUBFIELD = 'tokens';

/** Deepest page reachable (`_offset + _size`); set as the index's `max_result_window`. */
export const MAX_RESULT_WINDOW = 100_000;

/**
 * Mapping of one indexed string field: `keyword` for exact matching and sorting, plus a
 * whitespace-analysed `tokens` sub-field for 3.4's whole-token filters. The `whitespace` analyzer
 * is built into Elasticsearch (no analysis-common module needed).
 */
export function indexedStringMapping(): estypes.MappingProperty {
  return {
    type: 'keyword',
    ignore_above: 8191,
    fields: { [TOKENS_SUBFIELD]: { type: 'text', analyzer: 'whitespace' } },
  };
}

/** The body of one page's search: query, sort, from, size. */
export interface EsListSearch {
  readonly query: estypes.QueryDslQueryContainer;
  readonly sort: Array<Record<string, { order: 'asc' | 'desc' }>>;
  readonly from: number;
  readonly size: number;
}

/**
 * Translates a parsed list request into an Elasticsearch search (rest-api §4): values of one key
 * are ORed, keys are ANDed; a value matches when it equals the whole field or is a whole
 * whitespace-separated token (phrase) of it, case-sensitively. Filters on fields that are not
 * indexed (e.g. `plan`) are accepted and match nothing, like 3.4's. Sorting keeps the request
 * order and ends with `id` so pages never overlap on ties.
 * @example toEsListSearch(parseListQuery(params, BLUEPRINT_V2_FIELDS), BLUEPRINT_V2_FIELDS)
 */
export function toEsListSearch(query: ListQuery, resource: ResourceFields): EsListSearch {
  const filter: estypes.QueryDslQueryContainer[] = [];
  for (const [key, values] of query.filters) {
    if (!resource.indexed.includes(key)) {
      filter.push({ match_none: {} });
      continue;
    }
    filter.push({ bool: { should: values.map((value) => valueMatch(key, value)), minimum_should_match: 1 } });
  }
  const sort = query.sort.map(({ field, order }) => ({ [field]: { order } }));
  if (!query.sort.some(({ field }) => field === 'id')) sort.push({ id: { order: 'asc' } });
  return {
    query: filter.length === 0 ? { match_all: {} } : { bool: { filter } },
    sort,
    from: query.offset,
    size: query.size,
  };
}

function valueMatch(field: string, value: string): estypes.QueryDslQueryContainer {
  return {
    bool: {
      should: [
        { term: { [field]: value } },
        { match_phrase: { [`${field}.${TOKENS_SUBFIELD}`]: { query: value, analyzer: 'whitespace' } } },
      ],
      minimum_should_match: 1,
    },
  };
}
