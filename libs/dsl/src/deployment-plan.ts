import { internal } from './context';
import { DSLParsingError, MissingRequiredInputError, UnknownInputError } from './errors';
import { evaluateDeploymentFunctions } from './functions';
import { type IdGenerator, randomIdGenerator } from './ids';
import { planNodeInstances } from './instances';
import { clone, hasKey, isMap, type Json, type JsonMap, pyRepr } from './json';
import { type DeploymentPlan, type Plan } from './plan-types';

/** Options of {@link prepareDeploymentPlan}. */
export interface PrepareDeploymentPlanOptions {
  /** Random part of instance ids; default {@link randomIdGenerator}. Inject a deterministic one in tests. */
  idGenerator?: IdGenerator;
}

const PLAN_SECTIONS = ['version', 'inputs', 'outputs', 'nodes', 'relationships', 'workflows', 'groups', 'scaling_groups', 'policies'] as const;

/**
 * Turns a plan plus deployment inputs into a deployment plan (dsl.md §9–10): input values
 * (defaults filled in), `get_input`/`get_property`/`concat` evaluated in the evaluated locations,
 * and `node_instances` generated. The given plan is not modified.
 *
 * @throws {MissingRequiredInputError} inputs without a value or non-null default.
 * @throws {UnknownInputError} inputs the blueprint does not declare.
 * @throws {DSLParsingError} 108 for a non-ASCII input value; 101 when `plan` is not a parsed plan.
 * @throws {FunctionEvaluationError} / {UnsupportedTopologyError} for plans that cannot be instantiated.
 * @example
 * const deployment = prepareDeploymentPlan(plan, { host_ip: '10.0.0.5' }, { idGenerator: sequentialIdGenerator() });
 * deployment.node_instances // [{ id: 'vm_000001', name: 'vm', node_id: 'vm', host_id: 'vm_000001', relationships: [] }, …]
 */
export function prepareDeploymentPlan(plan: Plan, inputs: Readonly<Record<string, unknown>> = {}, options: PrepareDeploymentPlanOptions = {}): DeploymentPlan {
  const raw = plan as unknown;
  if (!isMap(raw)) throw internal('the deployment plan was prepared from a value that is not a parsed plan');
  for (const key of PLAN_SECTIONS) {
    if (!hasKey(raw, key)) throw internal(`the plan has no '${key}' section; parse the blueprint first`);
  }
  const values = inputValues(plan, inputs);
  const deployment = clone(raw) as unknown as DeploymentPlan;
  deployment.inputs = values;
  evaluateDeploymentFunctions(deployment);
  deployment.node_instances = planNodeInstances(deployment, options.idGenerator ?? randomIdGenerator);
  return deployment;
}

/** A supplied input as JSON; anything else (undefined, functions, NaN) is rejected with code 1. */
function toJson(value: unknown, name: string): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((item) => toJson(item, name));
  if (isMap(value)) {
    const result: JsonMap = {};
    for (const [key, item] of Object.entries(value)) result[key] = toJson(item, name);
    return result;
  }
  throw new DSLParsingError(1, `Input '${name}' must be a JSON value`, { path: `inputs.${name}` });
}

function findNonAscii(value: Json): string | undefined {
  const check = (text: string): boolean => [...text].some((char) => char.charCodeAt(0) > 0x7f);
  if (typeof value === 'string') return check(value) ? value : undefined;
  if (Array.isArray(value)) return value.map(findNonAscii).find((found) => found !== undefined);
  if (isMap(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (check(key)) return key;
      const found = findNonAscii(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function inputValues(plan: Plan, supplied: Readonly<Record<string, unknown>>): JsonMap {
  if (!isMap(supplied as unknown)) throw new DSLParsingError(1, 'Deployment inputs must be a dict', { path: 'inputs' });
  const declared = Object.keys(plan.inputs);
  const values: JsonMap = {};
  const missing: string[] = [];
  for (const [name, definition] of Object.entries(plan.inputs)) {
    if (hasKey(supplied as JsonMap, name)) {
      const value = toJson(supplied[name], name);
      const nonAscii = findNonAscii(value);
      if (nonAscii !== undefined) {
        throw new DSLParsingError(108, `Illegal characters in input: ${name}. Only valid ascii chars are supported.`, { path: `inputs.${name}` });
      }
      values[name] = value;
    } else if (isMap(definition) && definition['default'] !== undefined && definition['default'] !== null) {
      values[name] = clone(definition['default']);
    } else {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new MissingRequiredInputError(missing, `Required inputs ${pyRepr(missing)} were not specified - expected inputs: ${pyRepr(declared)}`);
  }
  const unknown = Object.keys(supplied).filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new UnknownInputError(unknown, `Unknown inputs ${pyRepr(unknown)} specified - expected inputs: ${pyRepr(declared)}`);
  }
  return values;
}
