import { z } from 'zod';

/*
 * Response shapes of the REST API v2.1 (rest-api-v2.1.md §2–4, §6.1, §6.11, §6.13) as far as the
 * CLI reads them. Objects are loose: unknown fields are kept, so `--json` prints what the manager
 * sent, and a newer manager adding fields does not break the CLI.
 */

const jsonObject = z.record(z.string(), z.unknown());

/** `{message, error_code, server_traceback}` of every handled error (§2). */
export const errorBodySchema = z.looseObject({
  message: z.string(),
  error_code: z.string().nullish(),
  server_traceback: z.string().nullish(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** v2+ list envelope (§4). */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    items: z.array(item),
    metadata: z.looseObject({
      pagination: z.looseObject({ total: z.number(), size: z.number(), offset: z.number() }),
    }),
  });
}
export interface ListResponse<T> {
  items: T[];
  metadata: { pagination: { total: number; size: number; offset: number } };
}

/** One declared blueprint input in the plan (`dsl.md` §6): every key optional. */
export const planInputSchema = z.looseObject({
  description: z.unknown().optional(),
  type: z.unknown().optional(),
  default: z.unknown().optional(),
});

/** The parts of `Blueprint.plan` the CLI reads; the rest passes through untouched. */
export const planSchema = z.looseObject({
  inputs: z.record(z.string(), planInputSchema).nullish(),
});

/** Blueprint document (data-model.md §2). */
export const blueprintSchema = z.looseObject({
  id: z.string(),
  plan: planSchema.nullish(),
  description: z.string().nullish(),
  main_file_name: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type Blueprint = z.infer<typeof blueprintSchema>;

export const blueprintListSchema = listSchema(blueprintSchema);

/** `DELETE /blueprints/{id}` answers with only `id` set. */
export const deletedBlueprintSchema = z.looseObject({ id: z.string() });
export type DeletedBlueprint = z.infer<typeof deletedBlueprintSchema>;

/** Deployment projected to `id` (what `blueprints get` asks for). */
export const deploymentIdSchema = z.looseObject({ id: z.string() });
export const deploymentIdListSchema = listSchema(deploymentIdSchema);
export type DeploymentIdList = z.infer<typeof deploymentIdListSchema>;

/** `GET /status` (§6.13). `state` is the unit's SubState; missing for units that could not be queried. */
export const managerStatusSchema = z.looseObject({
  status: z.string(),
  services: z.array(
    z.looseObject({
      display_name: z.string(),
      instances: z.array(z.looseObject({ state: z.string().nullish() })).nullish(),
    }),
  ),
});
export type ManagerStatus = z.infer<typeof managerStatusSchema>;

/** `GET /maintenance` (§6.11). */
export const maintenanceModeSchema = z.looseObject({
  status: z.string(),
});
export type MaintenanceMode = z.infer<typeof maintenanceModeSchema>;

/** `GET /provider/context` (§6.10). */
export const providerContextSchema = z.looseObject({
  name: z.string(),
  context: jsonObject,
});
export type ProviderContext = z.infer<typeof providerContextSchema>;
