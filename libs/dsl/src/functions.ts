import { FunctionEvaluationError, UNCODED_ERROR } from './errors';
import { clone, isMap, type Json, type JsonMap, pyRepr, pyStr } from './json';
import { type DeploymentPlan, type Plan, type PlanNode, type PlanOperation } from './plan-types';
import { type ErrorFactory } from './source-map';
import { type DslVersion, versionAtLeast } from './version';

/** The intrinsic functions of DSL 1_0–1_3 (dsl.md §7). */
export const FUNCTION_NAMES = ['get_input', 'get_property', 'get_attribute', 'concat'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

const SELF = 'SELF';
const SOURCE = 'SOURCE';
const TARGET = 'TARGET';

/** A map with exactly one key that names a function. */
export function isFunction(value: unknown): value is JsonMap {
  if (!isMap(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (FUNCTION_NAMES as readonly string[]).includes(keys[0] ?? '');
}

function functionParts(value: JsonMap): { name: FunctionName; args: Json } {
  const [name = 'get_input', args = null] = Object.entries(value)[0] ?? [];
  return { name: name as FunctionName, args };
}

/** Whether `value` contains a call of one of `names` anywhere inside it. */
export function containsFunction(value: Json, names: readonly FunctionName[] = FUNCTION_NAMES): boolean {
  if (isFunction(value) && names.includes(functionParts(value).name)) return true;
  if (Array.isArray(value)) return value.some((item) => containsFunction(item, names));
  if (isMap(value)) return Object.values(value).some((item) => containsFunction(item, names));
  return false;
}

/** Where a value sits, which decides what SELF/SOURCE/TARGET mean. */
export type FunctionScope =
  | { kind: 'node'; node: string }
  | { kind: 'relationship'; source: string; target: string }
  | { kind: 'outputs' }
  | { kind: 'policy' };

/**
 * One evaluated location of a plan: `holder[key]`. Plain data rather than getter/setter closures
 * because a 200-node plan has thousands of sites.
 */
interface Site {
  scope: FunctionScope;
  path: (string | number)[];
  holder: Record<string, unknown>;
  key: string;
  operation?: PlanOperation;
}

function siteValue(site: Site): Json {
  return (site.holder[site.key] ?? null) as Json;
}

function sitesOf(plan: Plan | DeploymentPlan): Site[] {
  const sites: Site[] = [];
  for (const node of plan.nodes) {
    const base = ['node_templates', node.name];
    const scope: FunctionScope = { kind: 'node', node: node.name };
    sites.push({ scope, path: [...base, 'properties'], holder: node as unknown as Record<string, unknown>, key: 'properties' });
    sites.push({
      scope,
      path: [...base, 'capabilities', 'scalable', 'properties'],
      holder: node.capabilities.scalable as unknown as Record<string, unknown>,
      key: 'properties',
    });
    for (const [name, operation] of Object.entries(node.operations)) sites.push(operationSite(operation, scope, [...base, 'operations', name]));
    node.relationships.forEach((relationship, index) => {
      const relScope: FunctionScope = { kind: 'relationship', source: node.name, target: relationship.target_id };
      const relBase = [...base, 'relationships', index];
      for (const [name, operation] of Object.entries(relationship.source_operations)) {
        sites.push(operationSite(operation, relScope, [...relBase, 'source_operations', name]));
      }
      for (const [name, operation] of Object.entries(relationship.target_operations)) {
        sites.push(operationSite(operation, relScope, [...relBase, 'target_operations', name]));
      }
    });
  }
  for (const [name, output] of Object.entries(plan.outputs)) {
    sites.push({ scope: { kind: 'outputs' }, path: ['outputs', name, 'value'], holder: output, key: 'value' });
  }
  for (const [kind, holders] of [
    ['policies', plan.policies],
    ['scaling_groups', plan.scaling_groups],
  ] as const) {
    for (const [name, holder] of Object.entries(holders)) {
      sites.push({ scope: { kind: 'policy' }, path: [kind, name, 'properties'], holder: holder as unknown as Record<string, unknown>, key: 'properties' });
    }
  }
  return sites;
}

function operationSite(operation: PlanOperation, scope: FunctionScope, path: (string | number)[]): Site {
  return { scope, path: [...path, 'inputs'], holder: operation as unknown as Record<string, unknown>, key: 'inputs', operation };
}

function scopeName(scope: FunctionScope): string {
  switch (scope.kind) {
    case 'node':
      return 'node_template';
    case 'relationship':
      return 'node_template_relationship';
    case 'outputs':
      return 'outputs';
    case 'policy':
      return 'policies';
  }
}

/** A get_property reference found while validating, for the cycle check. */
interface PropertyRef {
  node: string;
  path: Json[];
}

/** `[node, key, key-or-index, …]` of get_property/get_attribute, or null for a wrong shape. */
function propertyArgs(args: Json): { node: Json; path: Json[] } | null {
  if (!Array.isArray(args) || args.length < 2) return null;
  const [node = null, ...path] = args;
  return { node, path };
}

/** Walks a property path; returns `found: false` for a missing key/index, stops (found) at a function value. */
function walkProperties(properties: Json, path: readonly Json[]): { found: boolean; value: Json; reason?: string } {
  let value: Json = properties;
  for (const [index, key] of path.entries()) {
    if (isFunction(value)) return { found: true, value: [value, ...path.slice(index)] };
    if (isMap(value)) {
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(value, key)) return { found: false, value: null };
      value = value[key] ?? null;
    } else if (Array.isArray(value)) {
      if (typeof key !== 'number' || !Number.isInteger(key)) {
        return { found: false, value: null, reason: `is expected ${pyStr(key)} to be an int but it is a ${typeof key === 'string' ? 'str' : typeof key}` };
      }
      if (key < 0 || key >= value.length) {
        return { found: false, value: null, reason: `index is out of range. Got ${key} but list size is ${value.length}` };
      }
      value = value[key] ?? null;
    } else {
      return { found: false, value: null };
    }
  }
  return { found: true, value };
}

function missingPropertyMessage(node: string, path: readonly Json[], from: string, reason?: string): string {
  const dotted = path.map((item) => pyStr(item)).join('.');
  return reason
    ? `Node template property '${node}.properties.${dotted}' referenced from '${from}' ${reason}.`
    : `Node template property '${node}.properties.${dotted}' referenced from '${from}' doesn't exist.`;
}

/**
 * Upload-time checks of intrinsic functions (dsl.md §7): argument shapes, `get_input` names,
 * `get_property`/`get_attribute` targets and paths, SELF/SOURCE/TARGET placement, `concat`
 * version (102) and circular `get_property` chains. All but the version gate are uncoded (0).
 */
export function validateFunctions(plan: Plan, errors: ErrorFactory, version: DslVersion): void {
  const nodes = new Map(plan.nodes.map((node) => [node.name, node]));
  const refs: PropertyRef[] = [];

  const fail = (code: number, message: string, fn: JsonMap, path: (string | number)[]) =>
    errors.error(code, message, { container: fn, path });

  const resolveNode = (fn: JsonMap, name: FunctionName, ref: Json, scope: FunctionScope, path: (string | number)[]): string => {
    const where = path.join('.');
    if (ref === SELF) {
      if (scope.kind !== 'node') {
        if (name === 'get_attribute') throw fail(UNCODED_ERROR, `${SELF} cannot be used with ${name} function in ${where}.`, fn, path);
        throw fail(UNCODED_ERROR, `${SELF} can only be used in a context of node template but appears in ${scopeName(scope)}.`, fn, path);
      }
      return scope.node;
    }
    if (ref === SOURCE || ref === TARGET) {
      if (scope.kind !== 'relationship') {
        if (name === 'get_attribute') throw fail(UNCODED_ERROR, `${ref} cannot be used with ${name} function in ${where}.`, fn, path);
        throw fail(UNCODED_ERROR, `${ref} can only be used within a relationship but is used in ${where}`, fn, path);
      }
      return ref === SOURCE ? scope.source : scope.target;
    }
    if (typeof ref !== 'string' || !nodes.has(ref)) {
      throw fail(UNCODED_ERROR, `${name} function node reference '${pyStr(ref)}' does not exist.`, fn, path);
    }
    return ref;
  };

  const visit = (value: Json, scope: FunctionScope, path: (string | number)[]): void => {
    if (isFunction(value)) {
      const { name, args } = functionParts(value);
      const where = path.join('.');
      switch (name) {
        case 'get_input':
          if (typeof args !== 'string') {
            throw fail(UNCODED_ERROR, `get_input function argument should be a string in ${where} but is '${pyStr(args)}'.`, value, path);
          }
          if (!Object.prototype.hasOwnProperty.call(plan.inputs, args)) {
            throw fail(UNCODED_ERROR, `${where} get_input function references an unknown input '${args}'.`, value, path);
          }
          return;
        case 'get_property': {
          const parsed = propertyArgs(args);
          if (!parsed) {
            throw fail(
              UNCODED_ERROR,
              `Illegal arguments passed to get_property function. Expected: <node_name, property_name [, nested-property-1, ... ]> but got: ${pyStr(args)}.`,
              value,
              path,
            );
          }
          const node = resolveNode(value, name, parsed.node, scope, path);
          const target = nodes.get(node);
          const walked = walkProperties(target?.properties ?? {}, parsed.path);
          if (!walked.found) throw fail(UNCODED_ERROR, missingPropertyMessage(node, parsed.path, where, walked.reason), value, path);
          refs.push({ node, path: parsed.path });
          return;
        }
        case 'get_attribute': {
          const parsed = propertyArgs(args);
          if (!parsed) {
            throw fail(
              UNCODED_ERROR,
              `Illegal arguments passed to get_attribute function. Expected: <node_name, attribute_name [, nested-attr-1, ...]>but got: ${pyStr(args)}.`,
              value,
              path,
            );
          }
          if (scope.kind === 'outputs' && [SELF, SOURCE, TARGET].includes(String(parsed.node))) {
            throw fail(UNCODED_ERROR, `${String(parsed.node)} cannot be used with get_attribute function in ${where}.`, value, path);
          }
          resolveNode(value, name, parsed.node, scope, path);
          return;
        }
        case 'concat':
          if (!Array.isArray(args)) {
            throw fail(UNCODED_ERROR, `Illegal arguments passed to concat function. Expected: [arg1, arg2, ...]but got: ${pyStr(args)}.`, value, path);
          }
          if (!versionAtLeast(version, [1, 1])) {
            throw fail(102, `concat not supported in version ${version.raw}, it was added in cloudify_dsl_1_1`, value, path);
          }
          if (scope.kind === 'policy') throw fail(UNCODED_ERROR, `concat cannot be used in ${where}.`, value, path);
          args.forEach((item, index) => visit(item, scope, [...path, 'concat', index]));
          return;
      }
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, scope, [...path, index]));
    else if (isMap(value)) for (const [key, item] of Object.entries(value)) visit(item, scope, [...path, key]);
  };

  for (const site of sitesOf(plan)) visit(siteValue(site), site.scope, site.path);
  checkPropertyCycles(refs, nodes, errors);
}

function refId(ref: PropertyRef): string {
  return `${ref.node}.${ref.path.map((item) => pyStr(item)).join(',')}`;
}

/** References made by a value owned by `node` (SELF = that node). */
function refsIn(value: Json, node: string, nodes: ReadonlyMap<string, PlanNode>): PropertyRef[] {
  const found: PropertyRef[] = [];
  const scan = (item: Json): void => {
    if (isFunction(item)) {
      const { name, args } = functionParts(item);
      if (name === 'get_property') {
        const parsed = propertyArgs(args);
        if (parsed) {
          const target = parsed.node === SELF ? node : parsed.node;
          if (typeof target === 'string' && nodes.has(target)) found.push({ node: target, path: parsed.path });
        }
        return;
      }
      scan(args);
      return;
    }
    if (Array.isArray(item)) item.forEach(scan);
    else if (isMap(item)) Object.values(item).forEach(scan);
  };
  scan(value);
  return found;
}

function checkPropertyCycles(refs: readonly PropertyRef[], nodes: ReadonlyMap<string, PlanNode>, errors: ErrorFactory): void {
  const done = new Set<string>();
  const visit = (ref: PropertyRef, chain: string[]): void => {
    const id = refId(ref);
    if (chain.includes(id)) {
      throw errors.error(UNCODED_ERROR, `Circular get_property function call detected: ${[...chain, id].join(' -> ')}`, {
        path: ['node_templates', ref.node, 'properties'],
      });
    }
    if (done.has(id)) return;
    const walked = walkProperties(nodes.get(ref.node)?.properties ?? {}, ref.path);
    for (const next of refsIn(walked.value, ref.node, nodes)) visit(next, [...chain, id]);
    done.add(id);
  };
  for (const ref of refs) visit(ref, []);
}

/**
 * Deployment-time evaluation (dsl.md §9 step 2): replaces `get_input`, `get_property` and `concat`
 * in the evaluated locations of `plan` (mutated in place), keeps `get_attribute` (and `concat`
 * over it) raw, and marks operations that keep one with `has_intrinsic_functions: true`.
 */
export function evaluateDeploymentFunctions(plan: DeploymentPlan): void {
  const evaluator = new Evaluator(plan);
  for (const site of sitesOf(plan)) {
    const value = evaluator.evaluate(siteValue(site), site.scope, site.path.join('.'));
    site.holder[site.key] = value;
    if (site.operation && containsFunction(value, ['get_attribute', 'concat'])) site.operation.has_intrinsic_functions = true;
  }
}

class Evaluator {
  private readonly nodes: Map<string, PlanNode>;
  private readonly inProgress: string[] = [];
  private readonly resolved = new Map<string, Json>();

  constructor(private readonly plan: DeploymentPlan) {
    this.nodes = new Map(plan.nodes.map((node) => [node.name, node]));
  }

  evaluate(value: Json, scope: FunctionScope, where: string): Json {
    if (isFunction(value)) return this.call(value, scope, where);
    if (Array.isArray(value)) return value.map((item) => this.evaluate(item, scope, where));
    if (isMap(value)) {
      const result: JsonMap = {};
      for (const [key, item] of Object.entries(value)) result[key] = this.evaluate(item, scope, where);
      return result;
    }
    return value;
  }

  private call(fn: JsonMap, scope: FunctionScope, where: string): Json {
    const { name, args } = functionParts(fn);
    switch (name) {
      case 'get_attribute':
        return fn;
      case 'get_input': {
        const inputName = isFunction(args) ? this.evaluate(args, scope, where) : args;
        if (typeof inputName !== 'string' || !Object.prototype.hasOwnProperty.call(this.plan.inputs, inputName)) {
          throw new FunctionEvaluationError(`${where} get_input function references an unknown input '${pyStr(inputName)}'.`);
        }
        return clone(this.plan.inputs[inputName] ?? null);
      }
      case 'get_property': {
        const evaluatedArgs = Array.isArray(args) ? args.map((item) => (isFunction(item) ? this.evaluate(item, scope, where) : item)) : args;
        const parsed = propertyArgs(evaluatedArgs);
        if (!parsed) throw new FunctionEvaluationError(`Illegal arguments passed to get_property function in ${where}: ${pyRepr(args)}.`);
        return this.property(this.nodeRef(parsed.node, scope, where), parsed.path, where);
      }
      case 'concat': {
        if (!Array.isArray(args)) throw new FunctionEvaluationError(`Illegal arguments passed to concat function in ${where}: ${pyRepr(args)}.`);
        const parts = args.map((item) => this.evaluate(item, scope, where));
        if (parts.some((part) => containsFunction(part))) return { concat: parts };
        return parts.map((part) => pyStr(part)).join('');
      }
    }
  }

  private nodeRef(ref: Json, scope: FunctionScope, where: string): string {
    if (ref === SELF && scope.kind === 'node') return scope.node;
    if (ref === SOURCE && scope.kind === 'relationship') return scope.source;
    if (ref === TARGET && scope.kind === 'relationship') return scope.target;
    if (typeof ref === 'string' && this.nodes.has(ref)) return ref;
    throw new FunctionEvaluationError(`get_property function node reference '${pyStr(ref)}' does not exist (in ${where}).`);
  }

  /** The evaluated value at `path` of a node's properties; functions met on the way are evaluated first. */
  private property(node: string, path: readonly Json[], where: string): Json {
    const id = `${node}.${path.map((item) => pyStr(item)).join(',')}`;
    const cached = this.resolved.get(id);
    if (cached !== undefined) return clone(cached);
    if (this.inProgress.includes(id)) {
      throw new FunctionEvaluationError(`Circular get_property function call detected: ${[...this.inProgress, id].join(' -> ')}`);
    }
    this.inProgress.push(id);
    try {
      const scope: FunctionScope = { kind: 'node', node };
      let value: Json = this.nodes.get(node)?.properties ?? {};
      for (const [index, key] of path.entries()) {
        if (isFunction(value)) value = this.evaluate(value, scope, where);
        const walked = walkProperties(value, [key]);
        if (!walked.found) throw new FunctionEvaluationError(missingPropertyMessage(node, path.slice(0, index + 1), where, walked.reason));
        value = walked.value;
      }
      const result = this.evaluate(value, scope, where);
      this.resolved.set(id, result);
      return clone(result);
    } finally {
      this.inProgress.pop();
    }
  }
}
