import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, lstat, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, NotFoundError } from '@cfy/contracts';
import type { Logger } from '@cfy/logging';
import type { ArchiveLimits } from './archive/budget';
import { byteCounter } from './archive/byte-counter';
import { extractArchive } from './archive/extract';
import type { ArchiveFormat } from './archive/format';
import { zipPluginFolders } from './archive/plugin-archives';
import { byPathOrder, type ExtractedFile } from './archive/tree-writer';
import { ArchiveRejectedError, PayloadTooLargeError, errnoCode } from './errors';
import type { ExtractRequest } from './extract-request';
import { KeyedMutex } from '@cfy/runtime';
import {
  BLUEPRINTS_DIR,
  STAGING_DIR,
  UPLOADED_BLUEPRINTS_DIR,
  checkBlueprintId,
  checkName,
  checkRelativePath,
} from './resource-names';

export const DEFAULT_APPLICATION_FILE_NAME = 'blueprint.yaml';

export interface ResourceStoreOptions {
  /** Absolute path of the resources root; created when missing. */
  readonly root: string;
  /** Largest archive accepted by `saveUploadedArchive`, in bytes. */
  readonly maxArchiveBytes: number;
  readonly limits: ArchiveLimits;
  readonly logger: Logger;
}

export interface StoredArchive {
  /** Path under the resources root, `/`-separated (e.g. `uploaded-blueprints/bp1/bp1.tar.gz`). */
  readonly path: string;
  readonly size: number;
}

export interface ExtractedBlueprint {
  readonly blueprintId: string;
  readonly format: ArchiveFormat;
  /** The blueprint folder under the resources root: `blueprints/<id>`. */
  readonly directory: string;
  /** The main file under the resources root: `blueprints/<id>/<applicationFileName>`. */
  readonly mainFile: string;
  readonly applicationFileName: string;
  /** Every file of the blueprint folder (plugin zips included), relative to `directory`, sorted. */
  readonly files: readonly ExtractedFile[];
}

/** A file the read side may serve: its path relative to `root` (the resolved resources root). */
export interface ServableFile {
  readonly root: string;
  readonly relativePath: string;
  readonly size: number;
}

/**
 * The resources folder on disk, and the only code that writes to it. Every write goes to
 * `.staging/` first and is renamed into place, so readers never see half a file or half a
 * blueprint, and a rejected archive leaves nothing behind. One process per root: startup clears
 * `.staging/`, which is only safe when nobody else is using it.
 */
export class ResourceStore {
  private readonly mutex = new KeyedMutex();

  private constructor(
    /** The resources root with symlinks resolved; every served path must stay under it. */
    readonly root: string,
    private readonly options: ResourceStoreOptions,
  ) {}

  /** Creates the folder layout, resolves the root and clears staging leftovers of a crash. */
  static async open(options: ResourceStoreOptions): Promise<ResourceStore> {
    await mkdir(options.root, { recursive: true });
    const root = await realpath(options.root);
    await rm(join(root, STAGING_DIR), { recursive: true, force: true });
    for (const dir of [STAGING_DIR, BLUEPRINTS_DIR, UPLOADED_BLUEPRINTS_DIR]) await mkdir(join(root, dir), { recursive: true });
    return new ResourceStore(root, options);
  }

  /** Readiness: the root and the staging folder exist and are writable. */
  async checkWritable(): Promise<void> {
    await access(join(this.root, STAGING_DIR), constants.W_OK);
  }

  /**
   * Finds the regular file at `segments` (already checked by `parseResourceRequestPath`), refusing
   * anything whose real path — after following symlinks — is not under the root.
   * @returns undefined for missing files, directories, and escapes
   */
  async findServableFile(segments: readonly string[]): Promise<ServableFile | undefined> {
    const candidate = this.under(segments);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!real.startsWith(this.root + sep)) {
      this.options.logger.warn('refused a resource resolving outside the resources root', { path: segments.join('/') });
      return undefined;
    }
    const stats = await stat(real);
    return stats.isFile() ? { root: this.root, relativePath: relative(this.root, real), size: stats.size } : undefined;
  }

  /**
   * Streams `body` to `uploaded-blueprints/<id>/<fileName>`, replacing an earlier upload of the same
   * name. Refused with 409 once the blueprint is extracted (its files are immutable until deleted).
   * @param declaredBytes the request's Content-Length, to refuse oversized bodies before reading
   */
  async saveUploadedArchive(id: string, fileName: string, body: Readable, declaredBytes?: number): Promise<StoredArchive> {
    checkBlueprintId(id);
    checkName(fileName, 'archive file name');
    const limit = this.options.maxArchiveBytes;
    if (declaredBytes !== undefined && declaredBytes > limit) throw new PayloadTooLargeError(limit);
    return this.mutex.run(id, async () => {
      await this.refuseIfExtracted(id);
      const temporary = this.staging(`upload-${randomUUID()}`);
      let size = 0;
      try {
        await pipeline(
          body,
          byteCounter((bytes) => {
            size += bytes;
            if (size > limit) throw new PayloadTooLargeError(limit);
          }),
          createWriteStream(temporary, { flags: 'wx', mode: 0o644 }),
        );
        if (size === 0) throw new ArchiveRejectedError('Blueprint archive is empty');
        await mkdir(this.under([UPLOADED_BLUEPRINTS_DIR, id]), { recursive: true });
        await rename(temporary, this.under([UPLOADED_BLUEPRINTS_DIR, id, fileName]));
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      this.options.logger.info('blueprint archive stored', { blueprint_id: id, file: fileName, bytes: size });
      return { path: `${UPLOADED_BLUEPRINTS_DIR}/${id}/${fileName}`, size };
    });
  }

  /**
   * Extracts `uploaded-blueprints/<id>/<archive>` into `blueprints/<id>/` atomically, checks the main
   * file, and zips plugin folders. When the archive is rejected (400), both folders of the id are
   * removed: a rejected upload leaves no trace. 404 when the archive is missing, 409 when
   * `blueprints/<id>/` already exists.
   */
  async extractBlueprint(id: string, request: ExtractRequest): Promise<ExtractedBlueprint> {
    checkBlueprintId(id);
    checkName(request.archive, 'archive file name');
    const applicationFileName = request.applicationFileName ?? DEFAULT_APPLICATION_FILE_NAME;
    const mainSegments = checkRelativePath(applicationFileName, 'application file name');
    return this.mutex.run(id, async () => {
      await this.refuseIfExtracted(id);
      const archivePath = this.under([UPLOADED_BLUEPRINTS_DIR, id, request.archive]);
      if (!(await isRegularFile(archivePath))) throw new NotFoundError('blueprint archive', `${id}/${request.archive}`);

      const staging = this.staging(`extract-${randomUUID()}`);
      await mkdir(staging);
      try {
        const outcome = await extractArchive(archivePath, staging, this.options.limits);
        if (!(await isRegularFile(join(staging, ...mainSegments)))) {
          throw new ArchiveRejectedError(
            request.applicationFileName === undefined
              ? 'application directory is missing blueprint.yaml and application_file_name query parameter was not passed'
              : `${applicationFileName} does not exist in the application directory`,
          );
        }
        const zips = await zipPluginFolders(staging, outcome.files);
        await rename(staging, this.under([BLUEPRINTS_DIR, id]));
        const files = mergeFiles(outcome.files, zips);
        this.options.logger.info('blueprint extracted', { blueprint_id: id, format: outcome.format, files: files.length, bytes: outcome.bytes });
        return {
          blueprintId: id,
          format: outcome.format,
          directory: `${BLUEPRINTS_DIR}/${id}`,
          mainFile: `${BLUEPRINTS_DIR}/${id}/${mainSegments.join('/')}`,
          applicationFileName,
          files,
        };
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        if (error instanceof ArchiveRejectedError) {
          await this.removeQuietly(this.under([UPLOADED_BLUEPRINTS_DIR, id]));
          this.options.logger.info('blueprint archive rejected', { blueprint_id: id, reason: error.message });
        }
        throw error;
      }
    });
  }

  /** Removes `blueprints/<id>/` and `uploaded-blueprints/<id>/`; doing so twice is not an error. */
  async deleteBlueprint(id: string): Promise<void> {
    checkBlueprintId(id);
    await this.mutex.run(id, async () => {
      await this.removeQuietly(this.under([BLUEPRINTS_DIR, id]));
      await this.removeQuietly(this.under([UPLOADED_BLUEPRINTS_DIR, id]));
    });
  }

  /** Moves a folder out of sight in one rename, then deletes it at leisure. */
  private async removeQuietly(path: string): Promise<void> {
    const trash = this.staging(`delete-${randomUUID()}`);
    try {
      await rename(path, trash);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
  }

  private async refuseIfExtracted(id: string): Promise<void> {
    try {
      await lstat(this.under([BLUEPRINTS_DIR, id]));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    throw new ConflictError(`blueprint ${id} already exists`);
  }

  private staging(name: string): string {
    return join(this.root, STAGING_DIR, name);
  }

  /** Joins checked segments under the root; the check repeats the invariant the segments carry. */
  private under(segments: readonly string[]): string {
    const path = join(this.root, ...segments);
    if (!path.startsWith(this.root + sep)) throw new Error(`path escaped the resources root: ${segments.join('/')}`);
    return path;
  }
}

function mergeFiles(files: readonly ExtractedFile[], extra: readonly ExtractedFile[]): ExtractedFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  for (const file of extra) byPath.set(file.path, file);
  return [...byPath.values()].sort(byPathOrder);
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG';
}
