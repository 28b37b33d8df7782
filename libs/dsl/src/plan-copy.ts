import { isFunction } from './functions';
import { type Json, type JsonMap } from './json';
import { type SourceMap } from './source-map';

/**
 * A deep copy of a blueprint value for the plan. Plan nodes are assembled from fresh objects only,
 * so the plan is a tree that shares nothing with the loaded YAML (YAML aliases and merge keys share
 * values there) nor with itself, without a deep copy of the whole plan at the end. Function maps
 * keep their source position: the function checks run on the assembled plan and point errors at
 * them.
 */
export function planCopy<T extends Json>(value: T, sourceMap: SourceMap): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const list: Json[] = new Array<Json>(value.length);
    for (let index = 0; index < value.length; index += 1) list[index] = planCopy(value[index] ?? null, sourceMap);
    return list as T;
  }
  const map: JsonMap = {};
  for (const key in value) map[key] = planCopy((value as JsonMap)[key] ?? null, sourceMap);
  if (isFunction(value)) sourceMap.setSameAs(map, value);
  return map as T;
}
