/** A YAML/JSON value after loading: what blueprints, plans and inputs are made of. */
export type Json = null | boolean | number | string | Json[] | JsonMap;
export interface JsonMap {
  [key: string]: Json;
}

export function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isList(value: unknown): value is Json[] {
  return Array.isArray(value);
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function hasKey(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/**
 * A deep copy; plans are cloned before they are mutated so stored plans stay untouched. Written
 * with plain loops because it is the hottest function of parse + plan (see bench/).
 */
export function clone<T extends Json>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const list: Json[] = new Array<Json>(value.length);
    for (let index = 0; index < value.length; index += 1) list[index] = clone(value[index] ?? null);
    return list as T;
  }
  const map: JsonMap = {};
  for (const key in value) map[key] = clone((value as JsonMap)[key] ?? null);
  return map as T;
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => hasKey(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Overlays `top` on `base` key by key, recursing where both sides are maps. */
export function deepMerge(base: Json, top: Json): Json {
  if (!isMap(base) || !isMap(top)) return top;
  const result: JsonMap = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const existing = result[key];
    result[key] = existing !== undefined && isMap(existing) && isMap(value) ? deepMerge(existing, value) : value;
  }
  return result;
}

/** The user-facing type name Cloudify's messages use for a value (`dict`, `list`, `string`, …). */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return typeof value;
}

/**
 * Formats a value the way Python's `str()` does, because Cloudify's error messages embed values
 * that way (`True`, `None`, `['a', 'b']`, `{'k': 1}`) and clients match on them.
 */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (Array.isArray(value)) return `[${value.map((item) => pyRepr(item)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pyRepr(key)}: ${pyRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
