import { DSLParsingError } from './errors';
import { isMap, type Json, type JsonMap } from './json';
import { type OperationMemo } from './operations';
import { type SchemaNode } from './schema';
import { type ErrorFactory, type SourceMap, type Where } from './source-map';
import { type DslVersion } from './version';

/** State shared by the semantic parsing steps of one blueprint. */
export interface ParseContext {
  errors: ErrorFactory;
  sourceMap: SourceMap;
  version: DslVersion;
  /** The merged blueprint (structure already validated). */
  blueprint: JsonMap;
  /** Implementation strings that name an existing file under the main blueprint's directory. */
  scripts: ReadonlySet<string>;
  /**
   * Reports unknown keys in `value` (code 1). Called per element once its descendants are checked,
   * which is when Cloudify's parser reports them.
   */
  checkUnknownKeys(value: Json | undefined, schema: SchemaNode, where: Where): void;
  /** Operation work shared by the templates of one type. */
  operationMemo: OperationMemo;
}

/**
 * Reads a section that structural validation guarantees to be a map (or absent). A violation is
 * a parser bug, reported as Cloudify's internal code 101.
 */
export function section(container: JsonMap, key: string): JsonMap {
  const value = container[key];
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw internal(`'${key}' was read before it was validated`);
  return value;
}

export function optionalString(container: JsonMap, key: string): string | undefined {
  const value = container[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw internal(`'${key}' was read before it was validated`);
  return value;
}

export function requiredString(container: JsonMap, key: string): string {
  const value = optionalString(container, key);
  if (value === undefined) throw internal(`'${key}' was read before it was validated`);
  return value;
}

export function entries(container: JsonMap): [string, JsonMap][] {
  return Object.entries(container).map(([key, value]) => [key, isMap(value) ? value : ({} as JsonMap)]);
}

export function internal(message: string): DSLParsingError {
  return new DSLParsingError(101, `Cannot access element value before parsing: ${message}`);
}

export function listOfStrings(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A child place under `where`. */
export function child(where: Where, container: object, key: string | number): Where {
  return { container, key, path: [...where.path, key] };
}
