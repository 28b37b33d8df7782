export const VERSION_KEY = 'tosca_definitions_version';
export const DSL_VERSION_PREFIX = 'cloudify_dsl_';

export const SUPPORTED_VERSIONS = ['cloudify_dsl_1_0', 'cloudify_dsl_1_1', 'cloudify_dsl_1_2', 'cloudify_dsl_1_3'] as const;

/** A parsed `tosca_definitions_version`. */
export interface DslVersion {
  raw: string;
  major: number;
  minor: number;
  micro: number | null;
}

/** `[major, minor]` of a feature gate. */
export type VersionTuple = readonly [number, number];

/** A version-check failure: the parser turns it into a located {@link DSLParsingError}. */
export class VersionFormatError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses and checks a `tosca_definitions_version` value. Codes: 71 empty, 72 not a string, 73 not
 * `cloudify_dsl_<major>_<minor>[_<micro>]`, 74/75/76 major/minor/micro not a number, 29 well formed
 * but not one of {@link SUPPORTED_VERSIONS}. (An absent key is 27, decided by the caller.)
 *
 * @example parseDslVersion('cloudify_dsl_1_3') // { raw: 'cloudify_dsl_1_3', major: 1, minor: 3, micro: null }
 */
export function parseDslVersion(value: unknown): DslVersion {
  if (value === null || value === undefined || value === '') {
    throw new VersionFormatError(71, `${VERSION_KEY} is missing or empty`);
  }
  if (typeof value !== 'string') {
    throw new VersionFormatError(72, `Invalid ${VERSION_KEY}: ${String(value)} is not a string`);
  }
  const formatError = new VersionFormatError(
    73,
    `Invalid ${VERSION_KEY}: '${value}', expected a value following this format: 'cloudify_dsl_1_0'`,
  );
  if (!value.startsWith(DSL_VERSION_PREFIX)) throw formatError;
  const short = value.slice(DSL_VERSION_PREFIX.length);
  if (!short.includes('_')) throw formatError;
  const [major = '', minor = '', micro] = short.split('_');
  const digits = /^[0-9]+$/;
  if (!digits.test(major)) {
    throw new VersionFormatError(74, `Invalid ${VERSION_KEY}: '${value}', major version is '${major}' while expected to be a number`);
  }
  if (!digits.test(minor)) {
    throw new VersionFormatError(75, `Invalid ${VERSION_KEY}: '${value}', minor version is '${minor}' while expected to be a number`);
  }
  if (micro !== undefined && micro !== '' && !digits.test(micro)) {
    throw new VersionFormatError(76, `Invalid ${VERSION_KEY}: '${value}', micro version is '${micro}' while expected to be a number`);
  }
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(value)) {
    throw new VersionFormatError(
      29,
      `Unexpected ${VERSION_KEY} ${value}; Currently supported versions are: [${SUPPORTED_VERSIONS.map((v) => `'${v}'`).join(', ')}]`,
    );
  }
  return {
    raw: value,
    major: Number(major),
    minor: Number(minor),
    micro: micro !== undefined && micro !== '' ? Number(micro) : null,
  };
}

export function versionAtLeast(version: DslVersion, [major, minor]: VersionTuple): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function versionName([major, minor]: VersionTuple): string {
  return `${DSL_VERSION_PREFIX}${major}_${minor}`;
}

/** The plan's `version` entry. */
export function planVersion(version: DslVersion): { raw: string; definitions_name: string; definitions_version: number[] } {
  return {
    raw: version.raw,
    definitions_name: 'cloudify_dsl',
    definitions_version: version.micro === null ? [version.major, version.minor] : [version.major, version.minor, version.micro],
  };
}
