import { Readable } from 'node:stream';
import { type ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { type z } from 'zod';
import { describeNetworkFailure, ManagerConnectionError, ManagerHttpError, UnexpectedResponseError } from './rest-errors';
import {
  type Blueprint,
  blueprintListSchema,
  blueprintSchema,
  type DeletedBlueprint,
  deletedBlueprintSchema,
  type DeploymentIdList,
  deploymentIdListSchema,
  errorBodySchema,
  type ListResponse,
  type MaintenanceMode,
  maintenanceModeSchema,
  type ManagerStatus,
  managerStatusSchema,
  type ProviderContext,
  providerContextSchema,
} from './rest-schemas';

/** The API version the 3.4 CLI speaks (rest-api-v2.1.md §1). */
export const API_PREFIX = '/api/v2.1';

/** Largest error body read to build a message; error pages beyond this are cut. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface RestClientOptions {
  /** Manager origin without the API prefix, e.g. `http://10.0.0.5:80` (a path prefix is kept). */
  baseUrl: string;
  /** Headers sent with every request, e.g. `Authorization: Basic …`. */
  headers?: Readonly<Record<string, string>>;
  /** Receives one line per request and per response (shown with `-vv`). */
  trace?: (line: string) => void;
}

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

interface RequestSpec {
  method: 'GET' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  headers?: Readonly<Record<string, string>>;
  body?: ReadableStream<Uint8Array>;
}

/** A streamed download: the suggested file name from `Content-Disposition` and the body. */
export interface Download {
  filename: string | null;
  body: Readable;
}

/**
 * Typed client for the subset of the REST API v2.1 the CLI uses. Every JSON response is parsed
 * with its zod schema; error statuses become {@link ManagerHttpError}, network failures
 * {@link ManagerConnectionError}, malformed success bodies {@link UnexpectedResponseError}.
 * No timeouts, like 3.4's client: uploads of large blueprints may take long, Ctrl-C ends a wait.
 *
 * @example
 * const client = new RestClient({ baseUrl: 'http://10.0.0.5:80' });
 * const { items } = await client.listBlueprints();
 */
export class RestClient {
  private readonly base: string;

  constructor(private readonly options: RestClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** `GET /status`. */
  getStatus(): Promise<ManagerStatus> {
    return this.json({ method: 'GET', path: '/status' }, managerStatusSchema);
  }

  /** `GET /maintenance`; null when the manager has no such endpoint (404). */
  async getMaintenanceMode(): Promise<MaintenanceMode | null> {
    try {
      return await this.json({ method: 'GET', path: '/maintenance' }, maintenanceModeSchema);
    } catch (error) {
      if (error instanceof ManagerHttpError && error.status === 404) return null;
      throw error;
    }
  }

  /** `GET /provider/context`. */
  getProviderContext(): Promise<ProviderContext> {
    return this.json({ method: 'GET', path: '/provider/context' }, providerContextSchema);
  }

  /** `GET /blueprints` (one page of the server's default size, as 3.4 does). */
  listBlueprints(): Promise<ListResponse<Blueprint>> {
    return this.json({ method: 'GET', path: '/blueprints' }, blueprintListSchema);
  }

  /** `GET /blueprints/{id}`. */
  getBlueprint(id: string): Promise<Blueprint> {
    return this.json({ method: 'GET', path: `/blueprints/${encodeURIComponent(id)}` }, blueprintSchema);
  }

  /** `DELETE /blueprints/{id}`. */
  deleteBlueprint(id: string): Promise<DeletedBlueprint> {
    return this.json({ method: 'DELETE', path: `/blueprints/${encodeURIComponent(id)}` }, deletedBlueprintSchema);
  }

  /**
   * `PUT /blueprints/{id}?application_file_name=…` with the archive streamed as a chunked body.
   * The file name is quoted once more before the usual query encoding, exactly as 3.4's client
   * does (`urllib.quote`), because the 3.4 server unquotes the received value again.
   */
  uploadBlueprint(id: string, archive: Readable, applicationFileName: string): Promise<Blueprint> {
    return this.json(
      {
        method: 'PUT',
        path: `/blueprints/${encodeURIComponent(id)}`,
        query: { application_file_name: pythonQuote(applicationFileName) },
        headers: { 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(archive) as ReadableStream<Uint8Array>,
      },
      blueprintSchema,
    );
  }

  /** `GET /blueprints/{id}/archive`, streamed. */
  async downloadBlueprint(id: string): Promise<Download> {
    const response = await this.send({ method: 'GET', path: `/blueprints/${encodeURIComponent(id)}/archive` });
    if (response.body === null) throw new UnexpectedResponseError(response.url, 'empty body');
    return {
      filename: attachmentFileName(response.headers.get('content-disposition')),
      body: Readable.fromWeb(response.body as NodeWebReadableStream<Uint8Array>),
    };
  }

  /** `GET /deployments?_include=id&blueprint_id=<id>` (what `blueprints get` shows). */
  listDeploymentIdsOfBlueprint(blueprintId: string): Promise<DeploymentIdList> {
    return this.json({ method: 'GET', path: '/deployments', query: { _include: 'id', blueprint_id: blueprintId } }, deploymentIdListSchema);
  }

  private async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.infer<S>> {
    const response = await this.send(spec);
    const url = response.url;
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ManagerConnectionError(this.base, describeNetworkFailure(error), { cause: error });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new UnexpectedResponseError(url, `body is not JSON: ${snippet(text)}`, { cause: error });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new UnexpectedResponseError(url, parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
    }
    return parsed.data;
  }

  /** Sends a request and returns a 2xx response; any other status throws {@link ManagerHttpError}. */
  private async send(spec: RequestSpec): Promise<Response> {
    const url = this.url(spec.path, spec.query);
    const started = Date.now();
    this.options.trace?.(`-> ${spec.method} ${url}`);
    let response: Response;
    try {
      response = await fetch(url, {
        method: spec.method,
        headers: { accept: 'application/json', ...this.options.headers, ...spec.headers },
        ...(spec.body ? { body: spec.body, duplex: 'half' as const } : {}),
        redirect: 'follow',
      });
    } catch (error) {
      this.options.trace?.(`<- ${spec.method} ${url} failed: ${describeNetworkFailure(error)}`);
      throw new ManagerConnectionError(this.base, describeNetworkFailure(error), { cause: error });
    }
    this.options.trace?.(`<- ${response.status} ${spec.method} ${url} (${Date.now() - started} ms)`);
    if (response.status >= 200 && response.status < 300) return response;
    throw await this.httpError(response, url);
  }

  private async httpError(response: Response, url: string): Promise<ManagerHttpError> {
    const text = await readLimited(response, MAX_ERROR_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = errorBodySchema.safeParse(body);
    if (parsed.success) {
      return new ManagerHttpError(response.status, parsed.data.message, parsed.data.error_code ?? null, parsed.data.server_traceback ?? null, url);
    }
    const message = text.trim() === '' ? `${response.status} ${response.statusText}`.trim() : snippet(text.trim());
    return new ManagerHttpError(response.status, message, null, null, url);
  }

  private url(path: string, query: Query | undefined): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const item of typeof value === 'string' ? [value] : value) search.append(key, item);
    }
    const qs = search.toString();
    return `${this.base}${API_PREFIX}${path}${qs === '' ? '' : `?${qs}`}`;
  }
}

/**
 * Python 2's `urllib.quote(s)` (safe `/`): percent-encodes UTF-8 bytes of everything except
 * ASCII letters, digits, `_.-/`. Hand-written because no JS built-in has this exact safe set.
 */
export function pythonQuote(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_.\-/]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * The file name in `Content-Disposition: attachment; filename=<name>` (quoted or not), reduced
 * to its last path segment so a server cannot make the CLI write outside the target directory.
 */
export function attachmentFileName(header: string | null): string | null {
  if (header === null) return null;
  const match = /filename\*?=(?:UTF-8'')?("?)([^";]+)\1/i.exec(header);
  if (!match?.[2]) return null;
  let name = match[2];
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded: keep the raw value.
  }
  const base = name.split(/[/\\]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? null : base;
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (size >= maxBytes) break;
    }
  } catch {
    // A body cut mid-way still yields the status; keep what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text + decoder.decode();
}

function snippet(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
