import { ConflictError } from '@cfy/contracts';
import type { estypes } from '@elastic/elasticsearch';
import { DocumentConflictError, DocumentNotFoundError, type EsClient, toEsError } from '@cfy/es';
import { z } from 'zod';
import { MAX_RESULT_WINDOW, indexedStringMapping, toEsListSearch } from '../es-list-query';
import type { ListQuery, ResourceFields } from '../list-query';
import { type PartialBlueprint, type StoredBlueprint, partialBlueprintSchema, storedBlueprintSchema } from './blueprint';

/** One page of a list: the matching total and the (possibly partial) documents. */
export interface BlueprintPage {
  readonly total: number;
  readonly items: readonly PartialBlueprint[];
}

/** Where blueprints are stored. Every write is visible to reads and lists once it returns. */
export interface BlueprintRepository {
  get(id: string): Promise<StoredBlueprint | undefined>;
  /** @throws ConflictError (409 `blueprint <id> already exists`) when the id is taken */
  create(blueprint: StoredBlueprint): Promise<void>;
  /** @returns false when there was nothing to delete */
  delete(id: string): Promise<boolean>;
  /** One page; `fields` are the fields to read (all when undefined). */
  list(query: ListQuery, resource: ResourceFields): Promise<BlueprintPage>;
  /** Every blueprint, for v1's unpaged lists; `fields` as for `list`. */
  listAll(fields: readonly string[] | undefined): Promise<PartialBlueprint[]>;
  /** Ids of the deployments created from the blueprint, sorted. */
  deploymentIdsOf(blueprintId: string): Promise<string[]>;
}

const deploymentRefSchema = z.looseObject({ id: z.string().optional(), blueprint_id: z.unknown() });

/** Page size used when reading everything (v1 lists, dependency checks). */
const SCAN_PAGE = 1000;

/**
 * Blueprints in Elasticsearch: index `<prefix>blueprints`, one document per blueprint with the
 * blueprint id as `_id`. Creation uses op_type=create, so two uploads racing for one id cannot both
 * win. Writes refresh the index, because 3.4's reads after writes (lists included) are immediately
 * consistent and blueprint writes are rare.
 * @example
 * const repository = new EsBlueprintRepository(es, 'cloudify-');
 * await repository.bootstrap();
 */
export class EsBlueprintRepository implements BlueprintRepository {
  readonly index: string;
  private readonly deploymentsIndex: string;

  constructor(
    private readonly es: EsClient,
    private readonly prefix: string,
  ) {
    this.index = `${prefix}blueprints`;
    this.deploymentsIndex = `${prefix}deployments`;
  }

  /** Declares the index template and the index; safe to repeat and to run concurrently. */
  async bootstrap(): Promise<void> {
    const settings: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0, max_result_window: MAX_RESULT_WINDOW };
    const mappings: estypes.MappingTypeMapping = {
      dynamic: false,
      properties: {
        id: indexedStringMapping(),
        description: indexedStringMapping(),
        main_file_name: indexedStringMapping(),
        created_at: indexedStringMapping(),
        updated_at: indexedStringMapping(),
        archive_file_name: { type: 'keyword', index: false },
        // Free-form: kept in _source, never indexed (no mapping explosion from user blueprints).
        plan: { type: 'object', enabled: false },
      },
    };
    await this.es.ensureIndexTemplate({ name: this.index, indexPatterns: [this.index], priority: 100, version: 1, settings, mappings });
    await this.es.ensureIndex({ name: this.index, settings, mappings });
  }

  async get(id: string): Promise<StoredBlueprint | undefined> {
    const stored = await this.es.get(this.index, id, storedBlueprintSchema);
    return stored?.source;
  }

  async create(blueprint: StoredBlueprint): Promise<void> {
    try {
      await this.es.create({ index: this.index, id: blueprint.id, document: blueprint, refresh: true });
    } catch (error) {
      if (error instanceof DocumentConflictError) throw new ConflictError(`blueprint ${blueprint.id} already exists`, { cause: error });
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.es.delete({ index: this.index, id, refresh: true });
      return true;
    } catch (error) {
      if (error instanceof DocumentNotFoundError) return false;
      throw error;
    }
  }

  async list(query: ListQuery, resource: ResourceFields): Promise<BlueprintPage> {
    const search = toEsListSearch(query, resource);
    return this.search({ ...search, _source: sourceFilter(query.include) });
  }

  async listAll(fields: readonly string[] | undefined): Promise<PartialBlueprint[]> {
    const items: PartialBlueprint[] = [];
    for (let from = 0; from < MAX_RESULT_WINDOW; from += SCAN_PAGE) {
      const page = await this.search({ query: { match_all: {} }, sort: [{ id: { order: 'asc' } }], from, size: SCAN_PAGE, _source: sourceFilter(fields) });
      items.push(...page.items);
      if (page.items.length < SCAN_PAGE || items.length >= page.total) break;
    }
    return items;
  }

  async deploymentIdsOf(blueprintId: string): Promise<string[]> {
    let response: estypes.SearchResponse<unknown>;
    try {
      // The deployments index belongs to the deployments resource and may not exist yet (then
      // nothing depends on the blueprint). Its mapping of blueprint_id is not ours to assume, so
      // match loosely here and compare exactly below.
      response = await this.es.raw.search({
        index: this.deploymentsIndex,
        ignore_unavailable: true,
        allow_no_indices: true,
        // Elasticsearch's default max_result_window: the deployments index is not ours to configure.
        size: 10_000,
        _source: ['id', 'blueprint_id'],
        query: {
          bool: {
            should: [{ term: { blueprint_id: blueprintId } }, { match_phrase: { blueprint_id: blueprintId } }],
            minimum_should_match: 1,
          },
        },
      });
    } catch (error) {
      throw toEsError(error);
    }
    const ids = response.hits.hits.flatMap((hit) => {
      const source = deploymentRefSchema.safeParse(hit._source);
      if (!source.success || source.data.blueprint_id !== blueprintId) return [];
      return [source.data.id ?? hit._id ?? ''];
    });
    return ids.filter(Boolean).sort();
  }

  private async search(request: EsListSearchRequest): Promise<BlueprintPage> {
    let response: estypes.SearchResponse<unknown>;
    try {
      response = await this.es.raw.search({ index: this.index, ignore_unavailable: true, track_total_hits: true, ...request });
    } catch (error) {
      throw toEsError(error);
    }
    const total = response.hits.total;
    return {
      total: typeof total === 'number' ? total : (total?.value ?? 0),
      items: response.hits.hits.map((hit) => partialBlueprintSchema.parse(hit._source ?? {})),
    };
  }
}

interface EsListSearchRequest {
  query: estypes.QueryDslQueryContainer;
  sort: estypes.Sort;
  from: number;
  size: number;
  _source: estypes.SearchSourceConfig;
}

/** Reads only the fields to be rendered (a list of ids should not carry every plan). */
function sourceFilter(fields: readonly string[] | undefined): estypes.SearchSourceConfig {
  return fields === undefined ? true : { includes: [...fields] };
}
