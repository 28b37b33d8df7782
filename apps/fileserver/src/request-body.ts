import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { BadParametersError, ManagerError } from '@cfy/contracts';

/**
 * The middleware a route opts into to receive a JSON body: 415 unless the content type is
 * `application/json`, then express's JSON parser (400 on broken JSON, 413 past `limit`).
 * @param limit largest body accepted, in bytes or as `'16kb'`
 * @example router.post('/x', ...acceptJson('16kb'), (req) => parseRequestBody(schema, req.body));
 */
export function acceptJson(limit: number | string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) throw new ManagerError('unsupported_content_type_error', 'Content type must be application/json');
    next();
  };
  return [requireJson, express.json({ limit })];
}

/**
 * Parses a request body with its schema, or throws a 400 `bad_parameters_error` naming every
 * problem at once (`"<path> <message>"`, joined by `; `), so the schema's messages read as sentences.
 * @example parseRequestBody(extractRequestSchema, { archive: '' }) // throws "archive must be a non-empty string"
 */
export function parseRequestBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')} ${issue.message}`));
  throw new BadParametersError(problems.join('; '));
}
