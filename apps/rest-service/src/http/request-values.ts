import { BadParametersError, ManagerError } from '@cfy/contracts';
import express, { type RequestHandler } from 'express';

/**
 * Reads a boolean given in a query string or JSON body (rest-api §1): a JSON boolean, or the
 * strings `true`/`false` in any case (the 3.4 client sends `force` as a string).
 * @param fallback returned when the value is absent (undefined or null)
 * @throws BadParametersError `<name> must be <true/false>, got <value>`
 * @example parseBoolean('force', 'TRUE', false) // true
 */
export function parseBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lowered = value.toLowerCase();
    if (lowered === 'true') return true;
    if (lowered === 'false') return false;
  }
  throw new BadParametersError(`${name} must be <true/false>, got ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

/**
 * Body parser for endpoints that read JSON (rest-api §1): the `Content-Type` must be exactly
 * `application/json` (3.4 quirk: `application/json; charset=utf-8` is refused) → else 415
 * `unsupported_content_type_error`. Routes opt in; nothing parses bodies globally.
 * @param limit largest body, in express's notation; default `1mb`
 * @example router.post('/deployments/:id', jsonBody(), handler)
 */
export function jsonBody(limit = '1mb'): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (req.headers['content-type'] !== 'application/json') {
      throw new ManagerError('unsupported_content_type_error', 'Content type must be application/json');
    }
    next();
  };
  return [requireJson, express.json({ limit, type: () => true })];
}

/** The request's query string as URLSearchParams (repeated keys kept, `+` read as a space). */
export function queryOf(originalUrl: string): URLSearchParams {
  const mark = originalUrl.indexOf('?');
  return new URLSearchParams(mark === -1 ? '' : originalUrl.slice(mark + 1));
}
