import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { BadParametersError } from '@cfy/contracts';
import { ArchiveUrlNotFoundError } from '../errors';

export interface ArchiveUrlOptions {
  /** Limit of the whole download, in ms (ARCHIVE_URL_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Aborts the download (client gone, shutdown). */
  readonly signal: AbortSignal;
  /** Injected for tests; default the global fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * Opens `blueprint_archive_url` (rest-api §6.1) as a stream. Only `http` and `https` are fetched:
 * `file:` would read the manager's own disk.
 * @throws BadParametersError (400) for a malformed or non-http(s) URL; ArchiveUrlNotFoundError (400
 * `param_url_not_found_error`) when it cannot be fetched. A download failing half-way fails the
 * returned stream with ArchiveUrlNotFoundError.
 * @example const archive = await openArchiveUrl('https://example.com/bp.tar.gz', { timeoutMs: 120_000, signal });
 */
export async function openArchiveUrl(url: string, options: ArchiveUrlOptions): Promise<Readable> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadParametersError(`blueprint_archive_url is not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadParametersError(`blueprint_archive_url must be an http or https URL, got ${parsed.protocol.replace(/:$/, '')}`);
  }
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(parsed, { signal, redirect: 'follow' });
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    throw new ArchiveUrlNotFoundError(url, describe(error), { cause: error });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new ArchiveUrlNotFoundError(url, `HTTP ${response.status}`);
  }
  const source = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  // Errors of the download surface as this URL's error, not as a bare fetch failure.
  const archive = new PassThrough();
  source.on('error', (error) => {
    archive.destroy(options.signal.aborted ? (options.signal.reason as Error) : new ArchiveUrlNotFoundError(url, `download failed: ${describe(error)}`, { cause: error }));
  });
  archive.on('close', () => source.destroy());
  source.pipe(archive);
  return archive;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
