import { z } from 'zod';

const nonEmptyString = z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' });

/**
 * Body of `POST /_internal/blueprints/<id>/extract`: `{ "archive": "<file name>",
 * "applicationFileName"?: "<relative path>" }` and nothing else (a misspelt field must not be
 * ignored silently). Names are checked as paths later, by the store.
 */
export const extractRequestSchema = z.strictObject(
  {
    /** File name of the archive inside `uploaded-blueprints/<id>/`. */
    archive: nonEmptyString,
    /** Main YAML file, relative to the blueprint folder; default `blueprint.yaml`. */
    applicationFileName: nonEmptyString.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `Unknown field(s) in request body: ${issue.keys.join(', ')}` : 'Request body must be a JSON object',
  },
);

export type ExtractRequest = Readonly<z.infer<typeof extractRequestSchema>>;
