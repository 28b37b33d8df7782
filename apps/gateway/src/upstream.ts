import { Agent } from 'node:http';
import type { ReadinessProbe } from '@cfy/runtime';
import { errorCode } from './errors';

/** A service the gateway forwards to, with its own pool of keep-alive connections. */
export interface Upstream {
  /** Service name: the only thing about the upstream a client ever sees (in 502 messages). */
  readonly name: string;
  readonly url: URL;
  readonly agent: Agent;
}

export interface UpstreamOptions {
  /** Concurrent connections to this upstream (default 256); further requests wait for a free one. */
  readonly maxSockets?: number;
}

/**
 * Idle pooled connections are closed after this long. It is kept below the 5 s keep-alive timeout
 * of Node servers (our upstreams) so the gateway never reuses a connection the upstream is just
 * closing, which would turn into a spurious 502. Node also honours a shorter `Keep-Alive: timeout=`
 * hint sent by the upstream.
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/**
 * Names an upstream service and opens its connection pool (nothing connects until the first request).
 * @example const rest = createUpstream('rest-service', 'http://127.0.0.1:8100', { maxSockets: 256 });
 */
export function createUpstream(name: string, url: string, options: UpstreamOptions = {}): Upstream {
  const maxSockets = options.maxSockets ?? 256;
  const agent = new Agent({
    keepAlive: true,
    maxSockets,
    maxFreeSockets: Math.min(maxSockets, 64),
    timeout: IDLE_SOCKET_TIMEOUT_MS,
    // Most recently used first: the connections that stay idle longest are the ones that expire.
    scheduling: 'lifo',
  });
  return { name, url: new URL(url), agent };
}

/**
 * A readiness probe: the upstream's own `/health` must answer 2xx within `timeoutMs`. Uses a fresh
 * connection, not the proxy's pool, so a saturated pool does not read as a dead upstream.
 * @example readiness.add('rest-service', upstreamHealthProbe(rest, 1_000));
 */
export function upstreamHealthProbe(upstream: Upstream, timeoutMs: number): ReadinessProbe {
  const healthUrl = new URL('health', withTrailingSlash(upstream.url));
  return async () => {
    let response: Response;
    try {
      response = await fetch(healthUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    } catch (error) {
      throw new Error(`${upstream.name} /health: ${describeFetchFailure(error, timeoutMs)}`, { cause: error });
    }
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${upstream.name} /health answered ${response.status}`);
  };
}

/**
 * fetch() reports every network failure as "fetch failed"; the useful part is the cause's code.
 * Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm.
 */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  const failure = error as { name?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (failure?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return errorCode(failure?.cause) ?? String(failure?.message ?? error);
}

function withTrailingSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith('/')) copy.pathname += '/';
  return copy;
}
