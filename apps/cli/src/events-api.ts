import { z } from 'zod';
import { API_PREFIX } from './rest-client';
import { describeNetworkFailure, ManagerConnectionError, ManagerHttpError, UnexpectedResponseError } from './rest-errors';
import { errorBodySchema, type ListResponse, listSchema } from './rest-schemas';

/*
 * `GET /events` (rest-api-v2.1.md §6.9) for the CLI. Kept beside RestClient rather than in it so
 * the events commands own their one endpoint; it follows RestClient's rules: JSON parsed with a
 * schema, error statuses → ManagerHttpError, no answer → ManagerConnectionError, malformed success
 * bodies → UnexpectedResponseError, one trace line per request and response.
 */

/** A stored event or log as the manager returns it: any JSON object (data-model.md §11.5). */
export type EventDocument = Readonly<Record<string, unknown>>;

const eventListSchema = listSchema(z.record(z.string(), z.unknown()));

/** Query-string values; arrays repeat the key (`type=cloudify_event&type=cloudify_log`). */
export type EventsQueryParams = Readonly<Record<string, string | readonly string[]>>;

/** One page of `GET /events`. */
export type ListEvents = (params: EventsQueryParams) => Promise<ListResponse<EventDocument>>;

export interface EventsApiOptions {
  /** Manager origin without the API prefix, e.g. `http://10.0.0.5:80`. */
  readonly baseUrl: string;
  /** Headers sent with every request, e.g. `Authorization: Basic …`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives one line per request and per response (shown with `-vv`). */
  readonly trace?: (line: string) => void;
}

/**
 * A {@link ListEvents} over HTTP.
 * @example
 * const listEvents = eventsApi({ baseUrl: 'http://10.0.0.5:80' });
 * const page = await listEvents({ execution_id: id, type: 'cloudify_event', _sort: '@timestamp' });
 */
export function eventsApi(options: EventsApiOptions): ListEvents {
  const base = options.baseUrl.replace(/\/+$/, '');
  return async (params) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const item of typeof value === 'string' ? [value] : value) search.append(key, item);
    }
    const url = `${base}${API_PREFIX}/events?${search.toString()}`;
    const started = Date.now();
    options.trace?.(`-> GET ${url}`);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...options.headers } });
      text = await response.text();
    } catch (error) {
      options.trace?.(`<- GET ${url} failed: ${describeNetworkFailure(error)}`);
      throw new ManagerConnectionError(base, describeNetworkFailure(error), { cause: error });
    }
    options.trace?.(`<- ${response.status} GET ${url} (${Date.now() - started} ms)`);
    const body = parseJson(text);
    if (response.status < 200 || response.status >= 300) {
      const error = errorBodySchema.safeParse(body);
      if (error.success) throw new ManagerHttpError(response.status, error.data.message, error.data.error_code ?? null, error.data.server_traceback ?? null, url);
      throw new ManagerHttpError(response.status, text.trim() === '' ? `${response.status} ${response.statusText}`.trim() : snippet(text.trim()), null, null, url);
    }
    const parsed = eventListSchema.safeParse(body);
    if (!parsed.success) {
      throw new UnexpectedResponseError(url, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
    }
    return parsed.data;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
