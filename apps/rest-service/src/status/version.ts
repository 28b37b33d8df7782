/** This manager's version, kept equal to apps/rest-service/package.json (a unit test checks it). */
export const REST_SERVICE_VERSION = '0.1.0';

/** `GET /version` (rest-api §6.13): every field a string. */
export interface VersionInfo {
  readonly version: string;
  readonly build: string;
  readonly date: string;
  readonly commit: string;
}

/**
 * The version document: our own version (3.4 answered `3.4.2`; this is a different product with its
 * own numbering) and the build details given at deploy time, empty when unknown.
 * @example versionInfo({}) // { version: '0.1.0', build: '', date: '', commit: '' }
 */
export function versionInfo(build: { build?: string | undefined; date?: string | undefined; commit?: string | undefined }): VersionInfo {
  return { version: REST_SERVICE_VERSION, build: build.build ?? '', date: build.date ?? '', commit: build.commit ?? '' };
}
