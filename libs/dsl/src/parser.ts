import { type ParseContext, section } from './context';
import { checkCycles } from './cycles';
import { DSLParsingError, ImportNotFoundError } from './errors';
import { validateFunctions } from './functions';
import { processGroups, processPolicyTypes, processScalingPolicies } from './groups';
import { loadBlueprint } from './imports';
import { clone, isMap, type Json, type JsonMap } from './json';
import { deploymentPlugins, processNodeTemplates } from './nodes';
import { OperationMemo } from './operations';
import { type Plan } from './plan-types';
import { DataTypes, readSchema } from './properties';
import { readPlugins } from './plugins';
import { createInMemoryResolver, type ImportResolver, isAbsoluteUrl, joinLocation } from './resolver';
import { blueprintSchema, SchemaValidator, sectionSchema } from './schema';
import { ErrorFactory, SourceMap } from './source-map';
import { planRelationshipTypes, TypeRegistry } from './types';
import { planVersion } from './version';
import { processWorkflows } from './workflows';

/** Options of {@link parseBlueprint}. Give `resolver` (archive or file system) or `files` (in memory). */
export interface ParseBlueprintOptions {
  /** Archive-relative path of the main blueprint file, e.g. `blueprint.yaml` or `app/blueprint.yaml`. */
  mainFile: string;
  /** Fetches the main file, relative imports, URLs and checks script paths. */
  resolver?: ImportResolver;
  /** In-memory archive `{path: content}`, used when no resolver is given. */
  files?: Readonly<Record<string, string>>;
  /** Provider context `cloudify.validate_definitions_version`; false skips the 102 version gates. Default true. */
  validateDefinitionsVersion?: boolean;
  /** Provider context `cloudify.import_resolver.parameters.rules`: `[{<url prefix>: <replacement>}]`. */
  importResolverRules?: readonly Readonly<Record<string, string>>[];
}

/**
 * Parses a blueprint into Cloudify's plan (dsl.md §8). Only I/O: the resolver (main file, imports,
 * script-path existence). Cloudify's types URLs resolve to the built-in types with no I/O.
 *
 * @throws {DSLParsingError} with Cloudify 3.4's error code for an invalid blueprint.
 * @example
 * const plan = await parseBlueprint({ mainFile: 'blueprint.yaml', files: { 'blueprint.yaml': yamlText, 'scripts/start.sh': '' } });
 */
export async function parseBlueprint(options: ParseBlueprintOptions): Promise<Plan> {
  if (!isMap(options as unknown) || typeof options.mainFile !== 'string') {
    throw new DSLParsingError(1, "Missing parser input: 'mainFile' is required");
  }
  const resolver = options.resolver ?? (options.files ? createInMemoryResolver(options.files) : undefined);
  if (!resolver || typeof resolver.resolve !== 'function') {
    throw new DSLParsingError(1, "Missing parser input: either 'resolver' or 'files' is required", { file: options.mainFile });
  }
  const sourceMap = new SourceMap();
  const errors = new ErrorFactory(sourceMap, options.mainFile);
  const validateVersion = options.validateDefinitionsVersion ?? true;
  const { merged, version, mainLocation } = await loadBlueprint(
    { mainFile: options.mainFile, resolver, importResolverRules: options.importResolverRules, validateDefinitionsVersion: validateVersion },
    sourceMap,
    errors,
  );

  checkCycles(merged, errors);
  new SchemaValidator(errors, version, validateVersion, false).validate(merged, blueprintSchema, { path: [] });
  const strict = new SchemaValidator(errors, version, validateVersion, true);

  const ctx: ParseContext = {
    errors,
    sourceMap,
    version,
    blueprint: merged,
    scripts: await findScripts(merged, mainLocation, resolver),
    checkUnknownKeys: (value, schema, where) => {
      if (value !== undefined && value !== null) strict.validate(value, schema, where);
    },
    operationMemo: new OperationMemo(),
  };
  const checkSection = (key: string): void => ctx.checkUnknownKeys(merged[key], sectionSchema(key), { container: merged, key, path: [key] });

  const dataTypes = new DataTypes(ctx);
  checkSection('data_types');
  const plugins = readPlugins(ctx);
  const nodeTypes = new TypeRegistry(ctx, dataTypes, 'node_types');
  checkSection('node_types');
  const relationshipTypes = new TypeRegistry(ctx, dataTypes, 'relationships');
  checkSection('relationships');
  const relationships = planRelationshipTypes(ctx, relationshipTypes, plugins);
  const inputs = readSchema(merged, 'inputs');
  dataTypes.checkSchema(inputs, 'inputs', { container: merged, key: 'inputs', path: ['inputs'] }, section(merged, 'inputs'));
  checkSection('inputs');
  const { policyTypes, policyTriggers } = processPolicyTypes(ctx, dataTypes);
  checkSection('policy_types');
  checkSection('policy_triggers');
  const nodes = processNodeTemplates(ctx, nodeTypes, relationshipTypes, dataTypes, plugins);
  const { workflows, workflowPlugins } = processWorkflows(ctx, plugins, dataTypes);
  const groups = processGroups(ctx, dataTypes, new Set(nodes.map((node) => node.name)), policyTypes, policyTriggers);
  const { policies, scalingGroups } = processScalingPolicies(ctx, groups, nodes);
  checkSection('outputs');

  const outputs: Record<string, JsonMap> = {};
  for (const [name, output] of Object.entries(section(merged, 'outputs'))) if (isMap(output)) outputs[name] = output;
  const description = merged['description'];

  const plan: Plan = {
    version: planVersion(version),
    description: typeof description === 'string' ? description : null,
    inputs,
    outputs,
    nodes,
    relationships,
    workflows,
    policy_types: policyTypes,
    policy_triggers: policyTriggers,
    groups,
    policies,
    scaling_groups: scalingGroups,
    deployment_plugins_to_install: deploymentPlugins(nodes),
    workflow_plugins_to_install: workflowPlugins,
  };

  // Unknown top-level keys last: the blueprint root is the last element Cloudify processes.
  strict.validate(merged, blueprintSchema, { path: [] });
  validateFunctions(plan, errors, version);
  // Nodes (nearly all of a plan) are assembled from fresh objects; the other sections still share
  // values with the loaded YAML (and each other) for error positions, so they are copied here.
  return {
    ...plan,
    inputs: cloneSection(plan.inputs),
    outputs: cloneSection(plan.outputs),
    relationships: cloneSection(plan.relationships),
    workflows: cloneSection(plan.workflows),
    policy_types: cloneSection(plan.policy_types),
    policy_triggers: cloneSection(plan.policy_triggers),
    groups: cloneSection(plan.groups),
    policies: cloneSection(plan.policies),
    scaling_groups: cloneSection(plan.scaling_groups),
    deployment_plugins_to_install: cloneSection(plan.deployment_plugins_to_install),
    workflow_plugins_to_install: cloneSection(plan.workflow_plugins_to_install),
  };
}

/** A deep copy of a plan section built from shared values (plan sections are JSON). */
function cloneSection<T extends object>(section: T): T {
  return clone(section as unknown as Json) as unknown as T;
}

/** Every string used as an operation implementation or workflow mapping, whatever its validity. */
function implementationStrings(blueprint: JsonMap): Set<string> {
  const found = new Set<string>();
  const addOperations = (interfaces: Json | undefined): void => {
    if (!isMap(interfaces)) return;
    for (const iface of Object.values(interfaces)) {
      if (!isMap(iface)) continue;
      for (const op of Object.values(iface)) {
        if (typeof op === 'string') found.add(op);
        else if (isMap(op) && typeof op['implementation'] === 'string') found.add(op['implementation']);
      }
    }
  };
  const each = (key: string, visit: (value: JsonMap) => void): void => {
    for (const value of Object.values(section(blueprint, key))) if (isMap(value)) visit(value);
  };
  each('node_types', (type) => addOperations(type['interfaces']));
  each('relationships', (type) => {
    addOperations(type['source_interfaces']);
    addOperations(type['target_interfaces']);
  });
  each('node_templates', (template) => {
    addOperations(template['interfaces']);
    const relationships = template['relationships'];
    if (!Array.isArray(relationships)) return;
    for (const relationship of relationships) {
      if (!isMap(relationship)) continue;
      addOperations(relationship['source_interfaces']);
      addOperations(relationship['target_interfaces']);
    }
  });
  for (const workflow of Object.values(section(blueprint, 'workflows'))) {
    if (typeof workflow === 'string') found.add(workflow);
    else if (isMap(workflow) && typeof workflow['mapping'] === 'string') found.add(workflow['mapping']);
  }
  return found;
}

/**
 * Which implementation strings are files under the main blueprint's directory (script mappings,
 * dsl.md §5 rule 3). Strings that start with a declared plugin name never need the check.
 */
async function findScripts(blueprint: JsonMap, mainLocation: string, resolver: ImportResolver): Promise<Set<string>> {
  const pluginNames = Object.keys(section(blueprint, 'plugins'));
  const candidates = [...implementationStrings(blueprint)].filter(
    (value) => value !== '' && !isAbsoluteUrl(value) && !pluginNames.some((plugin) => value.startsWith(`${plugin}.`)),
  );
  const checks = await Promise.all(
    candidates.map(async (value) => {
      const location = joinLocation(mainLocation, value);
      return location !== null && location !== '' && (await exists(resolver, location)) ? value : null;
    }),
  );
  return new Set(checks.filter((value): value is string => value !== null));
}

async function exists(resolver: ImportResolver, location: string): Promise<boolean> {
  try {
    if (resolver.exists) return await resolver.exists(location);
    await resolver.resolve(location);
    return true;
  } catch (cause) {
    if (cause instanceof ImportNotFoundError) return false;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new DSLParsingError(13, `Failed checking whether resource '${location}' exists; ${detail}`, { file: location }, {
      cause,
      retryable: typeof cause === 'object' && cause !== null && (cause as { retryable?: unknown }).retryable === true,
    });
  }
}
