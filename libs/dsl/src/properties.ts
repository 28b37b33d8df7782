import { child, entries, optionalString, type ParseContext, section } from './context';
import { isFunction } from './functions';
import { clone, deepMerge, hasKey, isInteger, isMap, type Json, type JsonMap, pyStr } from './json';
import { type Where } from './source-map';

export const PRIMITIVE_TYPES = ['string', 'integer', 'float', 'boolean'] as const;

/** A property schema: `{<name>: {type?, default?, description?, required?}}` as declared. */
export type PropertySchema = Record<string, JsonMap>;

/** A data type after derivation: its own and inherited property schemas (child wins per key). */
export interface DataType {
  name: string;
  properties: PropertySchema;
  /** Where each property schema entry was declared, for errors. */
  origins: Record<string, Where>;
}

/** How messages name the owner of a set of properties and where its values sit. */
export interface PropertyOwner {
  /** e.g. the node name, or `group 'g', policy 'p'`. */
  name: string;
  undefinedMessage: (owner: string, property: string) => string;
  missingMessage: (owner: string, property: string) => string;
}

export const NODE_PROPERTIES: Omit<PropertyOwner, 'name'> = {
  undefinedMessage: (owner, property) => `'${owner}' node '${property}' property is not part of the derived type properties schema`,
  missingMessage: (owner, property) =>
    `'${owner}' node does not provide a value for mandatory '${property}' property which is part of its type schema`,
};

export const RELATIONSHIP_PROPERTIES: Omit<PropertyOwner, 'name'> = {
  undefinedMessage: (owner, property) =>
    `'${owner}' node relationship '${property}' property is not part of the derived relationship type properties schema`,
  missingMessage: (owner, property) =>
    `'${owner}' node relationship does not provide a value for mandatory '${property}' property which is part of its relationship type schema`,
};

export const POLICY_PROPERTIES: Omit<PropertyOwner, 'name'> = {
  undefinedMessage: (owner, property) => `${owner} '${property}' property is not part of the policy type properties schema`,
  missingMessage: (owner, property) =>
    `${owner} does not provide a value for mandatory '${property}' property which is part of its policy type schema`,
};

const DATA_TYPE_DEFAULTS: Omit<PropertyOwner, 'name'> = {
  undefinedMessage: (owner, property) => `'${owner}' property '${property}' is not part of its data type schema`,
  missingMessage: (owner, property) => `'${owner}' does not provide a value for mandatory '${property}' property of its data type`,
};

/**
 * The data types of a blueprint (dsl.md §3): derivation (103 unknown parent, 104 primitive
 * redefined; cycles are found earlier as 100) and value checks against types (105/106/107).
 */
export class DataTypes {
  private readonly types = new Map<string, DataType>();

  constructor(private readonly ctx: ParseContext) {
    const raw = section(ctx.blueprint, 'data_types');
    const where: Where = { container: ctx.blueprint, key: 'data_types', path: ['data_types'] };
    for (const [name] of entries(raw)) {
      if ((PRIMITIVE_TYPES as readonly string[]).includes(name)) {
        throw ctx.errors.error(104, `Can't redefine primitive type '${name}'`, child(where, raw, name));
      }
    }
    for (const [name] of entries(raw)) this.resolve(name, raw, where);
    for (const [name, dataType] of this.types) {
      this.checkSchema(dataType.properties, name, child(child(where, raw, name), section(raw, name), 'properties'));
    }
  }

  private resolve(name: string, raw: JsonMap, where: Where): DataType {
    const existing = this.types.get(name);
    if (existing) return existing;
    const definition = section(raw, name);
    const definitionWhere = child(where, raw, name);
    const parentName = optionalString(definition, 'derived_from');
    let properties: PropertySchema = {};
    let origins: Record<string, Where> = {};
    if (parentName !== undefined) {
      if (!hasKey(raw, parentName)) {
        throw this.ctx.errors.error(
          103,
          `Missing definition for type '${parentName}' which is declared as derived by type '${name}'`,
          child(definitionWhere, definition, 'derived_from'),
        );
      }
      const parent = this.resolve(parentName, raw, where);
      properties = { ...parent.properties };
      origins = { ...parent.origins };
    }
    const own = section(definition, 'properties');
    for (const [key, entry] of entries(own)) {
      properties[key] = entry;
      origins[key] = child(child(definitionWhere, definition, 'properties'), own, key);
    }
    const dataType = { name, properties, origins };
    this.types.set(name, dataType);
    return dataType;
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  get(name: string): DataType | undefined {
    return this.types.get(name);
  }

  isKnownType(name: string): boolean {
    return (PRIMITIVE_TYPES as readonly string[]).includes(name) || this.types.has(name);
  }

  /**
   * Checks a schema's `type` names (103) and validates its defaults against them (105/106).
   * `owner` names the schema's owner in messages.
   */
  checkSchema(schema: Readonly<Record<string, Json>>, owner: string, where: Where, container?: JsonMap): void {
    const holder = container ?? schema;
    for (const [name, rawEntry] of Object.entries(schema)) {
      const entry = isMap(rawEntry) ? rawEntry : {};
      const entryWhere = child(where, holder, name);
      const type = optionalString(entry, 'type');
      if (type !== undefined && !this.isKnownType(type)) {
        throw this.ctx.errors.error(103, `Illegal type name '${type}'`, child(entryWhere, entry, 'type'));
      }
      if (type !== undefined && hasKey(entry, 'default') && entry['default'] !== null) {
        this.checkValue(entry['default'] ?? null, type, { name: owner, ...DATA_TYPE_DEFAULTS }, [name], child(entryWhere, entry, 'default'), false);
      }
    }
  }

  /**
   * Merges template values over a schema (dsl.md §3): unknown property → 106, required property
   * without value → 107, values checked against their types (105, skipped for functions). Data-typed
   * values are data-type defaults overlaid by the schema default, overlaid by the given value.
   */
  mergeProperties(values: JsonMap, schema: PropertySchema, owner: PropertyOwner, where: Where, prefix: readonly string[] = []): JsonMap {
    return this.merge(values, schema, owner, where, prefix, true);
  }

  private merge(
    values: JsonMap,
    schema: PropertySchema,
    owner: PropertyOwner,
    where: Where,
    prefix: readonly string[],
    raiseOnMissing: boolean,
  ): JsonMap {
    for (const key of Object.keys(values)) {
      if (!hasKey(schema, key)) {
        throw this.ctx.errors.error(106, owner.undefinedMessage(owner.name, [...prefix, key].join('.')), child(where, values, key));
      }
    }
    const result: JsonMap = {};
    for (const [key, entry] of Object.entries(schema)) {
      let value: Json;
      let valueWhere: Where;
      if (hasKey(values, key)) {
        value = values[key] ?? null;
        valueWhere = child(where, values, key);
      } else if (hasKey(entry, 'default')) {
        value = clone(entry['default'] ?? null);
        valueWhere = where;
      } else if (raiseOnMissing && entry['required'] !== false) {
        throw this.ctx.errors.error(107, owner.missingMessage(owner.name, [...prefix, key].join('.')), where);
      } else {
        continue;
      }
      const type = optionalString(entry, 'type');
      if (type !== undefined) {
        const dataType = this.types.get(type);
        if (dataType && isMap(value) && !isFunction(value) && hasKey(values, key) && isMap(entry['default'] ?? null)) {
          value = deepMerge(clone(entry['default'] ?? null), value);
        }
        value = this.checkValue(value, type, owner, [...prefix, key], valueWhere, raiseOnMissing);
      }
      result[key] = value;
    }
    return result;
  }

  /** Validates (and for data types completes) one value of a declared type. */
  private checkValue(value: Json, type: string, owner: PropertyOwner, path: readonly string[], where: Where, raiseOnMissing: boolean): Json {
    if (isFunction(value)) return value;
    const dataType = this.types.get(type);
    if (dataType) {
      if (!isMap(value)) throw this.typeMismatch(owner, path, type, value, where);
      return this.merge(value, dataType.properties, owner, where, path, raiseOnMissing);
    }
    if (!valueMatchesPrimitive(value, type)) throw this.typeMismatch(owner, path, type, value, where);
    return value;
  }

  private typeMismatch(owner: PropertyOwner, path: readonly string[], type: string, value: Json, where: Where) {
    return this.ctx.errors.error(
      105,
      `Property type validation failed in '${owner.name}': property '${path.join('.')}' type is '${type}', yet it was assigned with the value '${pyStr(value)}'`,
      where,
    );
  }
}

/** `integer` = integral non-boolean; `float` = any number; `boolean`; `string` accepts anything. */
export function valueMatchesPrimitive(value: Json, type: string): boolean {
  switch (type) {
    case 'integer':
      return isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Property-schema entries of a section, with null entries read as `{}`. */
export function readSchema(container: JsonMap, key: string): PropertySchema {
  const result: PropertySchema = {};
  for (const [name, entry] of entries(section(container, key))) result[name] = entry;
  return result;
}

