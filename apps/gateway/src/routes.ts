import type { Upstream } from './upstream';

/**
 * One entry of the gateway's routing table. Routes are tried in order; the first whose `resolve`
 * returns a path wins. A request no route claims gets the JSON 404.
 *
 * This table is the extension point: serving the UI later means appending one more route (for
 * example a catch-all `/` to a UI upstream) after the Cloudify ones.
 */
export interface GatewayRoute {
  readonly upstream: Upstream;
  /**
   * Maps the client's request target (path and query, as received) to the one sent upstream, or
   * returns undefined when this route does not handle it.
   */
  readonly resolve: (url: string) => string | undefined;
}

/**
 * Resources Cloudify 3.4 served without a version prefix: its nginx rewrote `/<resource>…` to
 * `/api/v1/<resource>…` (rest-api-v2.1.md §1).
 */
export const UNVERSIONED_RESOURCES = [
  'blueprints',
  'snapshots',
  'executions',
  'deployments',
  'nodes',
  'events',
  'search',
  'status',
  'provider',
  'node-instances',
  'version',
  'evaluate',
  'deployment-modifications',
  'tokens',
] as const;

// nginx's regex had no right anchor (so `/blueprintsX` was rewritten too, then 404ed by the REST
// service). We require the name to end at a segment boundary; either way the client gets a 404.
const UNVERSIONED = new RegExp(`^/(?:${UNVERSIONED_RESOURCES.join('|')})(?=[/?]|$)`);

/** Requests for `prefix` itself, anything below it, or it with a query string. */
export function underPrefix(url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false;
  const next = url.charAt(prefix.length);
  return next === '' || next === '/' || next === '?';
}

/** `/blueprints?x=1` → `/api/v1/blueprints?x=1`; undefined for anything else. */
export function rewriteUnversioned(url: string): string | undefined {
  return UNVERSIONED.test(url) ? `/api/v1${url}` : undefined;
}

/**
 * The Cloudify front door: `/api/**` to the REST service with the path intact, un-versioned
 * resource paths rewritten to `/api/v1/**`, and `/resources/**` to the file server. Nothing else —
 * in particular not the file server's internal `/_internal/**` write API.
 */
export function cloudifyRoutes(upstreams: { restService: Upstream; fileserver: Upstream }): GatewayRoute[] {
  return [
    { upstream: upstreams.restService, resolve: (url) => (underPrefix(url, '/api') ? url : undefined) },
    { upstream: upstreams.restService, resolve: rewriteUnversioned },
    { upstream: upstreams.fileserver, resolve: (url) => (underPrefix(url, '/resources') ? url : undefined) },
  ];
}

/**
 * Whether a request path is safe to forward. Upstreams may decode and normalise paths, so a path
 * that would change meaning on the way (dot segments, encoded slashes or backslashes, NUL,
 * malformed percent escapes) could reach something no route allows, e.g.
 * `/resources/%2e%2e/_internal/...`. Such paths are refused outright instead of being normalised.
 */
export function isForwardablePath(pathname: string): boolean {
  if (!pathname.startsWith('/')) return false;
  for (const segment of pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (decoded === '.' || decoded === '..') return false;
    if (/[/\\\0]/.test(decoded)) return false;
  }
  return true;
}
