import { z } from 'zod';
import { InfluxConfigError, InfluxUnavailableError } from './errors';

/*
 * The HTTP edge of the lib: URL building, credentials, time limits, and turning network failures
 * and "try later" statuses into InfluxUnavailableError. Uses Node's global fetch (undici), which
 * keeps connections alive between requests.
 */

/**
 * How username/password are sent. `basic` (default): an `Authorization: Basic` header, accepted
 * by InfluxDB 1.x and by the 1.x-compatibility endpoints of 2.x and 3.x, and kept out of URLs
 * and access logs. `query`: the legacy `u`/`p` query parameters, for proxies that strip headers.
 */
export type AuthScheme = 'basic' | 'query';

export interface HttpOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086`; a path prefix (behind a proxy) is kept. */
  url: string;
  username?: string;
  password?: string;
  /** An InfluxDB 2.x/3.x API token, sent as `Authorization: Token …`. Exclusive with username. */
  token?: string;
  authScheme?: AuthScheme;
  /** Time limit of one request including reading the response, in milliseconds. */
  requestTimeoutMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: '/ping' | '/query' | '/write';
  params?: Record<string, string | undefined>;
  body?: string | Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Statuses after which the same request can succeed later. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// 1.x answers errors with {"error": "..."}, 2.x and 3.x with {"code": "...", "message": "..."}.
const errorBodySchema = z.union([z.object({ error: z.string() }), z.object({ message: z.string() })]);
const MAX_SERVER_MESSAGE_CHARS = 2000;

/** The server's error text from a response body: the JSON `error`/`message`, else the raw text. */
export function serverMessageOf(body: string): string {
  let message = body.trim();
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) message = 'error' in parsed.data ? parsed.data.error : parsed.data.message;
  } catch {
    // Not JSON (a proxy's HTML page, plain text): the raw text is the best explanation we have.
  }
  return message.length > MAX_SERVER_MESSAGE_CHARS ? `${message.slice(0, MAX_SERVER_MESSAGE_CHARS)}…` : message;
}

/** An InfluxUnavailableError for a 5xx/429/408 response. */
export function unavailableFromResponse(response: HttpResponse, action: string): InfluxUnavailableError {
  const serverMessage = serverMessageOf(response.text);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return new InfluxUnavailableError(`InfluxDB could not ${action} (HTTP ${response.status}): ${serverMessage || 'no details'}`, {
    status: response.status,
    serverMessage,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

// fetch's errors come from undici's realm (not jest's, for one), so they are read by shape, not instanceof.
const fetchFailureSchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  cause: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
});

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const parsed = fetchFailureSchema.safeParse(error);
  if (!parsed.success) return String(error);
  const { name, message, cause } = parsed.data;
  if (name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // fetch never connects to ports on the WHATWG blocked-port list (1, 7, 25, 6000…).
  if (cause?.message === 'bad port') return 'fetch refuses this port (WHATWG blocked-port list); nothing was sent';
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return cause?.message ?? message ?? String(error);
}

export class InfluxHttp {
  private readonly base: string;
  private readonly authorization: string | undefined;
  private readonly queryCredentials: Record<string, string>;

  constructor(private readonly options: HttpOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch (error) {
      throw new InfluxConfigError(`InfluxDB url ${JSON.stringify(options.url)} is not a URL`, { cause: error });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InfluxConfigError(`InfluxDB url must be http(s), got ${parsed.protocol}`);
    }
    if (!Number.isInteger(options.requestTimeoutMs) || options.requestTimeoutMs <= 0) {
      throw new InfluxConfigError(`requestTimeoutMs must be a positive integer, got ${options.requestTimeoutMs}`);
    }
    // fetch refuses URLs with user info, and env-style URLs (http://user:pass@host:8086) carry it:
    // use it as username/password unless those are given explicitly.
    const username = options.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
    const password = options.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
    if (options.token !== undefined && (username !== undefined || password !== undefined)) {
      throw new InfluxConfigError('give either token or username/password, not both');
    }
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.queryCredentials = {};
    if (options.token !== undefined) {
      this.authorization = `Token ${options.token}`;
    } else if (username !== undefined) {
      if ((options.authScheme ?? 'basic') === 'query') {
        this.queryCredentials = { u: username, p: password ?? '' };
      } else {
        this.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
      }
    }
  }

  /**
   * Sends one request and reads the whole response. Resolves for every HTTP status (callers
   * classify them); rejects only with InfluxUnavailableError (refused, reset, DNS, time limit).
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(`${this.base}${request.path}`);
    for (const [key, value] of Object.entries({ ...request.params, ...this.queryCredentials })) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = { ...request.headers };
    if (this.authorization) headers['Authorization'] = this.authorization;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      throw new InfluxUnavailableError(`InfluxDB at ${this.base} is unreachable (${request.method} ${request.path}): ${describeNetworkError(error, this.options.requestTimeoutMs)}`, {
        cause: error,
      });
    }
  }
}
