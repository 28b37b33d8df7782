import { z } from 'zod';
import type { ApiVersion } from '../api-versions';
import type { ResourceFields } from '../list-query';

/**
 * A blueprint as stored in Elasticsearch (data-model §2), plus `archive_file_name`, the name of the
 * original archive under `uploaded-blueprints/<id>/` (internal: never rendered).
 */
export const storedBlueprintSchema = z.object({
  id: z.string(),
  plan: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  main_file_name: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  archive_file_name: z.string(),
});
export type StoredBlueprint = z.infer<typeof storedBlueprintSchema>;

/** A stored blueprint read with `_source` filtering: any field may be missing. */
export const partialBlueprintSchema = storedBlueprintSchema.partial();
export type PartialBlueprint = z.infer<typeof partialBlueprintSchema>;

/** Fields stored as keyword + whitespace tokens (sortable, filterable); `plan` is stored unindexed. */
const INDEXED = ['id', 'description', 'main_file_name', 'created_at', 'updated_at'] as const;

/** v1 response type: no `description`, no `main_file_name` (rest-api §7); v1 has no filters. */
export const BLUEPRINT_V1: ResourceFields = {
  fields: ['id', 'plan', 'created_at', 'updated_at'],
  filterKeys: [],
  indexed: INDEXED,
};

/** v2 and v2.1 response type and filter keys (rest-api §6.1). */
export const BLUEPRINT_V2: ResourceFields = {
  fields: ['id', 'plan', 'description', 'main_file_name', 'created_at', 'updated_at'],
  filterKeys: ['id', 'plan', 'description', 'created_at', 'updated_at', 'main_file_name'],
  indexed: INDEXED,
};

/** The response type for an API version. */
export function blueprintFields(version: ApiVersion): ResourceFields {
  switch (version) {
    case 'v1':
      return BLUEPRINT_V1;
    case 'v2':
    case 'v2.1':
      return BLUEPRINT_V2;
  }
}

/**
 * Projects a (possibly partial) stored blueprint through the version's fixed field list: every
 * field present, `null` when missing (rest-api §3), internal fields dropped.
 * @example renderBlueprint({ id: 'bp1' }, BLUEPRINT_V1) // { id: 'bp1', plan: null, created_at: null, updated_at: null }
 */
export function renderBlueprint(document: PartialBlueprint, resource: ResourceFields): Record<string, unknown> {
  const source: Record<string, unknown> = document;
  return Object.fromEntries(resource.fields.map((field) => [field, source[field] ?? null]));
}
