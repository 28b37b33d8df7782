import { InvalidPathError } from './errors';

/** Folders under the resources root (rest-api-v2.1.md §6.14). */
export const BLUEPRINTS_DIR = 'blueprints';
export const UPLOADED_BLUEPRINTS_DIR = 'uploaded-blueprints';
/**
 * Temporary uploads and extractions. Inside the root so renames out of it are atomic (same file
 * system), and dot-named so it is never served and can never collide with a blueprint id.
 */
export const STAGING_DIR = '.staging';

/** Longest file name most file systems accept, in bytes. */
const MAX_NAME_BYTES = 255;

export type SegmentVerdict = { readonly ok: true } | { readonly ok: false; readonly hidden: boolean; readonly problem: string };

/**
 * Judges one decoded path segment. Every name that becomes part of a path on disk passes through
 * here, so a segment can never climb out of (`..`), jump across (`/`, `\`) or truncate (NUL) a path.
 */
export function judgeSegment(segment: string): SegmentVerdict {
  if (segment === '') return { ok: false, hidden: false, problem: 'is empty' };
  if (segment === '.' || segment === '..') return { ok: false, hidden: false, problem: 'must not be "." or ".."' };
  if (/[/\\\0]/.test(segment)) return { ok: false, hidden: false, problem: 'must not contain "/", "\\" or NUL' };
  if (Buffer.byteLength(segment) > MAX_NAME_BYTES) return { ok: false, hidden: false, problem: `is longer than ${MAX_NAME_BYTES} bytes` };
  // Hidden names are never served, so storing one would create a file nobody can read back.
  if (segment.startsWith('.')) return { ok: false, hidden: true, problem: 'must not start with "."' };
  return { ok: true };
}

/** Returns `value` when it is a usable single path segment, else throws a 400 naming `what`. */
export function checkName(value: string, what: string): string {
  const verdict = judgeSegment(value);
  if (!verdict.ok) throw new InvalidPathError(`${what} ${verdict.problem}`);
  return value;
}

/** A user-chosen blueprint id used as a folder name; see `judgeSegment` for the rules. */
export function checkBlueprintId(id: string): string {
  return checkName(id, 'blueprint id');
}

/**
 * Splits a relative file path such as `sub/blueprint.yaml` into checked segments.
 * @example checkRelativePath('a/b.yaml', 'application file name') // ['a', 'b.yaml']
 */
export function checkRelativePath(value: string, what: string): string[] {
  if (value.startsWith('/')) throw new InvalidPathError(`${what} must be a relative path`);
  return value.split('/').map((segment) => checkName(segment, `every part of ${what}`));
}

export type ResourceRequestPath =
  | { readonly kind: 'file'; readonly segments: readonly string[] }
  | { readonly kind: 'not-servable' };

/**
 * Turns the raw (still percent-encoded) path under `/resources` into checked segments. Decoding
 * happens per segment, so `%2F` can never become a separator and `%2e%2e` is caught as `..`.
 * Directories (trailing `/`) and hidden names are `not-servable` (404); malformed paths throw 400.
 */
export function parseResourceRequestPath(rawPath: string): ResourceRequestPath {
  if (!rawPath.startsWith('/') || rawPath.endsWith('/')) return { kind: 'not-servable' };
  const segments: string[] = [];
  let hidden = false;
  for (const encoded of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      throw new InvalidPathError('Resource path is not valid percent-encoded UTF-8');
    }
    const verdict = judgeSegment(segment);
    if (!verdict.ok && !verdict.hidden) throw new InvalidPathError(`Resource path segment ${verdict.problem}`);
    if (!verdict.ok) hidden = true;
    segments.push(segment);
  }
  return hidden ? { kind: 'not-servable' } : { kind: 'file', segments };
}
