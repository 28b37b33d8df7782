import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { create as createTar } from 'tar';
import { CliError, UsageError } from './errors';
import { WORKING_DIR_NAME } from './working-dir';

/** A blueprint file on disk, resolved against the CLI's working directory. */
export interface BlueprintFile {
  /** Absolute path of the main YAML file. */
  path: string;
  /** Absolute path of the folder holding it (the archive's content). */
  folder: string;
  /** Main file name, sent as `application_file_name`. */
  fileName: string;
}

/** Resolves `-p/--blueprint-path` and checks it names a readable file (3.4: argparse `FileType`). */
export async function locateBlueprint(cwd: string, blueprintPath: string): Promise<BlueprintFile> {
  const path = resolve(cwd, blueprintPath);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`argument -p/--blueprint-path: can't open '${blueprintPath}': ${error.code ?? error.message}`);
  });
  if (!info.isFile()) throw new UsageError(`argument -p/--blueprint-path: '${blueprintPath}' is not a file`);
  return { path, folder: dirname(path), fileName: basename(path) };
}

/**
 * Streams a gzip'd tar of the blueprint's folder with that folder as the single top-level
 * directory, as 3.4's client builds it (`tar.add(folder, arcname=basename(folder))`). Nothing is
 * buffered or written to a temporary file. The folder's own `.cloudify/` (local CLI state: the
 * manager's address and cached provider context) is left out. Uid/gid/user names are omitted so
 * archives do not leak local accounts.
 *
 * @example await client.uploadBlueprint('hello', blueprintArchive(bp), bp.fileName)
 */
export function blueprintArchive(blueprint: BlueprintFile): Readable {
  const topLevel = basename(blueprint.folder);
  if (topLevel === '') throw new CliError(`Cannot upload a blueprint from the file system root (${blueprint.folder})`);
  const excluded = `${topLevel}/${WORKING_DIR_NAME}`;
  const pack = createTar(
    {
      gzip: true,
      portable: true,
      // Any file that cannot be read fails the upload instead of leaving it out of the archive.
      strict: true,
      cwd: dirname(blueprint.folder),
      filter: (path) => path.replace(/\/+$/, '') !== excluded,
    },
    [topLevel],
  );
  // Readable.from gives fetch a Node stream whose errors (an unreadable file) fail the upload.
  return Readable.from(pack);
}
