// In-memory stand-ins for the repository and the fileserver, for unit tests of the HTTP layer and
// the upload flow. Integration tests never use them: they run against real Elasticsearch and a
// real fileserver.
import { PassThrough, type Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '@cfy/contracts';
import { silentLogger } from '@cfy/logging';
import { Readiness, ServiceLifecycle } from '@cfy/runtime';
import type { Express } from 'express';
import { Parser, type ReadEntry } from 'tar';
import { createRestServiceApp, type RestServiceAppDependencies } from '../app';
import type { PartialBlueprint, StoredBlueprint } from '../blueprints/blueprint';
import type { BlueprintPage, BlueprintRepository } from '../blueprints/blueprint-repository';
import { type BlueprintFiles, BlueprintService } from '../blueprints/blueprint-service';
import { FileserverRejectedError } from '../errors';
import type { ExtractedBlueprint, ResourceStream, StoredArchive } from '../fileserver/fileserver.http';
import { InFlightUploads } from '../in-flight-uploads';
import type { ListQuery, ResourceFields } from '../list-query';
import { versionInfo } from '../status/version';

/** Blueprints in a Map, with 3.4's list semantics (whole value or whole whitespace token). */
export class InMemoryBlueprintRepository implements BlueprintRepository {
  readonly documents = new Map<string, StoredBlueprint>();
  readonly deployments = new Map<string, string>();

  get(id: string): Promise<StoredBlueprint | undefined> {
    return Promise.resolve(this.documents.get(id));
  }

  create(blueprint: StoredBlueprint): Promise<void> {
    if (this.documents.has(blueprint.id)) return Promise.reject(new ConflictError(`blueprint ${blueprint.id} already exists`));
    this.documents.set(blueprint.id, blueprint);
    return Promise.resolve();
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.documents.delete(id));
  }

  list(query: ListQuery, resource: ResourceFields): Promise<BlueprintPage> {
    const matches = [...this.documents.values()].filter((doc) =>
      [...query.filters].every(([key, values]) => resource.indexed.includes(key) && values.some((value) => matchesValue(doc, key, value))),
    );
    matches.sort((a, b) => {
      for (const { field, order } of [...query.sort, { field: 'id', order: 'asc' as const }]) {
        const left = String(fieldOf(a, field) ?? '');
        const right = String(fieldOf(b, field) ?? '');
        if (left !== right) return (left < right ? -1 : 1) * (order === 'asc' ? 1 : -1);
      }
      return 0;
    });
    return Promise.resolve({ total: matches.length, items: matches.slice(query.offset, query.offset + query.size) });
  }

  listAll(): Promise<PartialBlueprint[]> {
    return Promise.resolve([...this.documents.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  deploymentIdsOf(blueprintId: string): Promise<string[]> {
    return Promise.resolve([...this.deployments].filter(([, blueprint]) => blueprint === blueprintId).map(([id]) => id).sort());
  }
}

function fieldOf(doc: StoredBlueprint, field: string): unknown {
  return (doc as Record<string, unknown>)[field];
}

function matchesValue(doc: StoredBlueprint, key: string, value: string): boolean {
  const stored = fieldOf(doc, key);
  return typeof stored === 'string' && (stored === value || stored.split(/\s+/).includes(value));
}

/**
 * A fileserver in memory: archives are kept as bytes, extraction reads tar/tar.gz with the `tar`
 * package (one top-level directory stripped). Records every call for assertions.
 */
export class InMemoryFiles implements BlueprintFiles {
  readonly archives = new Map<string, Buffer>();
  readonly extracted = new Map<string, Map<string, Buffer>>();
  readonly calls: string[] = [];

  async putUploadedArchive(id: string, fileName: string, body: Readable): Promise<StoredArchive> {
    this.calls.push(`put ${id}/${fileName}`);
    if (this.extracted.has(id)) throw new FileserverRejectedError('conflict_error', `blueprint ${id} already exists`, 409);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    this.archives.set(`${id}/${fileName}`, data);
    return { path: `uploaded-blueprints/${id}/${fileName}`, size: data.length };
  }

  async extractBlueprint(id: string, archive: string, applicationFileName: string | undefined): Promise<ExtractedBlueprint> {
    this.calls.push(`extract ${id}/${archive}`);
    if (this.extracted.has(id)) throw new FileserverRejectedError('conflict_error', `blueprint ${id} already exists`, 409);
    const data = this.archives.get(`${id}/${archive}`);
    if (!data) throw new NotFoundError('blueprint archive', `${id}/${archive}`);
    const files = await readTar(data);
    const main = applicationFileName ?? 'blueprint.yaml';
    if (!files.has(main)) {
      this.archives.delete(`${id}/${archive}`);
      throw new FileserverRejectedError('bad_parameters_error', `${main} does not exist in the application directory`, 400);
    }
    this.extracted.set(id, files);
    return {
      blueprintId: id,
      format: 'tar.gz',
      directory: `blueprints/${id}`,
      mainFile: `blueprints/${id}/${main}`,
      applicationFileName: main,
      files: [...files].map(([path, content]) => ({ path, size: content.length })),
    };
  }

  deleteBlueprint(id: string): Promise<void> {
    this.calls.push(`delete ${id}`);
    this.extracted.delete(id);
    for (const key of [...this.archives.keys()]) if (key.startsWith(`${id}/`)) this.archives.delete(key);
    return Promise.resolve();
  }

  readResource(segments: readonly string[]): Promise<Buffer | undefined> {
    return Promise.resolve(this.find(segments));
  }

  resourceExists(segments: readonly string[]): Promise<boolean> {
    return Promise.resolve(this.find(segments) !== undefined);
  }

  openResource(segments: readonly string[]): Promise<ResourceStream | undefined> {
    const content = this.find(segments);
    if (content === undefined) return Promise.resolve(undefined);
    const body = new PassThrough();
    body.end(content);
    return Promise.resolve({ body: body as unknown as ResourceStream['body'], contentLength: content.length });
  }

  private find(segments: readonly string[]): Buffer | undefined {
    const [area, id, ...rest] = segments;
    if (area === 'uploaded-blueprints') return this.archives.get(`${id}/${rest.join('/')}`);
    if (area === 'blueprints' && id !== undefined) return this.extracted.get(id)?.get(rest.join('/'));
    return undefined;
  }
}

async function readTar(data: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const pending: Array<Promise<void>> = [];
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      pending.push(
        new Promise((resolve) =>
          entry.on('end', () => {
            const path = entry.path.split('/').slice(1).join('/');
            if (entry.type === 'File' && path) files.set(path, Buffer.concat(chunks));
            resolve();
          }),
        ),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    parser.end(data);
  });
  await Promise.all(pending);
  return files;
}

export interface UnitApp {
  readonly app: Express;
  readonly repository: InMemoryBlueprintRepository;
  readonly files: InMemoryFiles;
  readonly uploads: InFlightUploads;
}

/** The rest-service app over the in-memory fakes; `overrides` replace any dependency. */
export function unitApp(overrides: Partial<RestServiceAppDependencies> = {}): UnitApp {
  const repository = new InMemoryBlueprintRepository();
  const files = new InMemoryFiles();
  const uploads = new InFlightUploads();
  const lifecycle = new ServiceLifecycle(silentLogger);
  lifecycle.markRunning();
  const app = createRestServiceApp({
    logger: silentLogger,
    lifecycle,
    readiness: new Readiness(),
    blueprints: new BlueprintService({
      repository,
      files,
      logger: silentLogger,
      maxArchiveBytes: 64 * 1024,
      importTimeoutMs: 1_000,
      maxImportBytes: 64 * 1024,
      now: () => '2016-08-02 11:39:24.813000',
    }),
    uploads,
    statusTargets: [],
    version: versionInfo({ build: '85' }),
    maxArchiveBytes: 64 * 1024,
    archiveUrlTimeoutMs: 1_000,
    minAvailableMemoryMb: 0,
    ...overrides,
  });
  return { app, repository, files, uploads };
}
