import { BadParametersError } from '@cfy/contracts';
import type { estypes } from '@elastic/elasticsearch';
import { type EsClient, EsRequestError, EsUnavailableError, toEsError } from '@cfy/es';
import { z } from 'zod';
import { EventsStoreUnavailableError } from './errors';
import { EVENT_STREAMS, eventIndexPattern } from './event-indices';
import type { EventsQuery } from './events-query';
import { type FieldType, type FieldTypes, referencedFields, toEventsSearch } from './events-search';

/** One page of stored events and logs, and how many match in all. */
export interface EventsPage {
  readonly total: number;
  /** The stored documents unchanged (data-model §11.5), or the `_include`d part of them. */
  readonly items: readonly Readonly<Record<string, unknown>>[];
}

/** A JSON object sent as a raw Elasticsearch search body (the insecure v1 endpoints). */
export type RawSearchBody = Readonly<Record<string, unknown>>;

/** What the events routes need of storage. */
export interface EventsStore {
  /** One page of a v2+ search. @throws BadParametersError when Elasticsearch refuses the query */
  search(query: EventsQuery): Promise<EventsPage>;
  /** v1 `/events`: `body` run as is over every events and logs index; Elasticsearch's answer unchanged. */
  rawEventsSearch(body: RawSearchBody): Promise<unknown>;
  /** `/search`: `body` run as is over the stored-document indices (not events); the answer unchanged. */
  rawStorageSearch(body: RawSearchBody): Promise<unknown>;
}

export interface EsEventsStoreOptions {
  /** EVENTS_INDEX_PREFIX: the logs-indexer's INDEX_PREFIX. */
  readonly eventsIndexPrefix: string;
  /** ES_INDEX_PREFIX: prefix of the stored-document indices (`<prefix>blueprints`, …). */
  readonly storageIndexPrefix: string;
}

const documentSchema = z.record(z.string(), z.unknown());

/**
 * Events and logs in the logs-indexer's daily indices. Every search addresses the days through
 * wildcard patterns with `ignore_unavailable` / `allow_no_indices`, so a system with no events yet
 * answers an empty page. A v2+ search first asks Elasticsearch how the referenced fields are mapped
 * (one field-capabilities request) and builds its query from that (events-search.ts).
 * @example
 * const store = new EsEventsStore(es, { eventsIndexPrefix: '', storageIndexPrefix: 'cloudify-' });
 * const page = await store.search(parseEventsQuery(new URLSearchParams('execution_id=e1')));
 */
export class EsEventsStore implements EventsStore {
  private readonly allEventIndices: string;

  constructor(
    private readonly es: EsClient,
    private readonly options: EsEventsStoreOptions,
  ) {
    this.allEventIndices = EVENT_STREAMS.map((stream) => eventIndexPattern(options.eventsIndexPrefix, stream)).join(',');
  }

  async search(query: EventsQuery): Promise<EventsPage> {
    const index = query.streams.map((stream) => eventIndexPattern(this.options.eventsIndexPrefix, stream)).join(',');
    const types = await this.fieldTypes(index, referencedFields(query));
    const body = toEventsSearch(query, types);
    let response: estypes.SearchResponse<unknown>;
    try {
      response = await this.es.raw.search({ index, ...body, track_total_hits: true, ignore_unavailable: true, allow_no_indices: true });
    } catch (error) {
      throw asManagerError(error);
    }
    const total = response.hits.total;
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      items: response.hits.hits.map((hit) => documentSchema.parse(hit._source ?? {})),
    };
  }

  rawEventsSearch(body: RawSearchBody): Promise<unknown> {
    return this.rawSearch(this.allEventIndices, body);
  }

  rawStorageSearch(body: RawSearchBody): Promise<unknown> {
    // The stored-document indices share their prefix with nothing else of ours but, when the
    // prefixes overlap, the event indices: those are left out explicitly.
    const exclusions = EVENT_STREAMS.map((stream) => `-${eventIndexPattern(this.options.eventsIndexPrefix, stream)}`);
    return this.rawSearch([`${this.options.storageIndexPrefix}*`, ...exclusions].join(','), body);
  }

  private async rawSearch(index: string, body: RawSearchBody): Promise<unknown> {
    try {
      return await this.es.raw.transport.request<unknown>({
        method: 'POST',
        // Index prefixes are validated to [a-z0-9._-] by the config, so the path needs no escaping.
        path: `/${index}/_search`,
        querystring: { ignore_unavailable: 'true', allow_no_indices: 'true' },
        body: { ...body },
      });
    } catch (error) {
      throw asManagerError(error);
    }
  }

  /** How each of `fields` is mapped in `index` (one request; none when there are no fields). */
  private async fieldTypes(index: string, fields: readonly string[]): Promise<FieldTypes> {
    if (fields.length === 0) return new Map();
    let response: estypes.FieldCapsResponse;
    try {
      response = await this.es.raw.fieldCaps({ index, fields: [...fields], ignore_unavailable: true, allow_no_indices: true });
    } catch (error) {
      throw asManagerError(error);
    }
    const types = new Map<string, FieldType[]>();
    for (const [field, byType] of Object.entries(response.fields)) {
      types.set(
        field,
        Object.values(byType).map((capability) => ({
          type: capability.type,
          aggregatable: capability.aggregatable,
          indices: capability.indices === undefined ? undefined : [capability.indices].flat(),
        })),
      );
    }
    return types;
  }
}

/**
 * Elasticsearch refusing a query with 400 (a malformed raw query, a date it cannot parse) is the
 * caller's mistake: a 400 `bad_parameters_error` carrying Elasticsearch's reason. Elasticsearch
 * being away or overloaded (429 included) is a retryable 500; any other failure is a 500 whose
 * details go to the log only.
 */
function asManagerError(error: unknown): Error {
  const converted = toEsError(error);
  if (converted instanceof EsRequestError && converted.status === 400) {
    return new BadParametersError(`Invalid events query: ${converted.message}`, { cause: converted });
  }
  if (converted instanceof EsUnavailableError) return new EventsStoreUnavailableError({ cause: converted });
  // Not rethrown as is: an EsError carries Elasticsearch's HTTP status, which the error mapper
  // would render as a client error (e.g. a 403 from Elasticsearch's own security).
  if (converted instanceof EsRequestError) return new Error(`Elasticsearch refused an events search: ${converted.message}`, { cause: converted });
  return converted;
}
