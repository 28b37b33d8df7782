import { BUILTIN_TYPES_FILE } from './builtin-types';
import { UNCODED_ERROR } from './errors';
import { isInteger, isList, isMap, type Json, type JsonMap, kindOf } from './json';
import { type ErrorFactory, type Where } from './source-map';
import { type DslVersion, versionAtLeast, versionName, type VersionTuple } from './version';

/**
 * A declarative description of the blueprint's shape, mirroring the element schemas of Cloudify's
 * parser: every mapping is checked for unknown keys, value kinds and required keys (code 1), and
 * version-gated keys raise 102. Hand-written rather than zod because the error codes, texts and
 * positions must be Cloudify's, key by key.
 */
export type LeafKind = 'string' | 'dict' | 'list' | 'integer' | 'number' | 'boolean' | 'any';

export interface CheckContext {
  errors: ErrorFactory;
  where: Where;
  path: readonly (string | number)[];
}

export type SchemaNode =
  | { kind: 'leaf'; accepts: readonly LeafKind[]; check?: (value: Json, ctx: CheckContext) => void }
  | { kind: 'fields'; fields: Readonly<Record<string, Field>> }
  | { kind: 'map'; of: SchemaNode }
  | { kind: 'list'; of: SchemaNode; check?: (value: Json[], ctx: CheckContext) => void }
  | { kind: 'oneOf'; options: readonly SchemaNode[] };

export interface Field {
  schema: SchemaNode;
  required?: boolean;
  since?: VersionTuple;
}

const leaf = (accepts: LeafKind | readonly LeafKind[], check?: (value: Json, ctx: CheckContext) => void): SchemaNode => ({
  kind: 'leaf',
  accepts: typeof accepts === 'string' ? [accepts] : accepts,
  ...(check ? { check } : {}),
});
const fields = (spec: Record<string, Field | SchemaNode>): SchemaNode => ({
  kind: 'fields',
  fields: Object.fromEntries(Object.entries(spec).map(([key, value]) => [key, 'kind' in value ? { schema: value } : value])),
});
const mapOf = (of: SchemaNode): SchemaNode => ({ kind: 'map', of });
const listOf = (of: SchemaNode, check?: (value: Json[], ctx: CheckContext) => void): SchemaNode => ({
  kind: 'list',
  of,
  ...(check ? { check } : {}),
});
const oneOf = (...options: SchemaNode[]): SchemaNode => ({ kind: 'oneOf', options });

const str = leaf('string');
const requiredStr: Field = { schema: str, required: true };
const anyValue = leaf('any');

const EXECUTORS = ['central_deployment_agent', 'host_agent'];

const operationExecutor = leaf('string', (value, ctx) => {
  if (typeof value === 'string' && !EXECUTORS.includes(value)) {
    const iface = ctx.path[ctx.path.length - 3];
    const op = ctx.path[ctx.path.length - 2];
    throw ctx.errors.error(
      28,
      `Operation '${String(iface)}.${String(op)}' has an illegal executor value '${value}'. valid values are [${EXECUTORS.join(',')}]`,
      ctx.where,
    );
  }
});

const maxRetries = leaf('integer', (value, ctx) => {
  if (isInteger(value) && value < -1) {
    throw ctx.errors.error(
      UNCODED_ERROR,
      `'max_retries' value must be either -1 to specify unlimited retries or a non negative number but got ${value}.`,
      ctx.where,
    );
  }
});

const retryInterval = leaf('number', (value, ctx) => {
  if (typeof value === 'number' && value < 0) {
    throw ctx.errors.error(UNCODED_ERROR, `'retry_interval' value must be a non negative number but got ${value}.`, ctx.where);
  }
});

/** `{<name>: {type?, default?, description?, required? (1_2)}}` */
export const propertySchema = mapOf(
  fields({
    type: str,
    default: anyValue,
    description: str,
    required: { schema: leaf('boolean'), since: [1, 2] },
  }),
);

const operationFields = (inputs: SchemaNode): SchemaNode =>
  fields({
    implementation: str,
    inputs,
    executor: operationExecutor,
    max_retries: { schema: maxRetries, since: [1, 1] },
    retry_interval: { schema: retryInterval, since: [1, 1] },
  });

const typeInterfaces = mapOf(mapOf(oneOf(str, operationFields(propertySchema))));
const templateInterfaces = mapOf(mapOf(oneOf(str, operationFields(leaf('dict')))));

/** Scalable properties: integers, `UNBOUNDED` for max, or intrinsic functions (checked later: 207/208/210). */
export const scalableProperties = fields({
  default_instances: leaf(['integer', 'dict']),
  min_instances: leaf(['integer', 'dict']),
  max_instances: leaf(['integer', 'string', 'dict']),
});

const plugin = fields({
  executor: {
    required: true,
    schema: leaf('string', (value, ctx) => {
      if (typeof value === 'string' && !EXECUTORS.includes(value)) {
        const name = ctx.path[ctx.path.length - 2];
        throw ctx.errors.error(
          18,
          `Plugin '${String(name)}' has an illegal executor value '${value}'. valid values are [${EXECUTORS.join(',')}]`,
          ctx.where,
        );
      }
    }),
  },
  source: str,
  install: leaf('boolean'),
  install_arguments: { schema: str, since: [1, 1] },
  package_name: { schema: str, since: [1, 2] },
  package_version: { schema: str, since: [1, 2] },
  supported_platform: { schema: str, since: [1, 2] },
  distribution: { schema: str, since: [1, 2] },
  distribution_version: { schema: str, since: [1, 2] },
  distribution_release: { schema: str, since: [1, 2] },
});

const relationshipInstance = fields({
  type: requiredStr,
  target: requiredStr,
  properties: leaf('dict'),
  source_interfaces: templateInterfaces,
  target_interfaces: templateInterfaces,
});

const nodeTemplate = fields({
  type: requiredStr,
  properties: leaf('dict'),
  instances: fields({
    deploy: {
      required: true,
      schema: leaf('integer', (value, ctx) => {
        if (isInteger(value) && value < 0) throw ctx.errors.error(1, 'deploy instances must be a non-negative number', ctx.where);
      }),
    },
  }),
  capabilities: { since: [1, 3], schema: fields({ scalable: fields({ properties: scalableProperties }) }) },
  interfaces: templateInterfaces,
  relationships: listOf(relationshipInstance),
});

const group = fields({
  members: {
    required: true,
    schema: listOf(str, (value, ctx) => {
      if (value.length < 1) throw ctx.errors.error(1, 'At least one member should be specified', ctx.where);
    }),
  },
  policies: mapOf(
    fields({
      type: requiredStr,
      properties: leaf('dict'),
      triggers: mapOf(fields({ type: requiredStr, parameters: leaf('dict') })),
    }),
  ),
});

const SCALING_POLICY = 'cloudify.policies.scaling';

const scalingPolicy = fields({
  type: {
    required: true,
    schema: leaf('string', (value, ctx) => {
      if (value !== SCALING_POLICY) {
        throw ctx.errors.error(204, `'${String(value)}' policy type is not implemented. Only '${SCALING_POLICY}' policy type is supported.`, ctx.where);
      }
    }),
  },
  properties: scalableProperties,
  targets: {
    required: true,
    schema: listOf(str, (value, ctx) => {
      if (value.length < 1) {
        const name = ctx.path[ctx.path.length - 2];
        throw ctx.errors.error(
          206,
          `Policy '${String(name)}' has no targets groups defined for it. At least one target group is required.`,
          ctx.where,
        );
      }
    }),
  },
});

const workflow = oneOf(str, fields({ mapping: requiredStr, parameters: propertySchema }));
const capabilities = fields({ scalable: fields({ properties: scalableProperties }) });

/**
 * Sub-schemas for the per-element unknown-key checks the parser runs in Cloudify's order (an
 * element's unknown keys after its descendants' checks, before its parent's).
 */
export const ELEMENT_SCHEMAS = {
  nodeTemplate,
  relationshipInstance,
  templateInterfaces,
  capabilities,
  plugin,
  group,
  workflow,
  scalingPolicy,
} as const;

/** The merged blueprint (imports and dsl_definitions were consumed while loading). */
export const blueprintSchema = fields({
  tosca_definitions_version: str,
  description: { schema: str, since: [1, 2] },
  inputs: propertySchema,
  plugins: mapOf(plugin),
  node_types: mapOf(fields({ derived_from: str, properties: propertySchema, interfaces: typeInterfaces })),
  relationships: mapOf(
    fields({ derived_from: str, properties: propertySchema, source_interfaces: typeInterfaces, target_interfaces: typeInterfaces }),
  ),
  node_templates: { schema: mapOf(nodeTemplate), required: true },
  policy_types: mapOf(fields({ properties: propertySchema, source: requiredStr })),
  policy_triggers: mapOf(fields({ parameters: propertySchema, source: requiredStr })),
  groups: mapOf(group),
  policies: { schema: mapOf(scalingPolicy), since: [1, 3] },
  workflows: mapOf(workflow),
  outputs: mapOf(fields({ description: str, value: { schema: anyValue, required: true } })),
  data_types: { schema: mapOf(fields({ derived_from: str, description: str, version: str, properties: propertySchema })), since: [1, 2] },
});

/** The schema of one top-level section of the merged blueprint. */
export function sectionSchema(key: string): SchemaNode {
  const spec = blueprintSchema.kind === 'fields' ? blueprintSchema.fields[key] : undefined;
  return spec?.schema ?? anyValue;
}

function matches(kind: LeafKind, value: Json): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'string':
      return typeof value === 'string';
    case 'dict':
      return isMap(value);
    case 'list':
      return isList(value);
    case 'integer':
      return isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const KIND_NAMES: Record<LeafKind, string> = {
  any: 'any',
  string: 'string',
  dict: 'dict',
  list: 'list',
  integer: 'integer',
  number: 'float',
  boolean: 'boolean',
};

function expected(accepts: readonly LeafKind[], value: Json): string {
  const names = accepts.map((kind) => KIND_NAMES[kind]);
  const text = names.length === 1 ? `'${names[0] ?? ''}'` : `one of [${names.map((name) => `'${name}'`).join(', ')}]`;
  return `Expected ${text} type but found '${kindOf(value)}' type`;
}

function topKind(schema: SchemaNode): readonly LeafKind[] {
  switch (schema.kind) {
    case 'leaf':
      return schema.accepts;
    case 'fields':
    case 'map':
      return ['dict'];
    case 'list':
      return ['list'];
    case 'oneOf':
      return schema.options.flatMap(topKind);
  }
}

function acceptsAny(kinds: readonly LeafKind[], value: Json): boolean {
  for (const kind of kinds) if (matches(kind, value)) return true;
  return false;
}

/** Whether `value` has the top-level kind `schema` expects (what `oneOf` picks an option by). */
function fitsTop(schema: SchemaNode, value: Json): boolean {
  switch (schema.kind) {
    case 'leaf':
      return acceptsAny(schema.accepts, value);
    case 'fields':
    case 'map':
      return isMap(value);
    case 'list':
      return isList(value);
    case 'oneOf':
      return schema.options.some((option) => fitsTop(option, value));
  }
}

const requiredKeysCache = new WeakMap<Readonly<Record<string, Field>>, string[]>();

function requiredKeys(spec: Readonly<Record<string, Field>>): string[] {
  let keys = requiredKeysCache.get(spec);
  if (!keys) {
    keys = Object.keys(spec).filter((key) => spec[key]?.required === true);
    requiredKeysCache.set(spec, keys);
  }
  return keys;
}

/**
 * Walks `value` against `schema` in document order and throws the first violation.
 * Version gates are skipped when `validateVersion` is false and for the trusted built-in types.
 *
 * Unknown keys are only reported when `unknownKeys` is set: Cloudify checks them on the parent
 * element after everything beneath it (and the blueprint root last of all), so a misspelt
 * `properties` key surfaces as the missing-property error 107 first. The parser therefore runs a
 * second pass for unknown keys after the semantic checks.
 *
 * The walk keeps one path stack and builds a {@link Where} only for an error: a blueprint has
 * tens of thousands of values and almost never an error. Values a validator has accepted whole are
 * not walked again by it (the parser checks each element, then the whole blueprint): the loaded
 * blueprint is never modified, so the outcome would be the same.
 */
export class SchemaValidator {
  private readonly accepted = new WeakMap<object, SchemaNode>();
  private anyAccepted = false;

  constructor(
    private readonly errors: ErrorFactory,
    private readonly version: DslVersion,
    private readonly validateVersion: boolean,
    private readonly unknownKeys: boolean,
  ) {}

  validate(value: Json, schema: SchemaNode, where: Where): void {
    this.walk(value, schema, [...where.path], where, undefined, undefined);
    if (typeof value === 'object' && value !== null) {
      this.accepted.set(value, schema);
      this.anyAccepted = true;
    }
  }

  /** `root` is the caller's place of the top value; below it, places are `container[key]` at `path`. */
  private walk(
    value: Json,
    schema: SchemaNode,
    path: (string | number)[],
    root: Where | undefined,
    container: object | undefined,
    key: string | number | undefined,
  ): void {
    if (value === null) return;
    if (this.anyAccepted && typeof value === 'object' && this.accepted.get(value) === schema) return;
    switch (schema.kind) {
      case 'leaf':
        if (!acceptsAny(schema.accepts, value)) throw this.errors.error(1, expected(schema.accepts, value), place(path, root, container, key));
        if (schema.check) {
          const where = place(path, root, container, key);
          schema.check(value, { errors: this.errors, where, path: where.path });
        }
        return;
      case 'oneOf': {
        const option = schema.options.find((candidate) => fitsTop(candidate, value));
        const last = schema.options[schema.options.length - 1];
        if (!option) throw this.errors.error(1, expected(last ? topKind(last) : ['any'], value), place(path, root, container, key));
        this.walk(value, option, path, root, container, key);
        return;
      }
      case 'list':
        if (!isList(value)) throw this.errors.error(1, expected(['list'], value), place(path, root, container, key));
        for (let index = 0; index < value.length; index += 1) {
          path.push(index);
          this.walk(value[index] ?? null, schema.of, path, undefined, value, index);
          path.pop();
        }
        if (schema.check) {
          const where = place(path, root, container, key);
          schema.check(value, { errors: this.errors, where, path: where.path });
        }
        return;
      case 'map':
        if (!isMap(value)) throw this.errors.error(1, expected(['dict'], value), place(path, root, container, key));
        this.checkKeys(value, path);
        for (const itemKey of Object.keys(value)) {
          path.push(itemKey);
          this.walk(value[itemKey] ?? null, schema.of, path, undefined, value, itemKey);
          path.pop();
        }
        return;
      case 'fields':
        if (!isMap(value)) throw this.errors.error(1, expected(['dict'], value), place(path, root, container, key));
        this.validateFields(value, schema.fields, path);
        return;
    }
  }

  private checkKeys(value: JsonMap, path: readonly (string | number)[]): void {
    const foreign = this.errors.sourceMap.nonStringKey(value);
    if (foreign) {
      throw this.errors.error(1, `Dict keys must be strings but found '${foreign.key}' of type '${foreign.kind}'`, {
        container: value,
        key: foreign.key,
        path: [...path, foreign.key],
      });
    }
  }

  private validateFields(value: JsonMap, spec: Readonly<Record<string, Field>>, path: (string | number)[]): void {
    this.checkKeys(value, path);
    const keys = Object.keys(value);
    if (this.unknownKeys) {
      for (const key of keys) {
        if (!(key in spec)) {
          const valid = Object.keys(spec)
            .map((k) => `'${k}'`)
            .join(', ');
          throw this.errors.error(1, `'${key}' is not in schema. Valid schema values: [${valid}]`, {
            container: value,
            key,
            path: [...path, key],
          });
        }
      }
    }
    for (const key of keys) {
      const field = spec[key];
      const item = value[key] ?? null;
      if (!field || item === null) continue;
      path.push(key);
      this.walk(item, field.schema, path, undefined, value, key);
      if (field.since && this.validateVersion && !versionAtLeast(this.version, field.since) && !this.isTrusted(value, key)) {
        throw this.errors.error(102, `${key} not supported in version ${this.version.raw}, it was added in ${versionName(field.since)}`, {
          container: value,
          key,
          path: [...path],
        });
      }
      path.pop();
    }
    for (const key of requiredKeys(spec)) {
      if (value[key] === undefined || value[key] === null) {
        throw this.errors.error(1, `'${key}' key is required but it is currently missing`, {
          container: value,
          key,
          path: [...path, key],
        });
      }
    }
  }

  private isTrusted(container: JsonMap, key: string): boolean {
    return this.errors.sourceMap.locate(container, key)?.file === BUILTIN_TYPES_FILE;
  }
}

/** The {@link Where} of the value being checked, built for an error or a check callback. */
function place(path: readonly (string | number)[], root: Where | undefined, container: object | undefined, key: string | number | undefined): Where {
  return root ?? { container, key, path: [...path] };
}
