import { type ClientRequest, type IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BadParametersError } from '@cfy/contracts';
import { HTTP_CORRELATION_HEADER, type Logger } from '@cfy/logging';
import type { ServiceLifecycle } from '@cfy/runtime';
import type { RequestHandler } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { UpstreamUnavailableError, errorCode } from './errors';
import { prepareForwardedRequestHeaders, stripHopByHop } from './headers';
import type { InFlightRequests } from './in-flight';
import { isForwardablePath, type GatewayRoute } from './routes';
import type { Upstream } from './upstream';

export interface GatewayProxyOptions {
  readonly logger: Logger;
  /** Once the service stops accepting, responses close their client connection. */
  readonly lifecycle: ServiceLifecycle;
  readonly inFlight: InFlightRequests;
  /** Upstream connection idle limit (nothing sent nor received), in ms. */
  readonly timeoutMs: number;
}

/** What the gateway knows about one proxied request while it runs. */
interface Exchange {
  upstreamRequest: ClientRequest | undefined;
  /** The client went away before its response was complete. */
  clientGone: boolean;
  /** The upstream connection sat idle past `timeoutMs`. */
  timedOut: boolean;
}

type UpstreamProxy = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => Promise<void>;

/**
 * Forwards every request a route claims to that route's upstream, streaming bodies both ways
 * (nothing here reads a body), and passes the rest on (to the JSON 404).
 *
 * Per request: hop-by-hop and edge-only headers are dropped, `X-Forwarded-For/-Proto/-Host/-Port`
 * are set, the client's `Host` is preserved (as Cloudify's nginx did, so upstreams build URLs the
 * client can use), `X-Request-Id` goes upstream and back to the client, and one access-log line is
 * written when the exchange ends. A client that goes away aborts the upstream request, so no
 * upstream connection is left waiting. An upstream that refuses, resets or stays silent past
 * `timeoutMs` before its response starts yields 502 `bad_gateway_error` (see UpstreamUnavailableError);
 * after the response started, the client connection is cut instead.
 */
export function gatewayProxy(routes: readonly GatewayRoute[], options: GatewayProxyOptions): RequestHandler {
  const exchanges = new WeakMap<IncomingMessage, Exchange>();
  // One proxy (and so one set of listeners) per upstream, however many routes lead to it.
  const proxies = new Map<Upstream, UpstreamProxy>();
  const table = routes.map((route) => {
    const proxy = proxies.get(route.upstream) ?? upstreamProxy(route.upstream, exchanges, options);
    proxies.set(route.upstream, proxy);
    return { ...route, proxy };
  });
  const accessLog = options.logger.child({ component: 'proxy' });

  return (req, res, next) => {
    const resolved = resolve(table, req.url);
    if (!resolved) {
      next();
      return;
    }
    const { upstream, proxy, target } = resolved;
    if (!isForwardablePath(pathOf(target))) throw new BadParametersError('Invalid request path');

    prepareForwardedRequestHeaders(req.headers);
    const exchange: Exchange = { upstreamRequest: undefined, clientGone: false, timedOut: false };
    exchanges.set(req, exchange);
    const startedAt = performance.now();
    const finished = options.inFlight.begin();
    res.once('close', () => {
      finished();
      if (!res.writableFinished) {
        exchange.clientGone = true;
        exchange.upstreamRequest?.destroy();
      }
      accessLog.info('proxied request', {
        method: req.method,
        path: pathOf(req.originalUrl),
        upstream: upstream.name,
        upstream_path: pathOf(target),
        status: res.headersSent ? res.statusCode : null,
        completed: res.writableFinished,
        duration_ms: Math.round((performance.now() - startedAt) * 10) / 10,
        correlation_id: req.headers[HTTP_CORRELATION_HEADER],
      });
    });

    req.url = target;
    return proxy(req, res, next);
  };
}

interface ProxiedRoute extends GatewayRoute {
  readonly proxy: UpstreamProxy;
}

function resolve(table: readonly ProxiedRoute[], url: string): { upstream: Upstream; proxy: UpstreamProxy; target: string } | undefined {
  for (const route of table) {
    const target = route.resolve(url);
    if (target !== undefined) return { upstream: route.upstream, proxy: route.proxy, target };
  }
  return undefined;
}

function upstreamProxy(upstream: Upstream, exchanges: WeakMap<IncomingMessage, Exchange>, options: GatewayProxyOptions): UpstreamProxy {
  const log = options.logger.child({ component: 'proxy', upstream: upstream.name });
  return createProxyMiddleware({
    target: upstream.url.href,
    agent: upstream.agent,
    xfwd: true,
    changeOrigin: false,
    proxyTimeout: options.timeoutMs,
    on: {
      proxyReq: (proxyReq, req) => {
        const exchange = exchanges.get(req);
        if (!exchange) return;
        exchange.upstreamRequest = proxyReq;
        proxyReq.once('timeout', () => {
          exchange.timedOut = true;
        });
        // The client left while the request waited for a pooled connection.
        if (exchange.clientGone) proxyReq.destroy();
      },
      proxyRes: (proxyRes, req, res) => {
        stripHopByHop(proxyRes.headers);
        proxyRes.headers.connection = res.shouldKeepAlive && options.lifecycle.accepting ? 'keep-alive' : 'close';
        const requestId = req.headers[HTTP_CORRELATION_HEADER];
        if (typeof requestId === 'string') proxyRes.headers[HTTP_CORRELATION_HEADER] = requestId;
        // An upstream that dies mid-body must not leave the client waiting for the rest forever.
        proxyRes.once('close', () => {
          if (!proxyRes.complete) res.destroy();
        });
      },
      error: (error, req, res) => {
        const exchange = exchanges.get(req);
        if (exchange?.clientGone) return;
        const failure = UpstreamUnavailableError.fromSocketError(upstream.name, error, exchange?.timedOut ? options.timeoutMs : undefined);
        log.warn('upstream request failed', {
          reason: failure.reason,
          code: errorCode(error),
          method: req.method,
          path: pathOf(req.url ?? '/'),
          correlation_id: req.headers[HTTP_CORRELATION_HEADER],
        });
        if (!(res instanceof ServerResponse)) {
          res.destroy();
          return;
        }
        if (res.headersSent || res.destroyed) {
          res.destroy();
          return;
        }
        // The rest of the client's body has nowhere to go: discard it, and close the connection
        // after answering unless the request was complete.
        req.unpipe();
        req.resume();
        const keepAlive = req.complete && res.shouldKeepAlive && options.lifecycle.accepting;
        res.writeHead(failure.httpStatus, {
          'content-type': 'application/json; charset=utf-8',
          connection: keepAlive ? 'keep-alive' : 'close',
        });
        res.end(JSON.stringify(failure.toBody()));
      },
      econnreset: (error, req) => {
        log.debug('client connection reset during proxying', { code: errorCode(error), method: req.method, correlation_id: req.headers[HTTP_CORRELATION_HEADER] });
      },
    },
  });
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
