import { isMap, type JsonMap } from './json';
import { type ErrorFactory } from './source-map';

/** The first cycle found by a depth-first walk in declaration order, as `[a, b, …, a]`. */
export function findCycle(order: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    state.set(name, 'active');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      if (!edges.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'active') return [...stack.slice(stack.indexOf(next)), next];
      if (seen === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of order) {
    if (state.has(name)) continue;
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

function sectionOf(blueprint: JsonMap, key: string): JsonMap {
  const value = blueprint[key];
  return isMap(value) ? value : {};
}

function stringField(value: unknown, key: string): string | undefined {
  if (!isMap(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * Rejects circular definitions before anything else is parsed, as Cloudify's element graph does
 * (100 `Parsing failed. Circular dependency detected: a --> b --> a`): data types (derivation and
 * property types), node types, relationship types, and relationships between node templates.
 * Tolerates malformed input; the schema checks report that.
 */
export function checkCycles(blueprint: JsonMap, errors: ErrorFactory): void {
  const graphs: [string, Map<string, string[]>][] = [];

  const dataTypes = sectionOf(blueprint, 'data_types');
  const dataEdges = new Map<string, string[]>();
  for (const [name, definition] of Object.entries(dataTypes)) {
    const targets: string[] = [];
    const parent = stringField(definition, 'derived_from');
    if (parent !== undefined) targets.push(parent);
    const properties = isMap(definition) ? definition['properties'] : undefined;
    if (isMap(properties)) {
      for (const entry of Object.values(properties)) {
        const type = stringField(entry, 'type');
        if (type !== undefined) targets.push(type);
      }
    }
    dataEdges.set(name, targets);
  }
  graphs.push(['data_types', dataEdges]);

  for (const key of ['node_types', 'relationships']) {
    const edges = new Map<string, string[]>();
    for (const [name, definition] of Object.entries(sectionOf(blueprint, key))) {
      const parent = stringField(definition, 'derived_from');
      edges.set(name, parent === undefined ? [] : [parent]);
    }
    graphs.push([key, edges]);
  }

  const templateEdges = new Map<string, string[]>();
  for (const [name, template] of Object.entries(sectionOf(blueprint, 'node_templates'))) {
    const relationships = isMap(template) ? template['relationships'] : undefined;
    const targets = Array.isArray(relationships)
      ? relationships.map((relationship) => stringField(relationship, 'target')).filter((target): target is string => target !== undefined && target !== name)
      : [];
    templateEdges.set(name, targets);
  }
  graphs.push(['node_templates', templateEdges]);

  for (const [key, edges] of graphs) {
    const cycle = findCycle([...edges.keys()], edges);
    if (cycle) {
      const section = sectionOf(blueprint, key);
      throw errors.error(100, `Parsing failed. Circular dependency detected: ${cycle.join(' --> ')}`, {
        container: section,
        key: cycle[0],
        path: [key, cycle[0] ?? ''],
      });
    }
  }
}
