import { child, entries, type ParseContext, requiredString, section } from './context';
import { hasKey, isInteger, isMap, type JsonMap, pyRepr } from './json';
import { mergeTemplateInterfaces, planInterfaces, type PluginMap, processOperations, readInterfaces } from './operations';
import { planCopy } from './plan-copy';
import { type PlanNode, type PlanNodeRelationship, type PlanOperation, type PlanPlugin, type ScalableProperties } from './plan-types';
import { type DataTypes, NODE_PROPERTIES, RELATIONSHIP_PROPERTIES } from './properties';
import { deployScalable, readScalable } from './scalable';
import { ELEMENT_SCHEMAS } from './schema';
import { type Where } from './source-map';
import { COMPUTE_NODE_TYPE, CONTAINED_IN, type TypeRegistry } from './types';

const HOST_AGENT = 'host_agent';
const CENTRAL_DEPLOYMENT_AGENT = 'central_deployment_agent';

/** Where `container[key]` is, or the container's own place when the key is absent. */
function placeOf(where: Where, container: JsonMap, key: string): Where {
  return hasKey(container, key) ? child(where, container, key) : { ...where, path: [...where.path, key] };
}

/**
 * Node templates in plan form (dsl.md §5): types (7), properties (105–107), instance counts and
 * scalable capabilities (207–210), relationships (23, 25, 26, 112), merged interfaces and resolved
 * operations (10, 19, 50, 60, 61, 80, 91, 107), hosts, and plugin lists (24).
 */
export function processNodeTemplates(
  ctx: ParseContext,
  nodeTypes: TypeRegistry,
  relationshipTypes: TypeRegistry,
  dataTypes: DataTypes,
  plugins: PluginMap,
): PlanNode[] {
  const templates = section(ctx.blueprint, 'node_templates');
  const templatesWhere: Where = { container: ctx.blueprint, key: 'node_templates', path: ['node_templates'] };
  const nodes: PlanNode[] = [];
  for (const [name, template] of entries(templates)) {
    nodes.push(processTemplate(ctx, name, template, child(templatesWhere, templates, name), templates, nodeTypes, relationshipTypes, dataTypes, plugins));
  }
  assignHosts(nodes);
  assignPlugins(ctx, nodes, plugins, templatesWhere, templates);
  return nodes;
}

function processTemplate(
  ctx: ParseContext,
  name: string,
  template: JsonMap,
  where: Where,
  templates: JsonMap,
  nodeTypes: TypeRegistry,
  relationshipTypes: TypeRegistry,
  dataTypes: DataTypes,
  plugins: PluginMap,
): PlanNode {
  const typeName = requiredString(template, 'type');
  const type = nodeTypes.get(typeName);
  if (!type) {
    throw ctx.errors.error(
      7,
      `Could not locate node type: '${typeName}'; existing types: ${pyRepr(nodeTypes.names())}`,
      child(where, template, 'type'),
    );
  }
  const properties = dataTypes.mergeProperties(
    section(template, 'properties'),
    type.properties,
    { name, ...NODE_PROPERTIES },
    placeOf(where, template, 'properties'),
  );

  const instances = section(template, 'instances');
  const deploy = instances['deploy'];
  const capabilities = section(template, 'capabilities');
  const scalableRaw = capabilities['scalable'];
  if (isInteger(deploy) && scalableRaw !== undefined && scalableRaw !== null) {
    throw ctx.errors.error(
      209,
      `Node '${name}' defines both instances.deploy and capabilities.scalable (Note: instances.deploy is deprecated)`,
      child(where, template, 'capabilities'),
    );
  }
  const scalableWhere = child(child(child(where, template, 'capabilities'), capabilities, 'scalable'), isMap(scalableRaw) ? scalableRaw : {}, 'properties');
  const scalable = isInteger(deploy)
    ? deployScalable(deploy)
    : readScalable(ctx, isMap(scalableRaw) ? section(scalableRaw, 'properties') : undefined, scalableWhere);

  ctx.checkUnknownKeys(template['capabilities'], ELEMENT_SCHEMAS.capabilities, placeOf(where, template, 'capabilities'));

  const relationships = readRelationships(ctx, name, template, where, templates, relationshipTypes, dataTypes);

  ctx.checkUnknownKeys(template['interfaces'], ELEMENT_SCHEMAS.templateInterfaces, placeOf(where, template, 'interfaces'));
  ctx.checkUnknownKeys(template, ELEMENT_SCHEMAS.nodeTemplate, where);
  const interfaces = mergeTemplateInterfaces(
    ctx,
    type.interfaces['interfaces'] ?? {},
    readInterfaces(template['interfaces'], placeOf(where, template, 'interfaces')),
  );
  const operations = processOperations(ctx, plugins, interfaces, 10, `in node '${name}' of type '${typeName}'`);

  const planRelationships: PlanNodeRelationship[] = relationships.map((relationship) => ({
    type: relationship.type,
    target_id: relationship.target,
    type_hierarchy: [...relationship.hierarchy],
    properties: planCopy(relationship.properties, ctx.sourceMap),
    source_interfaces: planInterfaces(ctx, relationship.sourceInterfaces),
    target_interfaces: planInterfaces(ctx, relationship.targetInterfaces),
    source_operations: processOperations(
      ctx,
      plugins,
      relationship.sourceInterfaces,
      19,
      `in relationship of type '${relationship.type}' in node '${name}'`,
    ),
    target_operations: processOperations(
      ctx,
      plugins,
      relationship.targetInterfaces,
      19,
      `in relationship of type '${relationship.type}' in node '${relationship.target}'`,
    ),
  }));

  return {
    id: name,
    name,
    type: typeName,
    type_hierarchy: [...type.hierarchy],
    properties: planCopy(properties, ctx.sourceMap),
    instances: isInteger(deploy) ? { deploy } : {},
    capabilities: { scalable: { properties: planCopy(scalable as unknown as JsonMap, ctx.sourceMap) as unknown as ScalableProperties } },
    interfaces: planInterfaces(ctx, interfaces),
    operations,
    relationships: planRelationships,
    plugins: [],
    deployment_plugins_to_install: [],
  };
}

interface RelationshipDraft {
  type: string;
  target: string;
  hierarchy: string[];
  properties: JsonMap;
  sourceInterfaces: ReturnType<typeof readInterfaces>;
  targetInterfaces: ReturnType<typeof readInterfaces>;
}

function readRelationships(
  ctx: ParseContext,
  name: string,
  template: JsonMap,
  where: Where,
  templates: JsonMap,
  relationshipTypes: TypeRegistry,
  dataTypes: DataTypes,
): RelationshipDraft[] {
  const raw = template['relationships'];
  if (!Array.isArray(raw)) return [];
  const listWhere = child(where, template, 'relationships');
  const drafts = raw.map((item, index): RelationshipDraft => {
    const relationship = isMap(item) ? item : {};
    const relWhere = child(listWhere, raw, index);
    const typeName = requiredString(relationship, 'type');
    const type = relationshipTypes.get(typeName);
    if (!type) {
      throw ctx.errors.error(
        26,
        `A relationship instance under node '${name}' declares an undefined relationship type '${typeName}'`,
        child(relWhere, relationship, 'type'),
      );
    }
    const target = requiredString(relationship, 'target');
    if (!hasKey(templates, target)) {
      throw ctx.errors.error(
        25,
        `A relationship instance under node '${name}' of type '${typeName}' declares an undefined target node '${target}'`,
        child(relWhere, relationship, 'target'),
      );
    }
    if (target === name) {
      throw ctx.errors.error(
        23,
        `A relationship instance under node '${name}' of type '${typeName}' illegally declares the source node as the target node`,
        child(relWhere, relationship, 'target'),
      );
    }
    const properties = dataTypes.mergeProperties(
      section(relationship, 'properties'),
      type.properties,
      { name, ...RELATIONSHIP_PROPERTIES },
      placeOf(relWhere, relationship, 'properties'),
    );
    ctx.checkUnknownKeys(relationship, ELEMENT_SCHEMAS.relationshipInstance, relWhere);
    return {
      type: typeName,
      target,
      hierarchy: type.hierarchy,
      properties,
      sourceInterfaces: mergeTemplateInterfaces(
        ctx,
        type.interfaces['source_interfaces'] ?? {},
        readInterfaces(relationship['source_interfaces'], placeOf(relWhere, relationship, 'source_interfaces')),
      ),
      targetInterfaces: mergeTemplateInterfaces(
        ctx,
        type.interfaces['target_interfaces'] ?? {},
        readInterfaces(relationship['target_interfaces'], placeOf(relWhere, relationship, 'target_interfaces')),
      ),
    };
  });
  const containers = drafts.filter((draft) => draft.hierarchy.includes(CONTAINED_IN));
  if (containers.length > 1) {
    throw ctx.errors.error(
      112,
      `Node '${name}' has more than one relationship that is derived from '${CONTAINED_IN}' relationship. ` +
        `Found: ${pyRepr(containers.map((draft) => draft.type))} for targets: ${pyRepr(containers.map((draft) => draft.target))}`,
      listWhere,
    );
  }
  return drafts;
}

/** The node this node is contained in, if any. */
export function containerOf(node: PlanNode): string | undefined {
  return node.relationships.find((relationship) => relationship.type_hierarchy.includes(CONTAINED_IN))?.target_id;
}

function assignHosts(nodes: PlanNode[]): void {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const hostOf = (node: PlanNode, seen: Set<string>): string | undefined => {
    if (node.type_hierarchy.includes(COMPUTE_NODE_TYPE)) return node.name;
    const container = containerOf(node);
    const target = container === undefined ? undefined : byName.get(container);
    if (!target || seen.has(target.name)) return undefined;
    seen.add(target.name);
    return hostOf(target, seen);
  };
  for (const node of nodes) {
    const host = hostOf(node, new Set([node.name]));
    if (host !== undefined) node.host_id = host;
  }
}

function pluginsOf(operationMaps: readonly Record<string, PlanOperation>[], plugins: PluginMap): PlanPlugin[] {
  const result = new Map<string, PlanPlugin>();
  for (const operations of operationMaps) {
    for (const name in operations) {
      const operation = operations[name];
      if (!operation?.plugin || !Object.prototype.hasOwnProperty.call(operations, name)) continue;
      const key = `${operation.plugin}\u0000${operation.executor ?? ''}`;
      const declared = plugins.get(operation.plugin);
      if (declared && !result.has(key)) result.set(key, { ...declared, executor: operation.executor });
    }
  }
  return [...result.values()];
}

function byName(plugins: readonly PlanPlugin[], executor: string): PlanPlugin[] {
  const result = new Map<string, PlanPlugin>();
  for (const plugin of plugins) if (plugin.executor === executor && !result.has(plugin.name)) result.set(plugin.name, plugin);
  return [...result.values()];
}

function assignPlugins(ctx: ParseContext, nodes: PlanNode[], plugins: PluginMap, templatesWhere: Where, templates: JsonMap): void {
  const operationMaps = new Map<string, Record<string, PlanOperation>[]>(nodes.map((node) => [node.name, [node.operations]]));
  for (const node of nodes) {
    for (const relationship of node.relationships) {
      operationMaps.get(node.name)?.push(relationship.source_operations);
      operationMaps.get(relationship.target_id)?.push(relationship.target_operations);
    }
  }
  for (const node of nodes) node.plugins = pluginsOf(operationMaps.get(node.name) ?? [], plugins);
  const hostedOn = new Map<string, PlanNode[]>();
  for (const node of nodes) {
    if (node.host_id === undefined) continue;
    const hosted = hostedOn.get(node.host_id);
    if (hosted) hosted.push(node);
    else hostedOn.set(node.host_id, [node]);
  }
  for (const node of nodes) {
    if (node.type_hierarchy.includes(COMPUTE_NODE_TYPE)) {
      const hosted = (hostedOn.get(node.name) ?? []).flatMap((other) => other.plugins);
      node.plugins_to_install = byName(hosted, HOST_AGENT).map((plugin) => ({ ...plugin }));
    }
    node.deployment_plugins_to_install = byName(node.plugins, CENTRAL_DEPLOYMENT_AGENT).map((plugin) => ({ ...plugin }));
  }
  for (const node of nodes) {
    if (node.host_id !== undefined) continue;
    const agentPlugin = node.plugins.find((plugin) => plugin.executor === HOST_AGENT);
    if (agentPlugin) {
      throw ctx.errors.error(
        24,
        `node '${node.name}' has no relationship which makes it contained within a host and it has a plugin '${agentPlugin.name}' ` +
          `with '${HOST_AGENT}' as an executor. These types of plugins must be installed on a host`,
        child(templatesWhere, templates, node.name),
      );
    }
  }
}

/** Union of the nodes' deployment plugins, one per name. */
export function deploymentPlugins(nodes: readonly PlanNode[]): PlanPlugin[] {
  return byName(
    nodes.flatMap((node) => node.deployment_plugins_to_install),
    CENTRAL_DEPLOYMENT_AGENT,
  );
}
