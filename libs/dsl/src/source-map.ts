import { DSLParsingError, type SourceLocation } from './errors';
import { type JsonMap } from './json';

/** A 1-based place in a loaded file. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/**
 * A container as the loader read it. Positions are resolved from it only when an error (or a
 * version gate) asks for one: computing a line and column for every key of a blueprint was a
 * sizeable part of parsing (see bench/), and almost every parse needs none.
 */
export interface LoadedContainer {
  /** Position of the container itself. */
  own(): Position;
  /** Position of a child: the key of a map entry, or a list item; undefined when there is none. */
  child(key: string | number): Position | undefined;
}

interface ChildRef {
  container: object;
  key: string | number;
}

/**
 * Source positions of loaded YAML, keyed by object identity so the parser can work on plain
 * values and still point errors at the right file/line: a container's own position, and for each
 * child the position of its key (maps) or item (lists), which is where Cloudify points its errors.
 * Merging imports records, for the merged containers, which loaded container each child came
 * from; positions are only computed by {@link SourceMap.locate}.
 */
export class SourceMap {
  private readonly loaded = new WeakMap<object, LoadedContainer>();
  private readonly fixed = new WeakMap<object, Position>();
  private readonly sameAs = new WeakMap<object, object>();
  private readonly copiedChildren = new WeakMap<object, Map<string | number, ChildRef>>();
  private readonly foreignKeys = new WeakMap<object, Map<string, string>>();

  /** Registers a container produced by the loader. */
  setLoaded(container: object, origin: LoadedContainer): void {
    this.loaded.set(container, origin);
  }

  /** Gives `container` a known position of its own. */
  setContainer(container: object, position: Position): void {
    this.fixed.set(container, position);
  }

  /** `copy` (a merged or copied container) is placed where `original` is. */
  setSameAs(copy: object, original: object): void {
    this.sameAs.set(copy, original);
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

  /** `to[toKey]` came from `from[fromKey]`: it is located (and typed, for non-string keys) there. */
  copyChild(from: object, fromKey: string, to: object, toKey: string = fromKey): void {
    let refs = this.copiedChildren.get(to);
    if (!refs) {
      refs = new Map();
      this.copiedChildren.set(to, refs);
    }
    refs.set(toKey, { container: from, key: fromKey });
    const kind = this.foreignKeys.get(from)?.get(fromKey);
    if (kind !== undefined) this.setNonStringKey(to, toKey, kind);
  }

  /** Position of `container[key]` (its key for maps), falling back to the value's or the container's own. */
  locate(container: object, key?: string | number): Position | undefined {
    if (key !== undefined) {
      const child = this.childPosition(container, key);
      if (child) return child;
      const value: unknown = (container as JsonMap)[key];
      if (typeof value === 'object' && value !== null) {
        const own = this.ownPosition(value);
        if (own) return own;
      }
    }
    return this.ownPosition(container);
  }

  private ownPosition(container: object): Position | undefined {
    for (let current: object | undefined = container; current !== undefined; current = this.sameAs.get(current)) {
      const fixed = this.fixed.get(current);
      if (fixed) return fixed;
      const loaded = this.loaded.get(current);
      if (loaded) return loaded.own();
    }
    return undefined;
  }

  private childPosition(container: object, key: string | number): Position | undefined {
    const ref = this.copiedChildren.get(container)?.get(key);
    const copied = ref ? this.childPosition(ref.container, ref.key) : undefined;
    return copied ?? this.loaded.get(container)?.child(key);
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
