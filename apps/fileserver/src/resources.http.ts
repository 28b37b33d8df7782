import express, { type Express, type Request, type Response } from 'express';
import { ManagerError } from '@cfy/contracts';
import { contentTypeFor } from './content-type';
import { parseResourceRequestPath } from './resource-names';
import type { ResourceStore } from './resource-store';

/** When one of these is present, `send` evaluates it before Range (RFC 9110 §13.2.2), so we defer. */
const CONDITIONAL_HEADERS = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-range'] as const;

/**
 * The public read side, mounted at `/resources`: `GET`/`HEAD` of files under the resources root,
 * served by express's `sendFile` (the `send` package: ETag, If-None-Match → 304, Last-Modified,
 * single byte ranges → 206). Directories, hidden names and anything resolving outside the root are
 * 404; malformed paths are 400. A sub-app because the service app disables ETags for JSON bodies,
 * and `sendFile` takes that setting from the app serving the response.
 */
export function resourcesApp(store: ResourceStore): Express {
  const files = express();
  files.disable('x-powered-by');
  files.set('etag', 'weak');

  files.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      throw new ManagerError('method_not_allowed_error', `Method ${req.method} is not allowed on resources`);
    }
    const parsed = parseResourceRequestPath(req.path);
    const file = parsed.kind === 'file' ? await store.findServableFile(parsed.segments) : undefined;
    if (file === undefined) throw notFound(req);

    if (isRejectedRange(req, file.size)) {
      res.status(416).setHeader('Content-Range', `bytes */${file.size}`).end();
      return;
    }
    const type = contentTypeFor(file.relativePath);
    if (type !== undefined) res.setHeader('Content-Type', type);
    // User-uploaded content: never let a browser guess a more dangerous type than the one we send.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(file.relativePath, { root: file.root, dotfiles: 'ignore', index: false }, (error?: Error) => {
      if (error) onSendError(error, req, res, next);
    });
  });
  return files;
}

/**
 * Multiple ranges and malformed byte ranges are refused with 416 (RFC 9110 §14.2 allows rejecting
 * them; serving multipart/byteranges is not worth it for a file server), as are unsatisfiable ones.
 * Units other than bytes are ignored, as the RFC requires.
 */
function isRejectedRange(req: Request, size: number): boolean {
  const header = req.headers.range;
  if (header === undefined || !/^ *bytes=/.test(header)) return false;
  if (CONDITIONAL_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  const ranges = req.range(size, { combine: true });
  return ranges === -1 || ranges === -2 || (Array.isArray(ranges) && ranges.length !== 1);
}

interface SendError extends Error {
  status?: number;
  code?: string;
  headers?: Record<string, string>;
}

function onSendError(error: SendError, req: Request, res: Response, next: (error?: unknown) => void): void {
  // The client went away, or the body was already under way: nothing more can be said.
  if (error.code === 'ECONNABORTED' || res.headersSent) return;
  if (error.status === 404) {
    next(notFound(req));
    return;
  }
  if (error.status === 412 || error.status === 416) {
    res.removeHeader('Content-Type');
    for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    res.status(error.status).end();
    return;
  }
  next(error);
}

function notFound(req: Request): ManagerError {
  return new ManagerError('not_found_error', `Requested URL ${req.baseUrl}${req.path} was not found on the server`);
}
