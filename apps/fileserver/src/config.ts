import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { envInt, envPort, envString, loadConfig, type Config } from '@cfy/config';
import { baseServiceConfig } from '@cfy/runtime';

const MIB = 1024 * 1024;

/**
 * Where resources live when RESOURCES_ROOT is not set: next to the local stack's state
 * (`$CFY_STACK_HOME/resources`, default `~/.cache/cfy-stack/resources`), so `tools/manager.sh up`
 * works without extra variables.
 */
export function defaultResourcesRoot(env: Readonly<Record<string, string | undefined>>): string {
  const stackHome = env['CFY_STACK_HOME'] || join(env['HOME'] || homedir(), '.cache', 'cfy-stack');
  return resolve(stackHome, 'resources');
}

function fileserverConfigShape(resourcesRootDefault: string) {
  return {
    ...baseServiceConfig,
    // 0 picks a free port (tests read it from the "listening" log line).
    PORT: envPort({ allowEphemeral: true }).default(53229),
    HOST: envString().default('0.0.0.0'),
    /** Absolute path of the resources folder (§6.14 layout); created when missing. */
    RESOURCES_ROOT: envString()
      .refine((value) => isAbsolute(value), 'must be an absolute path')
      .default(resourcesRootDefault),
    /** Largest archive body accepted by the upload endpoint; default 512 MiB. */
    MAX_ARCHIVE_BYTES: envInt({ min: 1 }).default(512 * MIB),
    /**
     * Most bytes one extraction may produce (the decompressed tar stream, or the sum of zip entries);
     * default 1 GiB. At most 2 GiB, which keeps the generated plugin zips in the classic zip format
     * every agent's unzip reads (yazl would switch to zip64 past 4 GiB).
     */
    MAX_EXTRACTED_BYTES: envInt({ min: 1, max: 2048 * MIB }).default(1024 * MIB),
    /** Most entries (files, directories, anything) one archive may hold; default 10 000. */
    MAX_ARCHIVE_ENTRIES: envInt({ min: 1, max: 65_535 }).default(10_000),
    /** Most decompressed bytes per compressed byte, checked once past 1 MiB of output; default 200. */
    MAX_COMPRESSION_RATIO: envInt({ min: 1 }).default(200),
    /** When set, every `/_internal/**` request must carry it in `X-Cfy-Internal-Token`. */
    INTERNAL_TOKEN: envString().optional(),
  };
}

export type FileserverConfig = Config<ReturnType<typeof fileserverConfigShape>>;

/**
 * Validates the fileserver's environment once, listing every bad key.
 * @example const config = loadFileserverConfig(process.env); // config.PORT === 53229 by default
 */
export function loadFileserverConfig(env: Readonly<Record<string, string | undefined>>): FileserverConfig {
  return loadConfig(fileserverConfigShape(defaultResourcesRoot(env)), env);
}
