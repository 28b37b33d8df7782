import { ImportNotFoundError } from './errors';

/**
 * The parser's only I/O: fetch a blueprint file by location. A location is either an
 * archive-relative path (`blueprint.yaml`, `types/app.yaml`, already normalised, never starting
 * with `/` or `..`) or an absolute URL (`http:`, `https:`, `file:`, `ftp:`).
 *
 * The implementation owns its time limit (the parser has no timers): on expiry it throws
 * {@link ImportTimeoutError}; for a missing resource it throws {@link ImportNotFoundError}. Any
 * other error is reported as an import failure (code 13) too. Cloudify 3.4 fetches URLs with a
 * 10 s timeout and up to 6 quick attempts on connection errors and 5xx; HTTP resolvers should
 * behave the same.
 *
 * @example
 * const resolver: ImportResolver = { resolve: async (location) => archive.read(location) };
 */
export interface ImportResolver {
  resolve(location: string): Promise<string>;
  /**
   * Whether an archive-relative resource exists; used to recognise script paths as operation
   * implementations. Optional: without it the parser calls `resolve` and treats
   * {@link ImportNotFoundError} as "absent".
   */
  exists?(location: string): Promise<boolean>;
}

const URL_SCHEMES = ['http', 'https', 'file', 'ftp'];

/** True for `http:`, `https:`, `file:` and `ftp:` locations, which imports use as is. */
export function isAbsoluteUrl(location: string): boolean {
  const colon = location.indexOf(':');
  return colon > 0 && URL_SCHEMES.includes(location.slice(0, colon));
}

/**
 * Normalises a `/`-separated archive path: drops `.` and empty segments and folds `..`.
 * Returns null when the path escapes the archive root.
 */
export function normalizeArchivePath(path: string): string | null {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

/** The directory part of a path or URL, without the trailing slash (`''` for a top-level file). */
export function dirnameOf(location: string): string {
  const slash = location.lastIndexOf('/');
  return slash < 0 ? '' : location.slice(0, slash);
}

/**
 * Resolves `relative` against the file `base` (archive path or URL), as Cloudify does: the
 * directory of `base` plus the relative value. Returns null when an archive path escapes the root.
 */
export function joinLocation(base: string, relative: string): string | null {
  const dir = dirnameOf(base);
  if (isAbsoluteUrl(base)) {
    const schemeEnd = base.indexOf('://');
    const rootEnd = schemeEnd >= 0 ? base.indexOf('/', schemeEnd + 3) : -1;
    if (rootEnd < 0) return `${base.replace(/\/$/, '')}/${relative}`;
    const root = base.slice(0, rootEnd);
    const path = normalizeArchivePath(`${dir.slice(rootEnd)}/${relative}`);
    return path === null ? null : `${root}/${path}`;
  }
  return normalizeArchivePath(dir === '' ? relative : `${dir}/${relative}`);
}

/**
 * An {@link ImportResolver} over an in-memory archive (`{path: content}`, `/`-separated paths
 * relative to the archive root). Absolute URLs are reported as not found.
 *
 * @example parseBlueprint({ mainFile: 'bp.yaml', resolver: createInMemoryResolver({ 'bp.yaml': text }) })
 */
export function createInMemoryResolver(files: Readonly<Record<string, string>>): ImportResolver {
  const byPath = new Map<string, string>();
  for (const [path, content] of Object.entries(files)) {
    const normalized = normalizeArchivePath(path);
    if (normalized !== null) byPath.set(normalized, content);
  }
  return {
    resolve(location: string): Promise<string> {
      const content = isAbsoluteUrl(location) ? undefined : byPath.get(normalizeArchivePath(location) ?? '');
      if (content === undefined) return Promise.reject(new ImportNotFoundError(location));
      return Promise.resolve(content);
    },
    exists(location: string): Promise<boolean> {
      return Promise.resolve(!isAbsoluteUrl(location) && byPath.has(normalizeArchivePath(location) ?? ''));
    },
  };
}
