import { DSLParsingError, type SourceLocation } from './errors';
import { type JsonMap } from './json';

/** A 1-based place in a loaded file. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/**
 * Source positions of loaded YAML, keyed by object identity so the parser can work on plain
 * values and still point errors at the right file/line: a container's own position, and for each
 * child the position of its key (maps) or item (lists), which is where Cloudify points its errors.
 * Merging imports copies child positions onto the merged containers.
 */
export class SourceMap {
  private readonly containers = new WeakMap<object, Position>();
  private readonly children = new WeakMap<object, Map<string | number, Position>>();
  private readonly foreignKeys = new WeakMap<object, Map<string, string>>();

  setContainer(container: object, position: Position): void {
    this.containers.set(container, position);
  }

  setChild(container: object, key: string | number, position: Position): void {
    let entries = this.children.get(container);
    if (!entries) {
      entries = new Map();
      this.children.set(container, entries);
    }
    entries.set(key, position);
  }

  /** Records a map key that was not a string in the YAML (its kind, for schema errors). */
  setNonStringKey(container: object, key: string, kind: string): void {
    let entries = this.foreignKeys.get(container);
    if (!entries) {
      entries = new Map();
      this.foreignKeys.set(container, entries);
    }
    entries.set(key, kind);
  }

  nonStringKey(container: object): { key: string; kind: string } | undefined {
    const entries = this.foreignKeys.get(container);
    if (!entries) return undefined;
    for (const [key, kind] of entries) return { key, kind };
    return undefined;
  }

  copyChild(from: object, fromKey: string, to: object, toKey: string = fromKey): void {
    const position = this.children.get(from)?.get(fromKey);
    if (position) this.setChild(to, toKey, position);
    const kind = this.foreignKeys.get(from)?.get(fromKey);
    if (kind !== undefined) this.setNonStringKey(to, toKey, kind);
  }

  /** Position of `container[key]` (its key for maps), falling back to the value's or the container's own. */
  locate(container: object, key?: string | number): Position | undefined {
    if (key !== undefined) {
      const child = this.children.get(container)?.get(key);
      if (child) return child;
      const value: unknown = (container as JsonMap)[key];
      if (typeof value === 'object' && value !== null) {
        const own = this.containers.get(value);
        if (own) return own;
      }
    }
    return this.containers.get(container);
  }
}

/** A place in the blueprint: the container holding the offending value, its key, and the YAML path. */
export interface Where {
  container?: object | undefined;
  key?: string | number | undefined;
  path: readonly (string | number)[];
  /** File to name when no position is known (e.g. the main file). */
  file?: string | undefined;
}

export function pathString(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

/** Builds {@link DSLParsingError}s located through one {@link SourceMap}. */
export class ErrorFactory {
  constructor(
    readonly sourceMap: SourceMap,
    private readonly defaultFile: string | null,
  ) {}

  location(where: Where): SourceLocation {
    const position = where.container ? this.sourceMap.locate(where.container, where.key) : undefined;
    return {
      file: position?.file ?? where.file ?? this.defaultFile,
      line: position?.line ?? null,
      column: position?.column ?? null,
      path: pathString(where.path),
    };
  }

  error(code: number, reason: string, where: Where, options?: { cause?: unknown; retryable?: boolean }): DSLParsingError {
    return new DSLParsingError(code, reason, this.location(where), options);
  }
}
