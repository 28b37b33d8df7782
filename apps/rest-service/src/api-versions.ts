/**
 * The REST API versions, oldest first (rest-api §1). Each is mounted at `/api/<version>`.
 */
export const API_VERSIONS = ['v1', 'v2', 'v2.1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * The versions a resource is served under: the one that introduced it and every later one.
 * @example versionsSince('v2') // ['v2', 'v2.1']
 */
export function versionsSince(introduced: ApiVersion): ApiVersion[] {
  return API_VERSIONS.slice(API_VERSIONS.indexOf(introduced));
}
