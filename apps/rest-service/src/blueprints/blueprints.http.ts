import { PassThrough, type Readable, finished } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadParametersError } from '@cfy/contracts';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ApiVersion } from '../api-versions';
import { ClientAbortedError, PayloadTooLargeError } from '../errors';
import { queryOf } from '../http/request-values';
import type { InFlightUploads } from '../in-flight-uploads';
import { parseInclude, parseListQuery, project } from '../list-query';
import { openArchiveUrl } from './archive-url';
import { blueprintFields, renderBlueprint, type PartialBlueprint } from './blueprint';
import type { BlueprintService } from './blueprint-service';

export interface BlueprintRoutesOptions {
  readonly version: ApiVersion;
  readonly service: BlueprintService;
  readonly uploads: InFlightUploads;
  /** Runs before every list (the memory guard). */
  readonly beforeList: RequestHandler;
  /** Largest archive accepted, in bytes; a larger Content-Length is refused before anything is read. */
  readonly maxArchiveBytes: number;
  /** Limit of a whole `blueprint_archive_url` download, in ms. */
  readonly archiveUrlTimeoutMs: number;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * `/blueprints` of one API version (rest-api §6.1): list (v1 bare array; v2+ envelope with filters,
 * sort and paging), get, upload (PUT, archive in the body or at `blueprint_archive_url`), delete,
 * and the original archive. Bodies are never parsed here: uploads stream to the fileserver.
 */
export function blueprintRoutes(options: BlueprintRoutesOptions): Router {
  const { service, version } = options;
  const resource = blueprintFields(version);
  const render = (blueprint: PartialBlueprint, include: readonly string[] | undefined): Record<string, unknown> =>
    project(renderBlueprint(blueprint, resource), include);
  const router = Router();

  router.get('/blueprints', options.beforeList, async (req, res) => {
    const params = queryOf(req.originalUrl);
    if (version === 'v1') {
      const include = parseInclude(params, resource.fields);
      const items = await service.listAll(include);
      res.json(items.map((item) => render(item, include)));
      return;
    }
    const query = parseListQuery(params, resource);
    const page = await service.list(query, resource);
    res.json({
      items: page.items.map((item) => render(item, query.include)),
      metadata: { pagination: { total: page.total, size: query.size, offset: query.offset } },
    });
  });

  router.get('/blueprints/:id', async (req, res) => {
    const include = parseInclude(queryOf(req.originalUrl), resource.fields);
    res.json(render(await service.get(param(req, 'id')), include));
  });

  router.put('/blueprints/:id', async (req, res) => {
    const params = queryOf(req.originalUrl);
    try {
      const include = parseInclude(params, resource.fields);
      const id = param(req, 'id');
      const client = clientSignal(res);
      const blueprint = await options.uploads.run(client, async (signal) => {
        const archive = await archiveSource(req, params, options, signal);
        return service.upload({ id, archive, applicationFileName: applicationFileName(params), signal });
      });
      res.status(201).json(render(blueprint, include));
    } catch (error) {
      // Nobody is left to answer (the upload was cleaned up; the service logged it).
      if (error instanceof ClientAbortedError) {
        res.destroy();
        return;
      }
      // The body may still be arriving (refused early, 413): answer, then close the connection
      // instead of reading the rest.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw error;
    }
  });

  router.delete('/blueprints/:id', async (req, res) => {
    const include = parseInclude(queryOf(req.originalUrl), resource.fields);
    const id = param(req, 'id');
    await service.delete(id);
    res.json(render({ id }, include));
  });

  router.get('/blueprints/:id/archive', async (req, res) => {
    const archive = await service.openArchive(param(req, 'id'));
    res.status(200);
    // 3.4's nginx sent the bare name; names needing quotes or non-ASCII get RFC 6266 encoding.
    if (/^[\w.-]+$/.test(archive.fileName)) res.setHeader('Content-Disposition', `attachment; filename=${archive.fileName}`);
    else res.attachment(archive.fileName);
    res.setHeader('Content-Type', 'application/octet-stream');
    if (archive.contentLength !== undefined) res.setHeader('Content-Length', String(archive.contentLength));
    // A failure half-way can only cut the connection: the status line is already sent.
    await pipeline(archive.body, res).catch(() => res.destroy());
  });

  return router;
}

/** Where the archive comes from: `blueprint_archive_url`, else the request body (chunked or plain). */
async function archiveSource(req: Request, params: URLSearchParams, options: BlueprintRoutesOptions, signal: AbortSignal): Promise<Readable> {
  const url = params.get('blueprint_archive_url');
  if (url !== null) {
    if (hasBody(req)) throw new BadParametersError("Can't pass both a blueprint_archive_url query parameter and an archive in the request body");
    return openArchiveUrl(url, { timeoutMs: options.archiveUrlTimeoutMs, signal, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }
  if (req.is('multipart/form-data')) {
    throw new BadParametersError('Multipart uploads are not supported: send the archive itself as the request body');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxArchiveBytes) throw new PayloadTooLargeError(options.maxArchiveBytes);
  return requestBody(req);
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The request body as a stream the upload may destroy (on a limit) without destroying the request,
 * which would cut the connection before the error response is sent. A client that goes away
 * mid-upload fails it with ClientAbortedError.
 */
function requestBody(req: Request): Readable {
  const body = new PassThrough();
  req.pipe(body);
  finished(req, (error) => {
    if (error) body.destroy(new ClientAbortedError());
  });
  return body;
}

/** Aborts when the client goes away before its response was sent. */
function clientSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new ClientAbortedError());
  });
  return controller.signal;
}

/** A named route parameter, decoded by express. */
function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The 3.4 CLI quotes `application_file_name` twice (a space arrives as `%2520`) and the 3.4 server
 * unquoted it once more; do the same, keeping the value as sent when it is not valid escaping.
 */
export function applicationFileName(params: URLSearchParams): string | undefined {
  const value = params.get('application_file_name');
  if (value === null || !value.includes('%')) return value ?? undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
