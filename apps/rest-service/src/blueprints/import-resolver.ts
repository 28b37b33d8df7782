import { type ImportResolver, ImportNotFoundError, ImportTimeoutError } from '@cfy/dsl';
import type { FileserverClient } from '../fileserver/fileserver.http';

export interface BlueprintResolverOptions {
  readonly fileserver: Pick<FileserverClient, 'readResource' | 'resourceExists'>;
  /** The blueprint whose extracted folder (`blueprints/<id>/`) archive-relative paths read from. */
  readonly blueprintId: string;
  /** Time limit of one read or one URL fetch attempt, in ms. */
  readonly timeoutMs: number;
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Aborts every read (the upload was abandoned). */
  readonly signal?: AbortSignal | undefined;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

/** 3.4 tries an import URL up to 6 times in quick succession on connection errors and 5xx (dsl.md §2). */
const URL_ATTEMPTS = 6;

/**
 * The DSL parser's I/O for an uploaded blueprint: archive-relative paths are read back from the
 * fileserver (`/resources/blueprints/<id>/<path>`), `http(s)` import URLs are fetched with a time
 * and size limit. `file:` and `ftp:` URLs are refused: they would read the manager's own disk or
 * need a protocol the manager does not speak. Cloudify's types URLs never get here (the parser
 * serves its built-in types).
 * @example parseBlueprint({ mainFile: 'blueprint.yaml', resolver: createBlueprintResolver({ fileserver, blueprintId: 'bp1', timeoutMs: 10_000, maxBytes: 16 << 20 }) })
 */
export function createBlueprintResolver(options: BlueprintResolverOptions): ImportResolver {
  const segmentsOf = (location: string): string[] => ['blueprints', options.blueprintId, ...location.split('/')];

  const readArchiveFile = async (location: string): Promise<string> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let content: Buffer | undefined;
    try {
      content = await options.fileserver.readResource(segmentsOf(location), options.maxBytes, signal);
    } catch (error) {
      if (timeout.aborted && !options.signal?.aborted) throw new ImportTimeoutError(location, options.timeoutMs);
      throw error;
    }
    if (content === undefined) throw new ImportNotFoundError(location);
    return content.toString('utf8');
  };

  return {
    resolve(location: string): Promise<string> {
      const scheme = schemeOf(location);
      if (scheme === undefined) return readArchiveFile(location);
      if (scheme === 'http' || scheme === 'https') return fetchUrl(location, options);
      return Promise.reject(new ImportNotFoundError(location, `${scheme} URLs are not fetched by the manager; use http or https`));
    },
    exists(location: string): Promise<boolean> {
      if (schemeOf(location) !== undefined) return Promise.resolve(false);
      return options.fileserver.resourceExists(segmentsOf(location), options.signal);
    },
  };
}

function schemeOf(location: string): string | undefined {
  return /^(https?|file|ftp):/.exec(location)?.[1];
}

async function fetchUrl(url: string, options: BlueprintResolverOptions): Promise<string> {
  const fetchImpl = options.fetch ?? fetch;
  let lastError: unknown;
  for (let attempt = 1; attempt <= URL_ATTEMPTS; attempt += 1) {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await fetchImpl(url, { signal, redirect: 'follow' });
      if (response.status >= 400 && response.status < 500) {
        await response.body?.cancel();
        throw new ImportNotFoundError(url, `HTTP ${response.status}`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        lastError = new Error(`HTTP ${response.status}`);
        continue;
      }
      return await readText(response, options.maxBytes, url);
    } catch (error) {
      if (error instanceof ImportNotFoundError || error instanceof RangeError || options.signal?.aborted) throw error;
      if (timeout.aborted) throw new ImportTimeoutError(url, options.timeoutMs);
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function readText(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new RangeError(`${url} is larger than the limit of ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new RangeError(`${url} is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
