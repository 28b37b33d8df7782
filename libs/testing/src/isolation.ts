import { randomBytes } from 'node:crypto';

/**
 * A short random token that makes names unique per test file run, so parallel test files and
 * reruns never share a queue, an index or a database.
 */
export function isolationToken(): string {
  return randomBytes(4).toString('hex');
}
