import { type ParseContext } from './context';
import { isFunction } from './functions';
import { hasKey, isInteger, isMap, type Json, type JsonMap, pyStr } from './json';
import { type ScalableProperties } from './plan-types';
import { type Where } from './source-map';

export const UNBOUNDED = -1;
export const UNBOUNDED_LITERAL = 'UNBOUNDED';

/** Defaults of `capabilities.scalable.properties` and scaling policies: default 1, min 0, max unbounded. */
export function defaultScalable(): ScalableProperties {
  return { default_instances: 1, min_instances: 0, max_instances: UNBOUNDED, current_instances: 1, planned_instances: 1 };
}

/** Scalable properties for the deprecated `instances.deploy: N`: default = current = planned = N. */
export function deployScalable(count: number): ScalableProperties {
  return { default_instances: count, min_instances: 0, max_instances: UNBOUNDED, current_instances: count, planned_instances: count };
}

/**
 * Reads and validates `{default_instances?, min_instances?, max_instances?}` (dsl.md §5): a map
 * that is not an intrinsic function → 210; negative default/min, max < 1 (other than -1), or
 * inconsistent default/min/max → 207; a max string other than `UNBOUNDED` → 208. Cross checks are
 * skipped for values that are functions (evaluated at deployment).
 */
export function readScalable(ctx: ParseContext, raw: JsonMap | undefined, where: Where): ScalableProperties {
  const values: Record<'default_instances' | 'min_instances' | 'max_instances', Json> = {
    default_instances: 1,
    min_instances: 0,
    max_instances: UNBOUNDED,
  };
  for (const key of ['default_instances', 'min_instances', 'max_instances'] as const) {
    if (!raw || !hasKey(raw, key) || raw[key] === null) continue;
    const value = raw[key] ?? null;
    const at: Where = { container: raw, key, path: [...where.path, key] };
    if (isMap(value)) {
      if (!isFunction(value)) {
        throw ctx.errors.error(210, `${key} value must be an integer or an intrinsic function, but found the map '${pyStr(value)}'`, at);
      }
      values[key] = value;
      continue;
    }
    if (key === 'max_instances') {
      if (typeof value === 'string') {
        if (value !== UNBOUNDED_LITERAL) throw ctx.errors.error(208, `The only valid string for ${key} is ${UNBOUNDED_LITERAL}.`, at);
        values[key] = UNBOUNDED;
        continue;
      }
      if (isInteger(value) && value !== UNBOUNDED && value < 1) throw ctx.errors.error(207, `${key} should be a positive value.`, at);
    } else if (isInteger(value) && value < 0) {
      throw ctx.errors.error(207, `${key} should be a non negative value.`, at);
    }
    values[key] = value;
  }
  const { default_instances: def, min_instances: min, max_instances: max } = values;
  if (isInteger(def) && isInteger(min) && def < min) {
    throw ctx.errors.error(207, `default_instances (${def}) cannot be smaller than min_instances (${min})`, where);
  }
  if (isInteger(max) && max !== UNBOUNDED) {
    if (isInteger(min) && min > max) {
      throw ctx.errors.error(207, `min_instances (${min}) cannot be greater than max_instances (${max})`, where);
    }
    if (isInteger(def) && def > max) {
      throw ctx.errors.error(207, `default_instances (${def}) cannot be greater than max_instances (${max})`, where);
    }
  }
  return { default_instances: def, min_instances: min, max_instances: max, current_instances: def, planned_instances: def };
}
