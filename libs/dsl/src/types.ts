import { child, entries, optionalString, type ParseContext, section } from './context';
import { type JsonMap } from './json';
import { type InterfacesDef, mergeTypeInterfaces, planInterfaces, type PluginMap, processOperations, readInterfaces } from './operations';
import { type PlanRelationshipType } from './plan-types';
import { type DataTypes, type PropertySchema, readSchema } from './properties';
import { type Where } from './source-map';

export const ROOT_NODE_TYPE = 'cloudify.nodes.Root';
export const COMPUTE_NODE_TYPE = 'cloudify.nodes.Compute';
export const DEPENDS_ON = 'cloudify.relationships.depends_on';
export const CONNECTED_TO = 'cloudify.relationships.connected_to';
export const CONTAINED_IN = 'cloudify.relationships.contained_in';

/** A node or relationship type after derivation (dsl.md §4). */
export interface ResolvedType {
  name: string;
  derivedFrom?: string;
  /** Ancestors root-first, ending with the type itself. */
  hierarchy: string[];
  properties: PropertySchema;
  /** Node types: `interfaces`; relationship types: `source_interfaces`/`target_interfaces`. */
  interfaces: Record<string, InterfacesDef>;
  where: Where;
}

/**
 * Derives every type of one section (`node_types` or `relationships`): parent must exist (103),
 * properties overlay per key, each operation of a child replaces the parent's. Property schemas are
 * checked (103 type names, 105 defaults). Cycles were rejected earlier (100).
 */
export class TypeRegistry {
  private readonly resolved = new Map<string, ResolvedType>();
  private readonly raw: JsonMap;
  private readonly where: Where;

  constructor(
    private readonly ctx: ParseContext,
    private readonly dataTypes: DataTypes,
    readonly sectionName: 'node_types' | 'relationships',
  ) {
    this.raw = section(ctx.blueprint, sectionName);
    this.where = { container: ctx.blueprint, key: sectionName, path: [sectionName] };
    const interfaceKeys = this.interfaceKeys();
    for (const [name] of entries(this.raw)) this.resolve(name, interfaceKeys);
  }

  private interfaceKeys(): string[] {
    return this.sectionName === 'node_types' ? ['interfaces'] : ['source_interfaces', 'target_interfaces'];
  }

  private resolve(name: string, interfaceKeys: readonly string[]): ResolvedType {
    const existing = this.resolved.get(name);
    if (existing) return existing;
    const definition = section(this.raw, name);
    const where = child(this.where, this.raw, name);
    const parentName = optionalString(definition, 'derived_from');
    let parent: ResolvedType | undefined;
    if (parentName !== undefined) {
      if (!Object.prototype.hasOwnProperty.call(this.raw, parentName)) {
        throw this.ctx.errors.error(
          103,
          `Missing definition for type '${parentName}' which is declared as derived by type '${name}'`,
          child(where, definition, 'derived_from'),
        );
      }
      parent = this.resolve(parentName, interfaceKeys);
    }
    const ownProperties = readSchema(definition, 'properties');
    this.dataTypes.checkSchema(ownProperties, name, child(where, definition, 'properties'), section(definition, 'properties'));
    const interfaces: Record<string, InterfacesDef> = {};
    for (const key of interfaceKeys) {
      const own = readInterfaces(definition[key], child(where, definition, key));
      for (const ops of Object.values(own)) {
        for (const op of Object.values(ops)) this.dataTypes.checkSchema(op.inputs, name, { ...op.where, path: [...op.where.path, 'inputs'] });
      }
      interfaces[key] = parent ? mergeTypeInterfaces(parent.interfaces[key] ?? {}, own) : own;
    }
    const type: ResolvedType = {
      name,
      hierarchy: [...(parent?.hierarchy ?? []), name],
      properties: { ...(parent?.properties ?? {}), ...ownProperties },
      interfaces,
      where,
      ...(parentName !== undefined ? { derivedFrom: parentName } : {}),
    };
    this.resolved.set(name, type);
    return type;
  }

  get(name: string): ResolvedType | undefined {
    return this.resolved.get(name);
  }

  names(): string[] {
    return Object.keys(this.raw);
  }

  all(): ResolvedType[] {
    return this.names().flatMap((name) => {
      const type = this.resolved.get(name);
      return type ? [type] : [];
    });
  }
}

/**
 * Relationship types in plan form. Their operations are resolved at type level only to validate
 * the mappings (19), as Cloudify does.
 */
export function planRelationshipTypes(ctx: ParseContext, registry: TypeRegistry, plugins: PluginMap): Record<string, PlanRelationshipType> {
  const result: Record<string, PlanRelationshipType> = {};
  for (const type of registry.all()) {
    for (const key of ['source_interfaces', 'target_interfaces']) {
      processOperations(ctx, plugins, type.interfaces[key] ?? {}, 19, `Relationship '${type.name}'`);
    }
    result[type.name] = {
      name: type.name,
      ...(type.derivedFrom !== undefined ? { derived_from: type.derivedFrom } : {}),
      type_hierarchy: type.hierarchy,
      properties: type.properties,
      source_interfaces: planInterfaces(ctx, type.interfaces['source_interfaces'] ?? {}),
      target_interfaces: planInterfaces(ctx, type.interfaces['target_interfaces'] ?? {}),
    };
  }
  return result;
}
