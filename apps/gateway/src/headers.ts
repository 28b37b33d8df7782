import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

/**
 * Headers a client must not be able to set on the request the upstream sees:
 * - `expect`: Node has already answered `100 Continue` to the client, so asking again is moot;
 * - `x-server-port`: Cloudify's internal front door (:8101) marks requests with it to skip
 *   authentication — a client of the public door must never be able to forge it;
 * - `x-forwarded-proto` / `-host` / `-port`: this gateway is the edge, so it states them itself
 *   (`x-forwarded-for` is kept and appended to, as every proxy does).
 */
const CLIENT_CONTROLLED = ['expect', 'x-server-port', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port'];

/** Headers a `Connection: <name>` token may not remove: framing, routing and the request id. */
const NEVER_LISTED = new Set(['host', 'content-length', 'transfer-encoding', 'x-request-id']);

/**
 * Removes hop-by-hop headers, including the ones the `Connection` header names (except framing,
 * `host` and `x-request-id`, which a client must not be able to drop this way). Mutates `headers`.
 */
export function stripHopByHop(headers: IncomingHttpHeaders): void {
  const connection = headers.connection;
  if (typeof connection === 'string') {
    for (const token of connection.split(',')) {
      const name = token.trim().toLowerCase();
      if (name && !NEVER_LISTED.has(name)) delete headers[name];
    }
  }
  for (const name of HOP_BY_HOP) delete headers[name];
}

/**
 * Turns a client's request headers into the ones to forward (mutates them: the proxy library
 * copies `req.headers` when it builds the upstream request). Body framing headers
 * (`content-length`, `transfer-encoding`) stay, so chunked uploads remain chunked.
 */
export function prepareForwardedRequestHeaders(headers: IncomingHttpHeaders): void {
  stripHopByHop(headers);
  for (const name of CLIENT_CONTROLLED) delete headers[name];
}
