import { BadParametersError } from '@cfy/contracts';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { ApiVersion } from '../api-versions';
import { jsonBody, queryOf } from '../http/request-values';
import { MethodNotAllowedError } from './errors';
import { parseEventsQuery } from './events-query';
import type { EventsStore, RawSearchBody } from './events-store';

export interface EventsRoutesOptions {
  readonly version: ApiVersion;
  readonly store: EventsStore;
  /** INSECURE_ENDPOINTS_ENABLED: serve the raw-Elasticsearch endpoints (v1 `/events`, `/search`). */
  readonly insecureEndpointsEnabled: boolean;
}

const rawBodySchema = z.record(z.string(), z.unknown());

/**
 * `/events` and `/search` of one API version (rest-api §6.9):
 * - v2+ `GET /events`: the search with filters, `_range`, `_sort`, paging and free `_include`, in
 *   the list envelope; `POST /events` → 405;
 * - v1 `GET`/`POST /events` and `POST /search` (every version): a raw Elasticsearch search body run
 *   over the events and logs (`/search`: over the stored documents), answered with Elasticsearch's
 *   response. These "insecure endpoints" answer 405 unless enabled.
 */
export function eventsRoutes(options: EventsRoutesOptions): Router {
  const { store } = options;
  const router = Router();
  const insecure = (search: (body: RawSearchBody) => Promise<unknown>): RequestHandler[] => [
    insecureEndpointGuard(options.insecureEndpointsEnabled),
    whenBodyPresent(jsonBody()),
    async (req, res) => {
      res.json(await search(rawBodyOf(req)));
    },
  ];

  if (options.version === 'v1') {
    const rawEvents = insecure((body) => store.rawEventsSearch(body));
    router.get('/events', ...rawEvents);
    router.post('/events', ...rawEvents);
  } else {
    router.get('/events', async (req, res) => {
      const query = parseEventsQuery(queryOf(req.originalUrl));
      const page = await store.search(query);
      res.json({ items: page.items, metadata: { pagination: { total: page.total, size: query.size, offset: query.offset } } });
    });
    router.post('/events', () => {
      throw new MethodNotAllowedError('Method not allowed: events are searched with GET /events and query parameters');
    });
  }
  router.post('/search', ...insecure((body) => store.rawStorageSearch(body)));
  return router;
}

function insecureEndpointGuard(enabled: boolean): RequestHandler {
  return (_req, _res, next) => {
    if (!enabled) {
      throw new MethodNotAllowedError('Method not allowed: raw Elasticsearch queries (insecure endpoints) are disabled on this manager');
    }
    next();
  };
}

/** Runs `handlers` (a body parser) only for requests that carry a body; a bodiless GET searches everything. */
function whenBodyPresent(handlers: RequestHandler[]): RequestHandler {
  const chain = Router().use(...handlers);
  return (req, res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody) chain(req, res, next);
    else next();
  };
}

function rawBodyOf(req: Request): RawSearchBody {
  const body: unknown = req.body;
  if (body === undefined) return {};
  const parsed = rawBodySchema.safeParse(body);
  if (!parsed.success) throw new BadParametersError('The request body must be a JSON object: an Elasticsearch search body');
  return parsed.data;
}
