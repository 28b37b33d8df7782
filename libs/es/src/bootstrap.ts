import { type Client, errors, type estypes } from '@elastic/elasticsearch';
import { errorCauseOf, toEsError } from './errors';

/*
 * Index templates and indices every service declares at start. Several replicas may start at
 * once, and each start repeats the declaration, so every step here is safe to run concurrently
 * and any number of times.
 */

/** A composable index template (`PUT _index_template/<name>`). */
export interface IndexTemplate {
  name: string;
  /** Patterns of the indices it applies to, e.g. `['cloudify-logs-*']`. */
  indexPatterns: string[];
  /** Wins over lower-priority templates matching the same index. Default 0. */
  priority?: number;
  /** Your own version number of the template, stored with it for operators. */
  version?: number;
  settings?: estypes.IndicesIndexSettings;
  mappings?: estypes.MappingTypeMapping;
  aliases?: Record<string, estypes.IndicesAlias>;
}

/** A concrete index with its settings and mappings. */
export interface IndexDefinition {
  name: string;
  settings?: estypes.IndicesIndexSettings;
  mappings?: estypes.MappingTypeMapping;
  aliases?: Record<string, estypes.IndicesAlias>;
}

/** Creates or overwrites the template; putting the same template again changes nothing. */
export async function ensureIndexTemplate(client: Client, template: IndexTemplate): Promise<void> {
  const { name, indexPatterns, priority, version, settings, mappings, aliases } = template;
  try {
    await client.indices.putIndexTemplate({
      name,
      index_patterns: indexPatterns,
      ...(priority === undefined ? {} : { priority }),
      ...(version === undefined ? {} : { version }),
      template: { ...(settings ? { settings } : {}), ...(mappings ? { mappings } : {}), ...(aliases ? { aliases } : {}) },
    });
  } catch (error) {
    throw toEsError(error);
  }
}

/**
 * Creates the index, or, when it already exists (created earlier, by a concurrent start or by
 * auto-creation), adds the declared mappings to it. Adding fields is allowed; changing the type
 * of an existing field fails with EsRequestError, which is what a start should do.
 */
export async function ensureIndex(client: Client, definition: IndexDefinition): Promise<'created' | 'exists'> {
  const { name, settings, mappings, aliases } = definition;
  try {
    await client.indices.create({
      index: name,
      ...(settings ? { settings } : {}),
      ...(mappings ? { mappings } : {}),
      ...(aliases ? { aliases } : {}),
    });
    return 'created';
  } catch (error) {
    if (!isAlreadyExists(error)) throw toEsError(error);
  }
  if (mappings) {
    try {
      await client.indices.putMapping({ index: name, ...mappings });
    } catch (error) {
      throw toEsError(error);
    }
  }
  return 'exists';
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof errors.ResponseError &&
    error.statusCode === 400 &&
    errorCauseOf(error.body).type === 'resource_already_exists_exception'
  );
}
