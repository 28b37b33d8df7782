import { BadParametersError } from '@cfy/contracts';
import type { ExtractRequest } from './resource-store';

const FIELDS = new Set(['archive', 'applicationFileName']);

/**
 * Validates the body of `POST /_internal/blueprints/<id>/extract`:
 * `{ "archive": "<file name>", "applicationFileName"?: "<relative path>" }`, nothing else.
 * Hand-written because zod is not a dependency of this app; the schema belongs in @cfy/contracts
 * once the rest-service client shares it.
 * @example parseExtractRequest({ archive: 'bp1.tar.gz' }) // { archive: 'bp1.tar.gz', applicationFileName: undefined }
 */
export function parseExtractRequest(body: unknown): ExtractRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadParametersError('Request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new BadParametersError(`Unknown field(s) in request body: ${unknown.join(', ')}`);
  const { archive, applicationFileName } = fields;
  if (typeof archive !== 'string' || archive === '') throw new BadParametersError('archive must be a non-empty string');
  if (applicationFileName !== undefined && (typeof applicationFileName !== 'string' || applicationFileName === '')) {
    throw new BadParametersError('applicationFileName must be a non-empty string');
  }
  return { archive, applicationFileName };
}
