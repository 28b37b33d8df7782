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

const FUNCTION_NAME_SET: ReadonlySet<string> = new Set(FUNCTION_NAMES);

/** The only own key of `value`, or undefined when it has none or several. */
function soleKey(value: JsonMap): string | undefined {
  let found: string | undefined;
  // for-in with an own-key filter instead of Object.keys: no array per map (this runs on every map of a plan).
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}

/** A map with exactly one key that names a function. */
export function isFunction(value: unknown): value is JsonMap {
  if (!isMap(value)) return false;
  const key = soleKey(value);
  return key !== undefined && FUNCTION_NAME_SET.has(key);
}

/** Name and arguments of a value {@link isFunction} accepted. */
function functionParts(value: JsonMap): { name: FunctionName; args: Json } {
  const name = soleKey(value) ?? 'get_input';
  return { name: name as FunctionName, args: value[name] ?? null };
}

/** Whether `value` contains a call of one of `names` anywhere inside it. */
export function containsFunction(value: Json, names: readonly FunctionName[] = FUNCTION_NAMES): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsFunction(item, names)) return true;
    return false;
  }
  if (isFunction(value) && names.includes(functionParts(value).name)) return true;
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && containsFunction(value[key] ?? null, names)) return true;
  }
  return false;
}

/** Functions a deployment plan keeps for runtime (an operation holding one is marked). */
const RUNTIME_FUNCTIONS: readonly FunctionName[] = ['get_attribute', 'concat'];

function isEmptyMap(value: unknown): boolean {
  if (!isMap(value)) return false;
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return false;
  return true;
}

/** Where a value sits, which decides what SELF/SOURCE/TARGET mean. */
export type FunctionScope =
  | { kind: 'node'; node: string }
  | { kind: 'relationship'; source: string; target: string }
  | { kind: 'outputs' }
  | { kind: 'policy' };

/**
 * One evaluated location of a plan: `holder[key]`, at `path` from the blueprint root. The walk
 * reuses one site object and one path array (valid only during the callback; copy to keep) because
 * a 200-node plan has thousands of sites and almost never an error to describe.
 */
interface Site {
  scope: FunctionScope;
  path: (string | number)[];
  holder: Record<string, unknown>;
  key: string;
  operation: PlanOperation | undefined;
}

function siteValue(site: Site): Json {
  return (site.holder[site.key] ?? null) as Json;
}

/**
 * Calls `visit` for every evaluated location of `plan`, in Cloudify's order. `site.path` is the
 * walk's stack: a visitor may push onto it but must pop what it pushed. Operations without inputs
 * (most of them) are skipped: there is nothing to check or evaluate in an empty map.
 */
function forEachSite(plan: Plan | DeploymentPlan, visit: (site: Site) => void): void {
  const path: (string | number)[] = [];
  const site: Site = { scope: { kind: 'outputs' }, path, holder: {}, key: '', operation: undefined };
  const at = (scope: FunctionScope, holder: object, key: string, operation: PlanOperation | undefined): void => {
    site.scope = scope;
    site.holder = holder as Record<string, unknown>;
    site.key = key;
    site.operation = operation;
    visit(site);
  };
  const operations = (scope: FunctionScope, section: string, ops: Record<string, PlanOperation>): void => {
    path.push(section, '', 'inputs');
    for (const name of Object.keys(ops)) {
      const operation = ops[name];
      if (!operation || isEmptyMap(operation.inputs)) continue;
      path[path.length - 2] = name;
      at(scope, operation, 'inputs', operation);
    }
    path.length -= 3;
  };
  for (const node of plan.nodes) {
    path.length = 0;
    path.push('node_templates', node.name, 'properties');
    const scope: FunctionScope = { kind: 'node', node: node.name };
    at(scope, node, 'properties', undefined);
    path.pop();
    path.push('capabilities', 'scalable', 'properties');
    at(scope, node.capabilities.scalable, 'properties', undefined);
    path.length -= 3;
    operations(scope, 'operations', node.operations);
    node.relationships.forEach((relationship, index) => {
      const relScope: FunctionScope = { kind: 'relationship', source: node.name, target: relationship.target_id };
      path.push('relationships', index);
      operations(relScope, 'source_operations', relationship.source_operations);
      operations(relScope, 'target_operations', relationship.target_operations);
      path.length -= 2;
    });
  }
  const named = (kind: string, name: string, key: string, scope: FunctionScope, holder: object): void => {
    path.length = 0;
    path.push(kind, name, key);
    at(scope, holder, key, undefined);
  };
  for (const [name, output] of Object.entries(plan.outputs)) named('outputs', name, 'value', { kind: 'outputs' }, output);
  for (const [name, holder] of Object.entries(plan.policies)) named('policies', name, 'properties', { kind: 'policy' }, holder);
  for (const [name, holder] of Object.entries(plan.scaling_groups)) named('scaling_groups', name, 'properties', { kind: 'policy' }, holder);
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

  // `path` is the site walk's stack; messages and errors copy it only when they are made.
  let path: (string | number)[] = [];
  const fail = (code: number, message: string, fn: JsonMap) => errors.error(code, message, { container: fn, path: [...path] });
  const whereText = (): string => path.join('.');

  const resolveNode = (fn: JsonMap, name: FunctionName, ref: Json, scope: FunctionScope): string => {
    if (ref === SELF) {
      if (scope.kind !== 'node') {
        if (name === 'get_attribute') throw fail(UNCODED_ERROR, `${SELF} cannot be used with ${name} function in ${whereText()}.`, fn);
        throw fail(UNCODED_ERROR, `${SELF} can only be used in a context of node template but appears in ${scopeName(scope)}.`, fn);
      }
      return scope.node;
    }
    if (ref === SOURCE || ref === TARGET) {
      if (scope.kind !== 'relationship') {
        if (name === 'get_attribute') throw fail(UNCODED_ERROR, `${ref} cannot be used with ${name} function in ${whereText()}.`, fn);
        throw fail(UNCODED_ERROR, `${ref} can only be used within a relationship but is used in ${whereText()}`, fn);
      }
      return ref === SOURCE ? scope.source : scope.target;
    }
    if (typeof ref !== 'string' || !nodes.has(ref)) {
      throw fail(UNCODED_ERROR, `${name} function node reference '${pyStr(ref)}' does not exist.`, fn);
    }
    return ref;
  };

  const visit = (value: Json, scope: FunctionScope): void => {
    if (value === null || typeof value !== 'object') return;
    if (isFunction(value)) {
      const { name, args } = functionParts(value);
      switch (name) {
        case 'get_input':
          if (typeof args !== 'string') {
            throw fail(UNCODED_ERROR, `get_input function argument should be a string in ${whereText()} but is '${pyStr(args)}'.`, value);
          }
          if (!Object.prototype.hasOwnProperty.call(plan.inputs, args)) {
            throw fail(UNCODED_ERROR, `${whereText()} get_input function references an unknown input '${args}'.`, value);
          }
          return;
        case 'get_property': {
          const parsed = propertyArgs(args);
          if (!parsed) {
            throw fail(
              UNCODED_ERROR,
              `Illegal arguments passed to get_property function. Expected: <node_name, property_name [, nested-property-1, ... ]> but got: ${pyStr(args)}.`,
              value,
            );
          }
          const node = resolveNode(value, name, parsed.node, scope);
          const target = nodes.get(node);
          const walked = walkProperties(target?.properties ?? {}, parsed.path);
          if (!walked.found) throw fail(UNCODED_ERROR, missingPropertyMessage(node, parsed.path, whereText(), walked.reason), value);
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
            );
          }
          if (scope.kind === 'outputs' && [SELF, SOURCE, TARGET].includes(String(parsed.node))) {
            throw fail(UNCODED_ERROR, `${String(parsed.node)} cannot be used with get_attribute function in ${whereText()}.`, value);
          }
          resolveNode(value, name, parsed.node, scope);
          return;
        }
        case 'concat':
          if (!Array.isArray(args)) {
            throw fail(UNCODED_ERROR, `Illegal arguments passed to concat function. Expected: [arg1, arg2, ...]but got: ${pyStr(args)}.`, value);
          }
          if (!versionAtLeast(version, [1, 1])) {
            throw fail(102, `concat not supported in version ${version.raw}, it was added in cloudify_dsl_1_1`, value);
          }
          if (scope.kind === 'policy') throw fail(UNCODED_ERROR, `concat cannot be used in ${whereText()}.`, value);
          path.push('concat', 0);
          for (let index = 0; index < args.length; index += 1) {
            path[path.length - 1] = index;
            visit(args[index] ?? null, scope);
          }
          path.length -= 2;
          return;
      }
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        path.push(index);
        visit(value[index] ?? null, scope);
        path.pop();
      }
    } else {
      for (const key of Object.keys(value)) {
        path.push(key);
        visit(value[key] ?? null, scope);
        path.pop();
      }
    }
  };

  forEachSite(plan, (site) => {
    path = site.path;
    visit(siteValue(site), site.scope);
  });
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
  forEachSite(plan, (site) => {
    const value = evaluator.evaluate(siteValue(site), site.scope, site.path);
    site.holder[site.key] = value;
    if (site.operation && containsFunction(value, RUNTIME_FUNCTIONS)) site.operation.has_intrinsic_functions = true;
  });
}

/** The dotted place named in evaluation errors; joined only when an error is raised. */
type WherePath = readonly (string | number)[];

class Evaluator {
  private readonly nodes: Map<string, PlanNode>;
  private readonly inProgress: string[] = [];
  private readonly resolved = new Map<string, Json>();

  constructor(private readonly plan: DeploymentPlan) {
    this.nodes = new Map(plan.nodes.map((node) => [node.name, node]));
  }

  /**
   * The value with its functions evaluated. Copy-on-write: a list or map without functions inside
   * is returned as is (the deployment plan is already a private copy, and values are never
   * mutated in place), so only the containers on the way to a function are rebuilt.
   */
  evaluate(value: Json, scope: FunctionScope, where: WherePath): Json {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let result: Json[] | undefined;
      for (let index = 0; index < value.length; index += 1) {
        const item = value[index] ?? null;
        const evaluated = this.evaluate(item, scope, where);
        if (result) result.push(evaluated);
        else if (evaluated !== item) {
          result = value.slice(0, index);
          result.push(evaluated);
        }
      }
      return result ?? value;
    }
    if (isFunction(value)) return this.call(value, scope, where);
    let result: JsonMap | undefined;
    const keys = Object.keys(value);
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as string;
      const item = value[key] ?? null;
      const evaluated = this.evaluate(item, scope, where);
      if (result) result[key] = evaluated;
      else if (evaluated !== item) {
        result = {};
        for (let before = 0; before < index; before += 1) {
          const earlier = keys[before] as string;
          result[earlier] = value[earlier] ?? null;
        }
        result[key] = evaluated;
      }
    }
    return result ?? value;
  }

  private call(fn: JsonMap, scope: FunctionScope, where: WherePath): Json {
    const { name, args } = functionParts(fn);
    switch (name) {
      case 'get_attribute':
        return fn;
      case 'get_input': {
        const inputName = isFunction(args) ? this.evaluate(args, scope, where) : args;
        if (typeof inputName !== 'string' || !Object.prototype.hasOwnProperty.call(this.plan.inputs, inputName)) {
          throw new FunctionEvaluationError(`${where.join('.')} get_input function references an unknown input '${pyStr(inputName)}'.`);
        }
        return clone(this.plan.inputs[inputName] ?? null);
      }
      case 'get_property': {
        const evaluatedArgs = Array.isArray(args) ? args.map((item) => (isFunction(item) ? this.evaluate(item, scope, where) : item)) : args;
        const parsed = propertyArgs(evaluatedArgs);
        if (!parsed) throw new FunctionEvaluationError(`Illegal arguments passed to get_property function in ${where.join('.')}: ${pyRepr(args)}.`);
        return this.property(this.nodeRef(parsed.node, scope, where), parsed.path, where);
      }
      case 'concat': {
        if (!Array.isArray(args)) throw new FunctionEvaluationError(`Illegal arguments passed to concat function in ${where.join('.')}: ${pyRepr(args)}.`);
        const parts = args.map((item) => this.evaluate(item, scope, where));
        if (parts.some((part) => containsFunction(part))) return { concat: parts };
        return parts.map((part) => pyStr(part)).join('');
      }
    }
  }

  private nodeRef(ref: Json, scope: FunctionScope, where: WherePath): string {
    if (ref === SELF && scope.kind === 'node') return scope.node;
    if (ref === SOURCE && scope.kind === 'relationship') return scope.source;
    if (ref === TARGET && scope.kind === 'relationship') return scope.target;
    if (typeof ref === 'string' && this.nodes.has(ref)) return ref;
    throw new FunctionEvaluationError(`get_property function node reference '${pyStr(ref)}' does not exist (in ${where.join('.')}).`);
  }

  /** The evaluated value at `path` of a node's properties; functions met on the way are evaluated first. */
  private property(node: string, path: readonly Json[], where: WherePath): Json {
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
        if (!walked.found) throw new FunctionEvaluationError(missingPropertyMessage(node, path.slice(0, index + 1), where.join('.'), walked.reason));
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
