import { ArchiveRejectedError, quoteName } from '../errors';

/**
 * Splits an archive entry name into path segments, refusing anything that could land outside the
 * extraction folder or be read differently on another system: NUL bytes, backslashes, absolute
 * paths, drive letters and `..` anywhere. `.` and empty segments are dropped (`./bp//a` → bp/a).
 * @example parseEntryPath('./bp/blueprint.yaml') // ['bp', 'blueprint.yaml']
 */
export function parseEntryPath(name: string): string[] {
  const reject = (why: string): never => {
    throw new ArchiveRejectedError(`Blueprint archive entry ${quoteName(name)} ${why}`);
  };
  if (name.includes('\0')) reject('contains a NUL byte');
  if (name.includes('\\')) reject('contains a backslash');
  if (name.startsWith('/')) reject('is an absolute path');
  if (/^[A-Za-z]:/.test(name)) reject('starts with a drive letter');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) reject('points outside the archive ("..")');
  return segments;
}
