import { createHash, timingSafeEqual } from 'node:crypto';
import { PassThrough, finished, type Readable } from 'node:stream';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { InternalTokenError } from './errors';
import { extractRequestSchema } from './extract-request';
import { acceptJson, parseRequestBody } from './request-body';
import type { ResourceStore } from './resource-store';

/** Header carrying the shared secret when `INTERNAL_TOKEN` is configured. */
export const INTERNAL_TOKEN_HEADER = 'x-cfy-internal-token';

export interface InternalRoutesOptions {
  /** When set, every request must carry it in `X-Cfy-Internal-Token` (401 otherwise). */
  readonly token?: string | undefined;
}

/**
 * The write API used by the rest-service, mounted at `/_internal` (the gateway never proxies it):
 * - `PUT /uploaded-blueprints/:id/:fileName` — body = the archive, streamed to disk → 201 `{path, size}`
 * - `POST /blueprints/:id/extract` — JSON `{archive, applicationFileName?}` → 201 extraction listing
 * - `DELETE /blueprints/:id` — removes both folders of the id → 204 (also when nothing was there)
 */
export function internalRoutes(store: ResourceStore, options: InternalRoutesOptions = {}): Router {
  const router = Router();
  router.use(requireToken(options.token));

  router.put('/uploaded-blueprints/:id/:fileName', async (req, res) => {
    const stored = await store.saveUploadedArchive(param(req, 'id'), param(req, 'fileName'), requestBody(req), contentLength(req));
    res.status(201).json(stored);
  });

  router.post('/blueprints/:id/extract', ...acceptJson('16kb'), async (req, res) => {
    const extracted = await store.extractBlueprint(param(req, 'id'), parseRequestBody(extractRequestSchema, req.body));
    res.status(201).json(extracted);
  });

  router.delete('/blueprints/:id', async (req, res) => {
    await store.deleteBlueprint(param(req, 'id'));
    res.status(204).end();
  });

  // A refused request may still be sending its body (e.g. a 413): close the connection after the
  // error response rather than read and discard the rest.
  router.use(((error, req, res, next) => {
    if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
    next(error);
  }) satisfies ErrorRequestHandler);
  return router;
}

function requireToken(token: string | undefined): RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const expected = digest(token);
  return (req, _res, next) => {
    const given = req.headers[INTERNAL_TOKEN_HEADER];
    // Compare digests in constant time, so neither content nor length leaks through timing.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) throw new InternalTokenError();
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A named route parameter, decoded by express (so `%2F` arrives as `/` and is refused later). */
function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

function contentLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * The request body as a stream the store may destroy (on a limit) without destroying the request
 * itself, which would cut the connection before the error response is sent. A client that goes
 * away mid-upload fails the stream, so the store removes its temporary file.
 */
function requestBody(req: Request): Readable {
  const body = new PassThrough();
  req.pipe(body);
  finished(req, (error) => {
    if (error) body.destroy(error);
  });
  return body;
}
