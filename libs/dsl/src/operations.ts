import { internal, type ParseContext } from './context';
import { isFunction } from './functions';
import { clone, hasKey, isInteger, isMap, type Json, type JsonMap, pyStr } from './json';
import { planCopy } from './plan-copy';
import { type PlanInterfaceOperation, type PlanOperation, type PlanPlugin } from './plan-types';
import { PRIMITIVE_TYPES } from './properties';
import { type Where } from './source-map';

export const SCRIPT_PLUGIN = 'script';
export const SCRIPT_PATH = 'script_path';
const SCRIPT_RUN_TASK = 'script_runner.tasks.run';
const SCRIPT_WORKFLOW_TASK = 'script_runner.tasks.execute_workflow';

/** An operation definition with where it came from (for errors). `inputs` is a schema on types, values on templates. */
export interface OperationDef extends PlanInterfaceOperation {
  where: Where;
}

export type InterfacesDef = Record<string, Record<string, OperationDef>>;

const NO_OP_FIELDS: PlanInterfaceOperation = { implementation: '', inputs: {}, executor: null, max_retries: null, retry_interval: null };

export function isNoOp(op: PlanInterfaceOperation): boolean {
  return (
    op.implementation === '' &&
    Object.keys(op.inputs).length === 0 &&
    op.executor === null &&
    op.max_retries === null &&
    op.retry_interval === null
  );
}

/** Normalises a short (`<implementation>`) or long (`{implementation?, inputs?, …}`) operation. */
export function readOperation(raw: Json, where: Where): OperationDef {
  if (typeof raw === 'string') return { ...NO_OP_FIELDS, implementation: raw, inputs: {}, where };
  if (!isMap(raw)) return { ...NO_OP_FIELDS, inputs: {}, where };
  const inputs = raw['inputs'];
  return {
    implementation: typeof raw['implementation'] === 'string' ? raw['implementation'] : '',
    inputs: isMap(inputs) ? inputs : {},
    executor: typeof raw['executor'] === 'string' ? raw['executor'] : null,
    max_retries: isInteger(raw['max_retries']) ? raw['max_retries'] : null,
    retry_interval: typeof raw['retry_interval'] === 'number' ? raw['retry_interval'] : null,
    where,
  };
}

/** Reads `{<iface>: {<op>: <def>}}` as found in a type or template. */
export function readInterfaces(raw: Json | undefined, where: Where): InterfacesDef {
  const result: InterfacesDef = {};
  if (!isMap(raw)) return result;
  for (const [ifaceName, iface] of Object.entries(raw)) {
    const ifaceWhere: Where = { container: raw, key: ifaceName, path: [...where.path, ifaceName] };
    result[ifaceName] = {};
    if (!isMap(iface)) continue;
    for (const [opName, op] of Object.entries(iface)) {
      const ops = result[ifaceName];
      if (ops) ops[opName] = readOperation(op, { container: iface, key: opName, path: [...ifaceWhere.path, opName] });
    }
  }
  return result;
}

/** Type-to-type inheritance: a child's operation replaces the parent's whole; others are inherited. */
export function mergeTypeInterfaces(parent: InterfacesDef, child: InterfacesDef): InterfacesDef {
  const result: InterfacesDef = {};
  for (const [name, ops] of Object.entries(parent)) result[name] = { ...ops };
  for (const [name, ops] of Object.entries(child)) result[name] = { ...(result[name] ?? {}), ...ops };
  return result;
}

/**
 * Per-parse memo of operation work that depends only on a type's own definitions, so that 200
 * templates of one type pay for their type's operations once: the type's operations merged with
 * no template override, and operations resolved to plugin tasks. Only successes are kept; a
 * failure is recomputed (and thrown) for the template being processed, with its own message.
 */
export class OperationMemo {
  readonly typeOnlyOperations = new Map<OperationDef, OperationDef>();
  readonly typeOnlyInterfaces = new Map<Record<string, OperationDef>, Record<string, OperationDef>>();
  readonly typeOnlyTemplates = new Map<InterfacesDef, InterfacesDef>();
  readonly resolved = new Map<OperationDef, PlanOperation>();
  readonly operationLists = new Map<InterfacesDef, [string, PlanOperation][]>();
}

/**
 * Template (or relationship instance) over type operations (dsl.md §5 table). Type input schemas
 * become values: defaults overlaid by template inputs, then checked (107 missing, 80 unknown
 * schema type, 50 wrong type). The result is internal (it shares values with the types and the
 * memo); {@link planInterfaces} and {@link processOperations} copy what goes into the plan.
 */
export function mergeTemplateInterfaces(ctx: ParseContext, typeInterfaces: InterfacesDef, templateInterfaces: InterfacesDef): InterfacesDef {
  if (Object.keys(templateInterfaces).length > 0) return mergeAll(ctx, typeInterfaces, templateInterfaces);
  const memo = ctx.operationMemo.typeOnlyTemplates;
  let merged = memo.get(typeInterfaces);
  if (!merged) {
    merged = mergeAll(ctx, typeInterfaces, templateInterfaces);
    memo.set(typeInterfaces, merged);
  }
  return merged;
}

function mergeAll(ctx: ParseContext, typeInterfaces: InterfacesDef, templateInterfaces: InterfacesDef): InterfacesDef {
  const result: InterfacesDef = {};
  const names = new Set([...Object.keys(typeInterfaces), ...Object.keys(templateInterfaces)]);
  for (const ifaceName of names) {
    const typeOps = typeInterfaces[ifaceName] ?? {};
    const templateOps = templateInterfaces[ifaceName];
    result[ifaceName] = templateOps ? mergeInterface(ctx, typeOps, templateOps) : typeOnlyInterface(ctx, typeOps);
  }
  return result;
}

function mergeInterface(ctx: ParseContext, typeOps: Record<string, OperationDef>, templateOps: Record<string, OperationDef>): Record<string, OperationDef> {
  const merged: Record<string, OperationDef> = {};
  for (const opName of new Set([...Object.keys(typeOps), ...Object.keys(templateOps)])) {
    merged[opName] = mergeOperation(ctx, typeOps[opName], templateOps[opName]);
  }
  return merged;
}

/** A type's interface where the template overrides nothing (the usual case), merged once per parse. */
function typeOnlyInterface(ctx: ParseContext, typeOps: Record<string, OperationDef>): Record<string, OperationDef> {
  const memo = ctx.operationMemo.typeOnlyInterfaces;
  let merged = memo.get(typeOps);
  if (!merged) {
    merged = mergeInterface(ctx, typeOps, {});
    memo.set(typeOps, merged);
  }
  return merged;
}

function mergeOperation(ctx: ParseContext, typeOp: OperationDef | undefined, templateOp: OperationDef | undefined): OperationDef {
  if (!typeOp) {
    if (!templateOp) throw internal('operation without definition');
    return templateOp;
  }
  if (!templateOp) {
    let merged = ctx.operationMemo.typeOnlyOperations.get(typeOp);
    if (!merged) {
      merged = { ...typeOp, inputs: schemaInputs(ctx, typeOp.inputs, {}, typeOp.where) };
      ctx.operationMemo.typeOnlyOperations.set(typeOp, merged);
    }
    return merged;
  }
  if (isNoOp(templateOp)) return { ...NO_OP_FIELDS, inputs: {}, where: templateOp.where };
  if (isNoOp(typeOp)) return templateOp;
  const implementation = templateOp.implementation || typeOp.implementation;
  if (implementation !== typeOp.implementation) return templateOp;
  return {
    implementation,
    inputs: schemaInputs(ctx, typeOp.inputs, templateOp.inputs, templateOp.where),
    executor: templateOp.executor ?? typeOp.executor,
    max_retries: templateOp.max_retries ?? typeOp.max_retries,
    retry_interval: templateOp.retry_interval ?? typeOp.retry_interval,
    where: templateOp.where,
  };
}

function schemaInputs(ctx: ParseContext, schema: JsonMap, values: JsonMap, where: Where): JsonMap {
  const merged: JsonMap = {};
  for (const [name, entry] of Object.entries(schema)) {
    merged[name] = isMap(entry) && hasKey(entry, 'default') ? clone(entry['default'] ?? null) : null;
  }
  for (const [name, value] of Object.entries(values)) merged[name] = value;
  for (const [name, value] of Object.entries(merged)) {
    if (value === null) throw ctx.errors.error(107, `Input '${name}' is missing a value`, where);
  }
  for (const [name, entry] of Object.entries(schema)) {
    const type = isMap(entry) && typeof entry['type'] === 'string' ? entry['type'] : undefined;
    const value = merged[name] ?? null;
    if (type === undefined || isFunction(value)) continue;
    if (!(PRIMITIVE_TYPES as readonly string[]).includes(type)) {
      throw ctx.errors.error(80, `Unexpected type defined in inputs schema for input '${name}' - unknown type is ${type}`, where);
    }
    const ok =
      type === 'string' ||
      (type === 'integer' && isInteger(value)) ||
      (type === 'float' && typeof value === 'number') ||
      (type === 'boolean' && typeof value === 'boolean');
    if (!ok) {
      throw ctx.errors.error(50, `Input type validation failed: Input '${name}' type is '${type}', yet it was assigned with the value '${pyStr(value)}'`, where);
    }
  }
  return merged;
}

/** A declared plugin in plan form (dsl.md §6), keyed by name. */
export type PluginMap = ReadonlyMap<string, PlanPlugin>;

/** What a mapping failure is called in messages, and its code (10 node, 19 relationship, 21 workflow). */
export interface MappingContext {
  code: number;
  /** e.g. `In interface 'x' in node 'n' of type 't'`. */
  suffix: string;
}

/** Resolves an operation's implementation to a plugin task or a script (dsl.md §5 "Operation mapping resolution"). */
export function resolveOperation(
  ctx: ParseContext,
  plugins: PluginMap,
  opName: string,
  op: OperationDef,
  mapping: MappingContext,
): PlanOperation {
  if (!op.implementation) {
    return { plugin: '', operation: '', executor: null, inputs: {}, has_intrinsic_functions: false, max_retries: null, retry_interval: null };
  }
  const target = resolveMapping(ctx, plugins, op.implementation, opName, op.inputs, false, op.where, mapping);
  const plugin = plugins.get(target.plugin);
  return {
    plugin: target.plugin,
    operation: target.operation,
    executor: op.executor ?? plugin?.executor ?? null,
    inputs: target.payload,
    has_intrinsic_functions: false,
    max_retries: op.max_retries,
    retry_interval: op.retry_interval,
  };
}

/** The shared part of operation and workflow resolution. */
export function resolveMapping(
  ctx: ParseContext,
  plugins: PluginMap,
  implementation: string,
  name: string,
  payload: JsonMap,
  isWorkflow: boolean,
  where: Where,
  mapping: MappingContext,
): { plugin: string; operation: string; payload: JsonMap } {
  const what = isWorkflow ? 'workflow' : 'operation';
  const candidates = [...plugins.keys()].filter((plugin) => implementation.startsWith(`${plugin}.`));
  if (candidates.length > 1) {
    throw ctx.errors.error(91, `Ambiguous operation mapping. [operation=${name}, plugins=[${candidates.map((c) => `'${c}'`).join(', ')}]]`, where);
  }
  const [candidate] = candidates;
  if (candidate !== undefined) return { plugin: candidate, operation: implementation.slice(candidate.length + 1), payload };
  if (ctx.scripts.has(implementation)) {
    if (hasKey(payload, SCRIPT_PATH)) {
      throw ctx.errors.error(60, `Cannot define '${SCRIPT_PATH}' property in '${implementation}' for ${what} '${name}'`, where);
    }
    const task = isWorkflow ? SCRIPT_WORKFLOW_TASK : SCRIPT_RUN_TASK;
    if (!plugins.has(SCRIPT_PLUGIN)) {
      throw ctx.errors.error(61, `Script plugin is not defined but it is required for mapping '${task}' of ${what} '${name}'`, where);
    }
    const scriptPayload: JsonMap = { ...payload };
    scriptPayload[SCRIPT_PATH] = isWorkflow
      ? { default: implementation, description: 'Workflow script executed by the script plugin' }
      : implementation;
    return { plugin: SCRIPT_PLUGIN, operation: task, payload: scriptPayload };
  }
  throw ctx.errors.error(
    mapping.code,
    `Could not extract plugin from ${what} mapping '${implementation}', which is declared for ${what} '${name}'.${mapping.suffix ? ` ${mapping.suffix}` : ''}`,
    where,
  );
}

/**
 * All operations of a set of interfaces, under `<iface>.<op>` and under the bare `<op>` unless two
 * interfaces define that name. Every entry is a fresh object for the plan.
 */
export function processOperations(
  ctx: ParseContext,
  plugins: PluginMap,
  interfaces: InterfacesDef,
  code: number,
  partialMessage: string,
): Record<string, PlanOperation> {
  let list = ctx.operationMemo.operationLists.get(interfaces);
  if (!list) {
    list = operationList(ctx, plugins, interfaces, code, partialMessage);
    ctx.operationMemo.operationLists.set(interfaces, list);
  }
  const result: Record<string, PlanOperation> = {};
  for (const [name, op] of list) result[name] = planOperation(ctx, op);
  return result;
}

/** The entries of {@link processOperations} in order; shared by the templates that share `interfaces`. */
function operationList(ctx: ParseContext, plugins: PluginMap, interfaces: InterfacesDef, code: number, partialMessage: string): [string, PlanOperation][] {
  const bare = new Map<string, PlanOperation | null>();
  const full: [string, PlanOperation][] = [];
  const memo = ctx.operationMemo.resolved;
  for (const [ifaceName, ops] of Object.entries(interfaces)) {
    for (const [opName, op] of Object.entries(ops)) {
      let resolved = memo.get(op);
      if (!resolved) {
        resolved = resolveOperation(ctx, plugins, opName, op, { code, suffix: `In interface '${ifaceName}' ${partialMessage}` });
        memo.set(op, resolved);
      }
      bare.set(opName, bare.has(opName) ? null : resolved);
      full.push([`${ifaceName}.${opName}`, resolved]);
    }
  }
  const list: [string, PlanOperation][] = [];
  for (const [name, op] of bare) if (op) list.push([name, op]);
  list.push(...full);
  return list;
}

function planOperation(ctx: ParseContext, op: PlanOperation): PlanOperation {
  return {
    plugin: op.plugin,
    operation: op.operation,
    executor: op.executor,
    inputs: planCopy(op.inputs, ctx.sourceMap),
    has_intrinsic_functions: op.has_intrinsic_functions,
    max_retries: op.max_retries,
    retry_interval: op.retry_interval,
  };
}

/** Interfaces in plan form (without positions), as fresh objects. */
export function planInterfaces(ctx: ParseContext, interfaces: InterfacesDef): Record<string, Record<string, PlanInterfaceOperation>> {
  const result: Record<string, Record<string, PlanInterfaceOperation>> = {};
  for (const [ifaceName, ops] of Object.entries(interfaces)) {
    const out: Record<string, PlanInterfaceOperation> = {};
    for (const [opName, op] of Object.entries(ops)) {
      out[opName] = {
        implementation: op.implementation,
        inputs: planCopy(op.inputs, ctx.sourceMap),
        executor: op.executor,
        max_retries: op.max_retries,
        retry_interval: op.retry_interval,
      };
    }
    result[ifaceName] = out;
  }
  return result;
}
