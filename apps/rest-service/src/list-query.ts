import { BadParametersError } from '@cfy/contracts';
import { NoSuchIncludeFieldError } from './errors';

/** Largest `_size`, and the default page size (3.4's `max_results`). */
export const MAX_PAGE_SIZE = 1000;

/** What a resource offers to lists (rest-api §4); field names in the order 3.4 lists them. */
export interface ResourceFields {
  /** Fields of the response type: the legal `_include` names, in rendering order. */
  readonly fields: readonly string[];
  /** Legal filter keys, in the order the error message lists them. */
  readonly filterKeys: readonly string[];
  /** Fields stored for sorting and token matching; other known fields are accepted but never match. */
  readonly indexed: readonly string[];
}

export interface SortSpec {
  readonly field: string;
  readonly order: 'asc' | 'desc';
}

/** A parsed v2+ list request. */
export interface ListQuery {
  /** Fields to render; undefined = all. */
  readonly include: readonly string[] | undefined;
  /** In request order; fields that cannot be sorted on are already dropped. */
  readonly sort: readonly SortSpec[];
  readonly offset: number;
  readonly size: number;
  /** Key → accepted values (OR); keys are ANDed. */
  readonly filters: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads `_include=a,b` (repeatable): undefined when absent, else the named fields, each checked
 * against the response type.
 * @throws NoSuchIncludeFieldError naming every illegal field and the available ones
 */
export function parseInclude(params: URLSearchParams, fields: readonly string[]): string[] | undefined {
  const raw = params.getAll('_include');
  if (raw.length === 0) return undefined;
  const names = unique(raw.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean));
  const illegal = names.filter((name) => !fields.includes(name));
  if (illegal.length > 0) throw new NoSuchIncludeFieldError(illegal, fields);
  return names;
}

/**
 * Parses a v2+ list request: `_include`, `_sort` (repeatable; `-field` descending, a leading `+`
 * ignored, unknown fields dropped), `_offset` (default 0), `_size` (default and max 1000) and the
 * filters (every other parameter not starting with `_`; repeated = OR).
 *
 * Departure from 3.4: a non-integer `_size`/`_offset` is a 400 `bad_parameters_error`, not a 500.
 * @example parseListQuery(new URLSearchParams('_sort=-created_at&_size=2&id=a&id=b'), BLUEPRINT_V2)
 */
export function parseListQuery(params: URLSearchParams, resource: ResourceFields): ListQuery {
  const include = parseInclude(params, resource.fields);
  const size = parsePaginationInt(params.get('_size'), '_size', MAX_PAGE_SIZE);
  if (size < 0 || size > MAX_PAGE_SIZE) throw new BadParametersError(`Invalid pagination: ${size}, max allowed: ${MAX_PAGE_SIZE}`);
  const offset = parsePaginationInt(params.get('_offset'), '_offset', 0);
  if (offset < 0) throw new BadParametersError(`Invalid pagination: _offset must not be negative, got ${offset}`);

  const sort: SortSpec[] = [];
  for (const value of params.getAll('_sort')) {
    const descending = value.startsWith('-');
    const field = value.replace(/^[+-]/, '').trim();
    if (resource.indexed.includes(field)) sort.push({ field, order: descending ? 'desc' : 'asc' });
  }

  const filters = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key.startsWith('_')) continue;
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  const unknownKeys = [...filters.keys()].filter((key) => !resource.filterKeys.includes(key));
  if (unknownKeys.length > 0) {
    throw new BadParametersError(
      `Filter keys '${pythonList(unknownKeys)}' do not exist. Allowed filters are: ${pythonList(resource.filterKeys)}`,
    );
  }
  return { include, sort, offset, size, filters };
}

function parsePaginationInt(raw: string | null, name: string, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new BadParametersError(`Invalid pagination: ${name} must be an integer, got ${raw}`);
  return Number(raw);
}

/**
 * Python's `repr()` of a list of strings, as 3.4 puts it into messages: `['a', "b'c"]`.
 * @example pythonList(['id', 'plan']) // "['id', 'plan']"
 */
export function pythonList(items: readonly string[]): string {
  return `[${items.map(pythonString).join(', ')}]`;
}

function pythonString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Keeps only `include` of a rendered document (all fields when undefined), in the rendering order.
 * @example project({ id: 'a', plan: {} }, ['id']) // { id: 'a' }
 */
export function project(rendered: Readonly<Record<string, unknown>>, include: readonly string[] | undefined): Record<string, unknown> {
  if (include === undefined) return { ...rendered };
  return Object.fromEntries(Object.entries(rendered).filter(([key]) => include.includes(key)));
}
