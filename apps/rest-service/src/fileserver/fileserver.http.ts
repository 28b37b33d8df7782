import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { Readable } from 'node:stream';
import { isErrorCode } from '@cfy/contracts';
import { type Logger, HTTP_CORRELATION_HEADER, currentCorrelationId, silentLogger } from '@cfy/logging';
import { z } from 'zod';
import { FileserverRejectedError, FileserverUnavailableError } from '../errors';

/** Header carrying the fileserver's shared secret (its `INTERNAL_TOKEN`). */
export const INTERNAL_TOKEN_HEADER = 'x-cfy-internal-token';

/** Largest JSON answer read from the fileserver (an extraction listing of 65 535 files fits). */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

const errorBodySchema = z.object({ message: z.string(), error_code: z.string() });

const storedArchiveSchema = z.object({ path: z.string(), size: z.number().int().nonnegative() });
export type StoredArchive = z.infer<typeof storedArchiveSchema>;

const extractedBlueprintSchema = z.object({
  blueprintId: z.string(),
  format: z.enum(['zip', 'tar', 'tar.gz', 'tar.bz2']),
  directory: z.string(),
  mainFile: z.string(),
  applicationFileName: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative() })),
});
export type ExtractedBlueprint = z.infer<typeof extractedBlueprintSchema>;

export interface FileserverClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:53229`. */
  readonly url: string;
  /** Sent as `X-Cfy-Internal-Token` on `/_internal/**` when set. */
  readonly internalToken?: string | undefined;
  /** An exchange idle (nothing sent nor received) this long is abandoned, in ms. */
  readonly timeoutMs: number;
  /** Keep-alive sockets to the fileserver; requests beyond it queue. Default 64. */
  readonly maxSockets?: number;
  readonly logger?: Logger;
}

/** A streamed file of the read side, with its length when the fileserver gave one. */
export interface ResourceStream {
  readonly body: IncomingMessage;
  readonly contentLength: number | undefined;
}

/**
 * The fileserver's HTTP API, the rest-service's only way to files: the internal write side
 * (`/_internal/**`: archive upload, extraction, deletion) and the public read side (`/resources/**`).
 * Bodies stream both ways; connections are kept alive. Failures are typed: a Cloudify error the
 * fileserver answered with (4xx) is a FileserverRejectedError carrying its code and message; no
 * answer, a timeout or a 5xx is a FileserverUnavailableError (retryable).
 * @example
 * const fileserver = new FileserverClient({ url: 'http://127.0.0.1:53229', timeoutMs: 60_000 });
 * await fileserver.putUploadedArchive('bp1', 'bp1.tar.gz', stream);
 */
export class FileserverClient {
  private readonly base: URL;
  /** Path of the base URL (a fileserver behind a prefix), without the trailing slash. */
  private readonly pathPrefix: string;
  private readonly agent: Agent;
  private readonly logger: Logger;

  constructor(private readonly options: FileserverClientOptions) {
    this.base = new URL(options.url);
    this.pathPrefix = this.base.pathname.replace(/\/+$/, '');
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
    this.logger = (options.logger ?? silentLogger).child({ component: 'fileserver-client' });
  }

  /**
   * Streams `body` to `uploaded-blueprints/<id>/<fileName>`. When `body` fails (size limit, client
   * gone) the request is aborted and that error is thrown; the fileserver then keeps nothing.
   */
  async putUploadedArchive(id: string, fileName: string, body: Readable, signal?: AbortSignal): Promise<StoredArchive> {
    const path = `/_internal/uploaded-blueprints/${encodeSegment(id)}/${encodeSegment(fileName)}`;
    const { response, req } = await this.exchange('PUT', path, {
      body,
      headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      signal,
    });
    try {
      return await this.readJson(response, 'PUT', path, storedArchiveSchema);
    } finally {
      // An early answer (409, 413) leaves the body unsent: stop it, the connection is done for.
      if (!req.writableFinished) {
        body.unpipe(req);
        req.destroy();
      }
    }
  }

  /** Extracts the uploaded archive into `blueprints/<id>/` (409 when that folder exists). */
  async extractBlueprint(id: string, archive: string, applicationFileName: string | undefined): Promise<ExtractedBlueprint> {
    const path = `/_internal/blueprints/${encodeSegment(id)}/extract`;
    const json = JSON.stringify(applicationFileName === undefined ? { archive } : { archive, applicationFileName });
    const { response } = await this.exchange('POST', path, { body: json, headers: { 'content-type': 'application/json' } });
    return this.readJson(response, 'POST', path, extractedBlueprintSchema);
  }

  /** Removes `blueprints/<id>/` and `uploaded-blueprints/<id>/`; nothing there is not an error. */
  async deleteBlueprint(id: string): Promise<void> {
    const path = `/_internal/blueprints/${encodeSegment(id)}`;
    const { response } = await this.exchange('DELETE', path, {});
    await this.readJson(response, 'DELETE', path, z.unknown());
  }

  /**
   * Reads a file of the read side into memory.
   * @param segments path under the resources root, one unencoded segment each
   * @returns undefined when there is no such file (404, or a path the fileserver refuses)
   * @throws RangeError when the file is larger than `maxBytes`
   */
  async readResource(segments: readonly string[], maxBytes: number, signal?: AbortSignal): Promise<Buffer | undefined> {
    const opened = await this.openResource(segments, signal);
    if (opened === undefined) return undefined;
    if (opened.contentLength !== undefined && opened.contentLength > maxBytes) {
      opened.body.destroy();
      throw new RangeError(`${segments.join('/')} is larger than the limit of ${maxBytes} bytes`);
    }
    return readAll(opened.body, maxBytes, segments.join('/'));
  }

  /** Whether a regular file exists on the read side (HEAD). */
  async resourceExists(segments: readonly string[], signal?: AbortSignal): Promise<boolean> {
    const path = resourcePath(segments);
    const { response } = await this.exchange('HEAD', path, { signal });
    response.resume();
    if (response.statusCode === 200) return true;
    if (isAbsent(response.statusCode)) return false;
    throw new FileserverUnavailableError(`HEAD ${path} answered ${response.statusCode ?? 0}`);
  }

  /**
   * Opens a file of the read side as a stream; the caller must consume or destroy `body`.
   * @returns undefined when there is no such file
   */
  async openResource(segments: readonly string[], signal?: AbortSignal): Promise<ResourceStream | undefined> {
    const path = resourcePath(segments);
    const { response } = await this.exchange('GET', path, { signal });
    if (response.statusCode === 200) {
      const length = Number(response.headers['content-length']);
      return { body: response, contentLength: Number.isSafeInteger(length) ? length : undefined };
    }
    response.resume();
    if (isAbsent(response.statusCode)) return undefined;
    throw new FileserverUnavailableError(`GET ${path} answered ${response.statusCode ?? 0}`);
  }

  /** Readiness: resolves when the fileserver's `/health` answers 200. */
  async checkHealth(timeoutMs = 2_000): Promise<void> {
    const { response } = await this.exchange('GET', '/health', { signal: AbortSignal.timeout(timeoutMs) });
    response.resume();
    if (response.statusCode !== 200) throw new FileserverUnavailableError(`/health answered ${response.statusCode ?? 0}`);
  }

  /** Closes the kept-alive connections; requests in flight fail. */
  close(): void {
    this.agent.destroy();
  }

  private exchange(
    method: string,
    path: string,
    options: { body?: Readable | string; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<{ response: IncomingMessage; req: ClientRequest }> {
    const headers: Record<string, string> = { ...options.headers };
    if (path.startsWith('/_internal/') && this.options.internalToken !== undefined) headers[INTERNAL_TOKEN_HEADER] = this.options.internalToken;
    const correlationId = currentCorrelationId();
    if (correlationId !== undefined) headers[HTTP_CORRELATION_HEADER] = correlationId;
    if (typeof options.body === 'string') headers['content-length'] = String(Buffer.byteLength(options.body));

    return new Promise((resolve, reject) => {
      // The body's own failure (size limit, client gone) is the story, not the aborted request.
      let bodyError: unknown;
      // Host, port and path given separately: the path is sent exactly as built, never normalised.
      const req = request({
        protocol: this.base.protocol,
        host: this.base.hostname,
        port: this.base.port,
        path: `${this.pathPrefix}${path}`,
        method,
        agent: this.agent,
        headers,
        timeout: this.options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.once('response', (response) => resolve({ response, req }));
      req.on('error', (error) => {
        if (bodyError !== undefined) reject(bodyError);
        else if (options.signal?.aborted) reject(options.signal.reason);
        else reject(new FileserverUnavailableError(`${method} ${path}: ${error.message}`, { cause: error }));
      });
      const body = options.body;
      if (body instanceof Readable) {
        body.on('error', (error) => {
          bodyError = error;
          req.destroy(error);
        });
        body.pipe(req);
      } else {
        req.end(body);
      }
    });
  }

  private async readJson<T>(response: IncomingMessage, method: string, path: string, schema: z.ZodType<T>): Promise<T> {
    const status = response.statusCode ?? 0;
    let text: string;
    try {
      text = (await readAll(response, MAX_JSON_BYTES, path)).toString('utf8');
    } catch (error) {
      throw new FileserverUnavailableError(`${method} ${path}: reading the answer failed`, { cause: error });
    }
    if (status === 204) return schema.parse(undefined);
    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      throw new FileserverUnavailableError(`${method} ${path}: unexpected answer (${parsed.error.message})`);
    }
    const error = errorBodySchema.safeParse(json);
    // 401/403 mean our token is wrong: a configuration problem, not the client's.
    if (status >= 400 && status < 500 && status !== 401 && status !== 403 && error.success && isErrorCode(error.data.error_code)) {
      this.logger.debug('fileserver refused a request', { method, path, status, error_code: error.data.error_code });
      throw new FileserverRejectedError(error.data.error_code, error.data.message, status);
    }
    throw new FileserverUnavailableError(`${method} ${path} answered ${status}: ${text.slice(0, 500)}`);
  }
}

function resourcePath(segments: readonly string[]): string {
  return `/resources/${segments.map(encodeSegment).join('/')}`;
}

/**
 * One path segment, percent-encoded so it stays one segment: `/` is encoded by
 * encodeURIComponent, and dots are encoded too when the segment is `.` or `..`, which would
 * otherwise be read as dot-segments. The fileserver decodes the segment and judges the name.
 * @example encodeSegment('..') // '%2E%2E'
 */
export function encodeSegment(segment: string): string {
  const encoded = encodeURIComponent(segment);
  return /^\.+$/.test(segment) ? encoded.replace(/\./g, '%2E') : encoded;
}

/** 404 for missing files; 400 when the fileserver refuses the path itself (hidden, malformed). */
function isAbsent(status: number | undefined): boolean {
  return status === 404 || status === 400;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readAll(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new RangeError(`${what} is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
