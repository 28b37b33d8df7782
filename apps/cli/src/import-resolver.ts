import { readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ImportResolver, ImportNotFoundError, ImportTimeoutError } from '@cfy/dsl';
import { describeNetworkFailure, errorLike } from './rest-errors';

/** Per-attempt limit of an HTTP(S) import fetch, as 3.4's resolver (dsl.md §2). */
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;
/** Attempts on connection errors and 5xx before the import fails (3.4: "up to 6 in quick succession"). */
export const DEFAULT_IMPORT_ATTEMPTS = 6;

export interface FileSystemResolverOptions {
  /** Limit of one HTTP(S) attempt in milliseconds. Default {@link DEFAULT_IMPORT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Attempts per URL on connection errors and 5xx. Default {@link DEFAULT_IMPORT_ATTEMPTS}. */
  attempts?: number;
}

const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * The DSL parser's {@link ImportResolver} for `cfy blueprints validate`: archive-relative
 * locations are files under `root` (the blueprint's folder, i.e. what the manager will see after
 * upload); `http(s):` imports are fetched (per-attempt timeout, retries on connection errors and
 * 5xx, 4xx = not found); `file:` URLs are read from disk. Cloudify's own types URLs never get
 * here: the parser serves them from memory.
 *
 * @example await parseBlueprint({ mainFile: 'blueprint.yaml', resolver: new FileSystemImportResolver('/work/hello') })
 */
export class FileSystemImportResolver implements ImportResolver {
  private readonly timeoutMs: number;
  private readonly attempts: number;

  constructor(
    private readonly root: string,
    options: FileSystemResolverOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS;
    this.attempts = Math.max(1, options.attempts ?? DEFAULT_IMPORT_ATTEMPTS);
  }

  resolve(location: string): Promise<string> {
    const scheme = schemeOf(location);
    switch (scheme) {
      case 'http':
      case 'https':
        return this.fetchUrl(location);
      case 'file':
        return readText(fileURLToPath(location), location);
      case 'ftp':
        return Promise.reject(new Error(`${location}: ftp imports are not supported by this CLI`));
      case null:
        return readText(this.pathOf(location), location);
    }
  }

  async exists(location: string): Promise<boolean> {
    // Only archive-relative paths can be scripts next to the blueprint.
    if (schemeOf(location) !== null) return false;
    const info = await stat(this.pathOf(location)).catch(() => null);
    return info?.isFile() ?? false;
  }

  private pathOf(location: string): string {
    // The parser hands over normalised, '/'-separated paths that never leave the archive root.
    return join(this.root, ...location.split('/'));
  }

  private async fetchUrl(url: string): Promise<string> {
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
      } catch (error) {
        if (isTimeout(error)) throw new ImportTimeoutError(url, this.timeoutMs);
        lastFailure = describeNetworkFailure(error);
        continue;
      }
      if (response.status >= 400 && response.status < 500) {
        await response.body?.cancel();
        throw new ImportNotFoundError(url, `HTTP ${response.status}`);
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        lastFailure = `HTTP ${response.status}`;
        continue;
      }
      try {
        return await response.text();
      } catch (error) {
        if (isTimeout(error)) throw new ImportTimeoutError(url, this.timeoutMs);
        lastFailure = describeNetworkFailure(error);
      }
    }
    throw new Error(`${url}: ${lastFailure} (after ${this.attempts} attempts)`);
  }
}

type Scheme = 'http' | 'https' | 'file' | 'ftp' | null;

function schemeOf(location: string): Scheme {
  const match = /^(https?|file|ftp):/.exec(location);
  return match ? (match[1] as Exclude<Scheme, null>) : null;
}

async function readText(path: string, location: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && NOT_FOUND_CODES.has(code)) throw new ImportNotFoundError(location, `no such file ${path.split(sep).join('/')}`);
    throw error;
  }
}

function isTimeout(error: unknown): boolean {
  const name = errorLike(error)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}
