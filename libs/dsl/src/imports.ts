import { BUILTIN_TYPES_FILE, BUILTIN_TYPES_YAML, isBuiltinTypesLocation } from './builtin-types';
import { DSLParsingError, ImportNotFoundError, ImportTimeoutError } from './errors';
import { hasKey, isList, isMap, type Json, type JsonMap, kindOf } from './json';
import { type ImportResolver, isAbsoluteUrl, joinLocation, normalizeArchivePath } from './resolver';
import { type ErrorFactory, type SourceMap } from './source-map';
import { type DslVersion, parseDslVersion, VERSION_KEY, VersionFormatError, versionAtLeast } from './version';
import { loadYaml } from './yaml-loader';

/** Options of {@link loadBlueprint}. */
export interface LoadOptions {
  mainFile: string;
  resolver: ImportResolver;
  /** `[{prefix: replacement}]` tried in order before the original URL (provider context `import_resolver.parameters.rules`). */
  importResolverRules?: readonly Readonly<Record<string, string>>[] | undefined;
  validateDefinitionsVersion: boolean;
}

/** The result of loading the main file and its imports. */
export interface LoadedBlueprint {
  /** All top-level keys merged (main file first, then imports depth-first), without imports/dsl_definitions. */
  merged: JsonMap;
  version: DslVersion;
  /** Normalised archive path of the main file. */
  mainLocation: string;
}

const IGNORED_ON_MERGE = new Set([VERSION_KEY, 'imports', 'dsl_definitions']);
const ALWAYS_MERGEABLE = new Set([
  'node_types',
  'relationships',
  'plugins',
  'workflows',
  'policy_types',
  'policy_triggers',
  'groups',
  'data_types',
]);
const MERGEABLE_SINCE_1_3 = new Set(['inputs', 'outputs', 'node_templates']);

interface LoadedFile {
  location: string;
  content: JsonMap;
}

/**
 * Fetches the main file through the resolver, loads every import once (built-in types from
 * memory), checks versions and merges the files (dsl.md §2). Errors: 30 bad main location,
 * -1/108 YAML, 27/29/71–76 version, 2 duplicate imports, 13 import not found / not fetched /
 * timed out, 28 version mismatch, 3 non-mergeable key, 4 duplicate entry.
 */
export async function loadBlueprint(options: LoadOptions, sourceMap: SourceMap, errors: ErrorFactory): Promise<LoadedBlueprint> {
  const mainLocation = normalizeMainLocation(options.mainFile);
  const mainText = await fetchMain(options.resolver, mainLocation);
  const main = loadYaml(mainText, mainLocation, sourceMap, 'Failed to parse DSL');
  if (!isMap(main)) {
    throw errors.error(1, `Expected 'dict' type but found '${kindOf(main)}' type`, { path: [], file: mainLocation });
  }
  const version = readVersion(main, mainLocation, errors);
  if (options.validateDefinitionsVersion && hasKey(main, 'dsl_definitions') && main['dsl_definitions'] !== null) {
    if (!versionAtLeast(version, [1, 2])) {
      throw errors.error(102, `dsl_definitions not supported in version ${version.raw}, it was added in cloudify_dsl_1_2`, {
        container: main,
        key: 'dsl_definitions',
        path: ['dsl_definitions'],
      });
    }
  }

  const files: LoadedFile[] = [];
  const loaded = new Set<string>([mainLocation]);
  const loader = new ImportLoader(options, sourceMap, errors, version, loaded, files);
  files.push({ location: mainLocation, content: main });
  await loader.loadImportsOf(main, mainLocation);
  return { merged: mergeFiles(files, version, sourceMap, errors), version, mainLocation };
}

function normalizeMainLocation(mainFile: string): string {
  const normalized = typeof mainFile === 'string' && !isAbsoluteUrl(mainFile) ? normalizeArchivePath(mainFile) : null;
  if (normalized === null || normalized === '') {
    throw new DSLParsingError(30, `Failed converting dsl location to url: no suitable location found for dsl '${String(mainFile)}'`, {
      file: typeof mainFile === 'string' ? mainFile : null,
    });
  }
  return normalized;
}

async function fetchMain(resolver: ImportResolver, location: string): Promise<string> {
  try {
    return await resolver.resolve(location);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DSLParsingError(30, `Failed converting dsl location to url: no suitable location found for dsl '${location}'; ${detail}`, { file: location }, {
      cause,
      retryable: isRetryable(cause),
    });
  }
}

function readVersion(main: JsonMap, file: string, errors: ErrorFactory): DslVersion {
  if (!hasKey(main, VERSION_KEY) || main[VERSION_KEY] === null) {
    throw errors.error(27, `${VERSION_KEY} field must appear in the main blueprint file`, { container: main, path: [], file });
  }
  try {
    return parseDslVersion(main[VERSION_KEY]);
  } catch (error) {
    if (error instanceof VersionFormatError) {
      throw errors.error(error.code, error.message, { container: main, key: VERSION_KEY, path: [VERSION_KEY] });
    }
    throw error;
  }
}

class ImportLoader {
  constructor(
    private readonly options: LoadOptions,
    private readonly sourceMap: SourceMap,
    private readonly errors: ErrorFactory,
    private readonly version: DslVersion,
    private readonly loaded: Set<string>,
    private readonly files: LoadedFile[],
  ) {}

  /** Depth-first, in declaration order: the merge order Cloudify uses. */
  async loadImportsOf(content: JsonMap, location: string): Promise<void> {
    if (!hasKey(content, 'imports') || content['imports'] === null) return;
    const imports = content['imports'];
    if (!isList(imports)) {
      throw this.errors.error(1, `Expected 'list' type but found '${kindOf(imports)}' type`, {
        container: content,
        key: 'imports',
        path: ['imports'],
      });
    }
    const seen = new Set<string>();
    imports.forEach((item, index) => {
      if (typeof item !== 'string') {
        throw this.errors.error(1, `Expected 'string' type but found '${kindOf(item)}' type`, {
          container: imports,
          key: index,
          path: ['imports', index],
        });
      }
      if (seen.has(item)) throw this.errors.error(2, 'Duplicate imports', { container: content, key: 'imports', path: ['imports'] });
      seen.add(item);
    });
    for (const [index, item] of (imports as string[]).entries()) {
      const where = { container: imports, key: index, path: ['imports', index] };
      const target = await this.fetchImport(item, location, where);
      if (target === null) continue;
      const errorPrefix = `Failed to parse import '${item}' (via '${target.location}')`;
      const parsed = loadYaml(target.text, target.location, this.sourceMap, errorPrefix, { reuseParse: target.location === BUILTIN_TYPES_FILE });
      if (!isMap(parsed)) {
        throw new DSLParsingError(1, `Expected 'dict' type but found '${kindOf(parsed)}' type`, { file: target.location, path: '' });
      }
      this.checkVersion(parsed, target.location);
      this.files.push({ location: target.location, content: parsed });
      await this.loadImportsOf(parsed, target.location);
    }
  }

  /** Returns null when the location was loaded already (each URL is loaded once). */
  private async fetchImport(
    value: string,
    importer: string,
    where: { container: object; key: number; path: (string | number)[] },
  ): Promise<{ location: string; text: string } | null> {
    if (isBuiltinTypesLocation(value)) return this.once(BUILTIN_TYPES_FILE, () => Promise.resolve(BUILTIN_TYPES_YAML));
    if (isAbsoluteUrl(value)) {
      return this.once(value, () => this.fetchUrl(value, where));
    }
    const relative = joinLocation(importer, value);
    if (relative === null) {
      throw this.errors.error(13, `Import failed: no suitable location found for import '${value}'`, where);
    }
    if (this.loaded.has(relative)) return null;
    let text: string;
    try {
      text = await this.options.resolver.resolve(relative);
    } catch (cause) {
      if (cause instanceof ImportNotFoundError) {
        // Cloudify's last resort is the manager's resources root, where only our types live.
        if (isBuiltinTypesLocation(normalizeArchivePath(value) ?? value)) {
          return this.once(BUILTIN_TYPES_FILE, () => Promise.resolve(BUILTIN_TYPES_YAML));
        }
        throw this.errors.error(13, `Import failed: no suitable location found for import '${value}'`, where, { cause });
      }
      throw this.fetchError(relative, cause, where);
    }
    return this.once(relative, () => Promise.resolve(text));
  }

  private async once(location: string, fetch: () => Promise<string>): Promise<{ location: string; text: string } | null> {
    if (this.loaded.has(location)) return null;
    const text = await fetch();
    if (typeof text !== 'string') {
      throw new DSLParsingError(1, `Import resolver returned ${kindOf(text)} instead of text for '${location}'`, { file: location });
    }
    this.loaded.add(location);
    return { location, text };
  }

  /** Rules first (`{prefix: replacement}`, in order), then the URL itself; the first success wins. */
  private async fetchUrl(url: string, where: { container: object; key: number; path: (string | number)[] }): Promise<string> {
    const candidates: string[] = [];
    for (const rule of this.options.importResolverRules ?? []) {
      for (const [prefix, replacement] of Object.entries(rule)) {
        if (url.startsWith(prefix)) candidates.push(replacement + url.slice(prefix.length));
      }
    }
    candidates.push(url);
    let lastError: unknown;
    for (const candidate of candidates) {
      try {
        return await this.options.resolver.resolve(candidate);
      } catch (cause) {
        lastError = cause;
      }
    }
    throw this.fetchError(url, lastError, where);
  }

  private fetchError(url: string, cause: unknown, where: { container: object; key: number; path: (string | number)[] }): DSLParsingError {
    const detail =
      cause instanceof ImportTimeoutError
        ? `timed out after ${cause.timeoutMs} ms`
        : cause instanceof Error
          ? cause.message
          : String(cause);
    return this.errors.error(13, `Import failed: Unable to open import url '${url}'; ${detail}`, where, {
      cause,
      retryable: isRetryable(cause),
    });
  }

  private checkVersion(content: JsonMap, location: string): void {
    const declared = content[VERSION_KEY];
    if (declared === undefined || declared === null || declared === '') return;
    if (declared !== this.version.raw) {
      throw this.errors.error(
        28,
        `An import uses a different tosca_definitions_version than the one defined in the main blueprint's file: ` +
          `main blueprint's file version is '${this.version.raw}', import with different version is '${location}', ` +
          `version of problematic import is '${String(declared)}'`,
        { container: content, key: VERSION_KEY, path: [VERSION_KEY] },
      );
    }
  }
}

function isRetryable(cause: unknown): boolean {
  return typeof cause === 'object' && cause !== null && (cause as { retryable?: unknown }).retryable === true;
}

function mergeFiles(files: readonly LoadedFile[], version: DslVersion, sourceMap: SourceMap, errors: ErrorFactory): JsonMap {
  const merged: JsonMap = {};
  const [main] = files;
  if (main) {
    if (sourceMap.locate(main.content)) sourceMap.setSameAs(merged, main.content);
    else sourceMap.setContainer(merged, { file: main.location, line: 1, column: 1 });
  }
  const mergeable = (key: string): boolean => ALWAYS_MERGEABLE.has(key) || (MERGEABLE_SINCE_1_3.has(key) && versionAtLeast(version, [1, 3]));
  for (const file of files) {
    for (const [key, value] of Object.entries(file.content)) {
      if (IGNORED_ON_MERGE.has(key)) continue;
      if (!hasKey(merged, key) || merged[key] === null) {
        merged[key] = isMap(value) && mergeable(key) ? copyEntries(value, sourceMap) : value;
        sourceMap.copyChild(file.content, key, merged);
        continue;
      }
      if (!mergeable(key)) {
        const hint = MERGEABLE_SINCE_1_3.has(key) ? ` ('${key}' can be merged across files from cloudify_dsl_1_3)` : '';
        throw errors.error(3, `Import failed: non-mergeable field: '${key}'${hint}`, { container: file.content, key, path: [key] });
      }
      if (value === null) continue;
      const target = merged[key];
      if (!isMap(value) || !isMap(target)) {
        const offender = isMap(value) ? target : value;
        throw errors.error(1, `Expected 'dict' type but found '${kindOf(offender)}' type`, { container: file.content, key, path: [key] });
      }
      for (const [name, entry] of Object.entries(value)) {
        if (hasKey(target, name)) {
          throw errors.error(4, `Import failed: Could not merge '${key}' due to conflict on '${name}'`, {
            container: value,
            key: name,
            path: [key, name],
          });
        }
        target[name] = entry;
        sourceMap.copyChild(value, name, target);
      }
    }
  }
  return merged;
}

/** A fresh section map (so merging never mutates a loaded file) that keeps entry positions. */
function copyEntries(section: JsonMap, sourceMap: SourceMap): JsonMap {
  const copy: JsonMap = {};
  sourceMap.setSameAs(copy, section);
  for (const [name, entry] of Object.entries(section)) {
    copy[name] = entry as Json;
    sourceMap.copyChild(section, name, copy);
  }
  return copy;
}
