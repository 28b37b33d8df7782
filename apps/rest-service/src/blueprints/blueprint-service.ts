import type { Readable } from 'node:stream';
import { ConflictError, ManagerError, NotFoundError } from '@cfy/contracts';
import { DSLParsingError, type Plan, parseBlueprint } from '@cfy/dsl';
import type { Logger } from '@cfy/logging';
import { ClientAbortedError, DependentExistsError, FileserverRejectedError, FileserverUnavailableError, InvalidBlueprintError, ShuttingDownError } from '../errors';
import type { FileserverClient, ResourceStream } from '../fileserver/fileserver.http';
import { KeyedMutex } from '@cfy/runtime';
import type { ListQuery, ResourceFields } from '../list-query';
import { formatDocumentTimestamp } from '../timestamps';
import { ArchiveIntake } from './archive-intake';
import type { PartialBlueprint, StoredBlueprint } from './blueprint';
import type { BlueprintPage, BlueprintRepository } from './blueprint-repository';
import { createBlueprintResolver } from './import-resolver';

/** 3.4's main file name when `application_file_name` is not given. */
export const DEFAULT_APPLICATION_FILE_NAME = 'blueprint.yaml';

/** What the blueprint flows need of the fileserver. */
export type BlueprintFiles = Pick<
  FileserverClient,
  'putUploadedArchive' | 'extractBlueprint' | 'deleteBlueprint' | 'readResource' | 'resourceExists' | 'openResource'
>;

export interface BlueprintServiceOptions {
  readonly repository: BlueprintRepository;
  readonly files: BlueprintFiles;
  readonly logger: Logger;
  /** Largest archive accepted, in bytes (MAX_BLUEPRINT_ARCHIVE_BYTES). */
  readonly maxArchiveBytes: number;
  /** Limits of one file the parser reads (IMPORT_TIMEOUT_MS, MAX_IMPORT_BYTES). */
  readonly importTimeoutMs: number;
  readonly maxImportBytes: number;
  /** Document timestamps; injectable for tests. Default: now, data-model §1 format. */
  readonly now?: () => string;
}

export interface UploadRequest {
  readonly id: string;
  /** The archive bytes; its error (client gone, source failed) fails the upload. */
  readonly archive: Readable;
  /** Main YAML file inside the archive's directory; undefined = `blueprint.yaml`. */
  readonly applicationFileName: string | undefined;
  /** Aborts the upload (client gone, shutdown); what was stored is removed. */
  readonly signal: AbortSignal;
}

/** A blueprint's original archive, streamed from the fileserver. */
export interface BlueprintArchive extends ResourceStream {
  readonly fileName: string;
}

/** Attempts to remove a failed upload's files before giving up (and logging). */
const CLEANUP_ATTEMPTS = 3;

/**
 * The blueprint flows (rest-api §6.1) over a repository (documents) and the fileserver (files).
 *
 * Upload: the id is checked first, so an existing blueprint's files are never touched; then the
 * archive streams to the fileserver, is extracted there, parsed (the parser reads the files back
 * from the fileserver) and stored (op_type=create decides races). Every failure after the first
 * byte was sent — bad archive, parse error, size limit, client gone, shutdown — removes the id's
 * files again, so a failed upload leaves nothing behind. One flow at a time per id in this process.
 */
export class BlueprintService {
  private readonly mutex = new KeyedMutex();
  private readonly logger: Logger;
  private readonly now: () => string;

  constructor(private readonly options: BlueprintServiceOptions) {
    this.logger = options.logger.child({ component: 'blueprints' });
    this.now = options.now ?? (() => formatDocumentTimestamp());
  }

  /**
   * Uploads, extracts, parses and stores a blueprint.
   * @throws ConflictError (409) when the id is taken; BadParametersError / FileserverRejectedError
   * (400, 413) for archive problems; InvalidBlueprintError (400) for parser errors
   */
  upload(request: UploadRequest): Promise<StoredBlueprint> {
    const { id, signal } = request;
    const intake = new ArchiveIntake(this.options.maxArchiveBytes);
    request.archive.on('error', (error) => intake.destroy(error));
    request.archive.pipe(intake);
    const onAbort = (): void => {
      intake.destroy(signal.reason instanceof Error ? signal.reason : new ShuttingDownError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    return this.mutex
      .run(id, async () => {
        if (await this.options.repository.get(id)) throw alreadyExists(id);
        const extension = await intake.extension();
        const archiveFileName = `${id}.${extension}`;
        let filesWritten = false;
        try {
          throwIfAborted(signal);
          filesWritten = true;
          await this.options.files.putUploadedArchive(id, archiveFileName, intake, signal);
          throwIfAborted(signal);
          await this.options.files.extractBlueprint(id, archiveFileName, request.applicationFileName);
          throwIfAborted(signal);
          const mainFileName = request.applicationFileName ?? DEFAULT_APPLICATION_FILE_NAME;
          const plan = await this.parse(id, mainFileName, signal);
          throwIfAborted(signal);
          const timestamp = this.now();
          const blueprint: StoredBlueprint = {
            id,
            plan: plan as unknown as Record<string, unknown>,
            description: typeof plan.description === 'string' ? plan.description : null,
            main_file_name: mainFileName,
            created_at: timestamp,
            updated_at: timestamp,
            archive_file_name: archiveFileName,
          };
          await this.options.repository.create(blueprint);
          this.logger.info('blueprint uploaded', { blueprint_id: id, archive: archiveFileName, bytes: intake.bytes });
          return blueprint;
        } catch (error) {
          // A 409 from the fileserver means another upload owns the id's files: leave them alone.
          if (filesWritten && !isFileserverConflict(error)) await this.removeFiles(id, error);
          if (error instanceof ClientAbortedError) this.logger.info('upload abandoned by the client', { blueprint_id: id, bytes: intake.bytes });
          throw error;
        }
      })
      .finally(() => {
        signal.removeEventListener('abort', onAbort);
        if (!intake.destroyed) intake.destroy();
      });
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<StoredBlueprint> {
    const blueprint = await this.options.repository.get(id);
    if (!blueprint) throw new NotFoundError('blueprint', id);
    return blueprint;
  }

  list(query: ListQuery, resource: ResourceFields): Promise<BlueprintPage> {
    return this.options.repository.list(query, resource);
  }

  listAll(fields: readonly string[] | undefined): Promise<PartialBlueprint[]> {
    return this.options.repository.listAll(fields);
  }

  /**
   * Deletes a blueprint no deployment uses: its files first, then its document, so a failure
   * half-way leaves a document a repeated DELETE can still remove.
   * @throws NotFoundError; DependentExistsError while deployments use it
   */
  delete(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      await this.get(id);
      const deployments = await this.options.repository.deploymentIdsOf(id);
      if (deployments.length > 0) throw new DependentExistsError(id, deployments);
      await this.options.files.deleteBlueprint(id);
      if (!(await this.options.repository.delete(id))) throw new NotFoundError('blueprint', id);
      this.logger.info('blueprint deleted', { blueprint_id: id });
    });
  }

  /** Opens the original archive; the caller must consume or destroy the stream. @throws NotFoundError */
  async openArchive(id: string): Promise<BlueprintArchive> {
    const blueprint = await this.get(id);
    const opened = await this.options.files.openResource(['uploaded-blueprints', id, blueprint.archive_file_name]);
    if (!opened) {
      this.logger.error('blueprint archive missing on the fileserver', { blueprint_id: id, archive: blueprint.archive_file_name });
      throw new ManagerError('not_found_error', `Archive of blueprint ${id} not found`);
    }
    return { ...opened, fileName: blueprint.archive_file_name };
  }

  private async parse(id: string, mainFile: string, signal: AbortSignal): Promise<Plan> {
    const resolver = createBlueprintResolver({
      fileserver: this.options.files,
      blueprintId: id,
      timeoutMs: this.options.importTimeoutMs,
      maxBytes: this.options.maxImportBytes,
      signal,
    });
    try {
      return await parseBlueprint({ mainFile, resolver });
    } catch (error) {
      if (!(error instanceof DSLParsingError)) throw error;
      // The fileserver failing while the parser reads is our problem, not the blueprint's.
      const cause = causeOfType(error, FileserverUnavailableError);
      if (cause) throw cause;
      throwIfAborted(signal);
      this.logger.debug('blueprint rejected by the parser', { blueprint_id: id, dsl_code: error.code, file: error.file, line: error.line });
      throw new InvalidBlueprintError(error.message, { cause: error });
    }
  }

  private async removeFiles(id: string, reason: unknown): Promise<void> {
    for (let attempt = 1; attempt <= CLEANUP_ATTEMPTS; attempt += 1) {
      try {
        await this.options.files.deleteBlueprint(id);
        this.logger.debug('failed upload cleaned up', { blueprint_id: id, reason: messageOf(reason) });
        return;
      } catch (error) {
        if (attempt === CLEANUP_ATTEMPTS) {
          this.logger.error('could not remove the files of a failed upload', { blueprint_id: id, reason: messageOf(reason), err: error });
        }
      }
    }
  }
}

function alreadyExists(id: string): ConflictError {
  return new ConflictError(`blueprint ${id} already exists`);
}

function isFileserverConflict(error: unknown): boolean {
  return error instanceof FileserverRejectedError && error.errorCode === 'conflict_error';
}

function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new ShuttingDownError();
}

function causeOfType<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    if (current instanceof type) return current;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
