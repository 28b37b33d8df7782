import { child, entries, listOfStrings, type ParseContext, requiredString, section } from './context';
import { findCycle } from './cycles';
import { hasKey, pyRepr } from './json';
import { containerOf } from './nodes';
import { type PlanGroup, type PlanGroupPolicy, type PlanNode, type PlanScalingGroup, type PlanScalingPolicy } from './plan-types';
import { type DataTypes, POLICY_PROPERTIES, type PropertySchema, readSchema } from './properties';
import { readScalable } from './scalable';
import { ELEMENT_SCHEMAS, sectionSchema } from './schema';
import { type Where } from './source-map';

/** Policy types and triggers in plan form; their schemas are checked (103/105). */
export function processPolicyTypes(
  ctx: ParseContext,
  dataTypes: DataTypes,
): {
  policyTypes: Record<string, { properties: PropertySchema; source: string }>;
  policyTriggers: Record<string, { parameters: PropertySchema; source: string }>;
} {
  const policyTypes: Record<string, { properties: PropertySchema; source: string }> = {};
  const rawTypes = section(ctx.blueprint, 'policy_types');
  for (const [name, definition] of entries(rawTypes)) {
    const properties = readSchema(definition, 'properties');
    dataTypes.checkSchema(properties, name, { container: definition, key: 'properties', path: ['policy_types', name, 'properties'] }, section(definition, 'properties'));
    policyTypes[name] = { properties, source: requiredString(definition, 'source') };
  }
  const policyTriggers: Record<string, { parameters: PropertySchema; source: string }> = {};
  const rawTriggers = section(ctx.blueprint, 'policy_triggers');
  for (const [name, definition] of entries(rawTriggers)) {
    const parameters = readSchema(definition, 'parameters');
    dataTypes.checkSchema(parameters, name, { container: definition, key: 'parameters', path: ['policy_triggers', name, 'parameters'] }, section(definition, 'parameters'));
    policyTriggers[name] = { parameters, source: requiredString(definition, 'source') };
  }
  return { policyTypes, policyTriggers };
}

/**
 * Groups with their monitoring policies (dsl.md §6): members must be nodes or groups (40), a group
 * may not be named like a node (211), policy types and triggers must exist (41/42), and their
 * properties/parameters are merged with the schemas (105–107). Members are de-duplicated.
 */
export function processGroups(
  ctx: ParseContext,
  dataTypes: DataTypes,
  nodeNames: ReadonlySet<string>,
  policyTypes: Record<string, { properties: PropertySchema }>,
  policyTriggers: Record<string, { parameters: PropertySchema }>,
): Record<string, PlanGroup> {
  const raw = section(ctx.blueprint, 'groups');
  const groupsWhere: Where = { container: ctx.blueprint, key: 'groups', path: ['groups'] };
  const groups: Record<string, PlanGroup> = {};
  for (const [name, definition] of entries(raw)) {
    const where = child(groupsWhere, raw, name);
    const rawMembers = definition['members'];
    const members: string[] = [];
    listOfStrings(rawMembers).forEach((member, index) => {
      if (!nodeNames.has(member) && !hasKey(raw, member)) {
        throw ctx.errors.error(
          40,
          `Member '${member}' of group '${name}' does not match any defined node`,
          child(child(where, definition, 'members'), Array.isArray(rawMembers) ? rawMembers : [], index),
        );
      }
      if (!members.includes(member)) members.push(member);
    });
    const policies: Record<string, PlanGroupPolicy> = {};
    const rawPolicies = section(definition, 'policies');
    for (const [policyName, policy] of entries(rawPolicies)) {
      const policyWhere = child(child(where, definition, 'policies'), rawPolicies, policyName);
      const typeName = requiredString(policy, 'type');
      const type = policyTypes[typeName];
      if (!type) {
        throw ctx.errors.error(
          41,
          `Policy '${policyName}' of group '${name}' references a non existent policy type '${typeName}'`,
          child(policyWhere, policy, 'type'),
        );
      }
      const properties = dataTypes.mergeProperties(
        section(policy, 'properties'),
        type.properties,
        { name: `group '${name}', policy '${policyName}'`, ...POLICY_PROPERTIES },
        child(policyWhere, policy, 'properties'),
      );
      const triggers: PlanGroupPolicy['triggers'] = {};
      const rawTriggers = section(policy, 'triggers');
      for (const [triggerName, trigger] of entries(rawTriggers)) {
        const triggerWhere = child(child(policyWhere, policy, 'triggers'), rawTriggers, triggerName);
        const triggerType = requiredString(trigger, 'type');
        const declared = policyTriggers[triggerType];
        if (!declared) {
          throw ctx.errors.error(
            42,
            `Trigger '${triggerName}' of policy '${policyName}' of group '${name}' references a non existent 'policy trigger '${triggerType}'`,
            child(triggerWhere, trigger, 'type'),
          );
        }
        const parameters = dataTypes.mergeProperties(
          section(trigger, 'parameters'),
          declared.parameters,
          { name: `group '${name}', policy '${policyName}' trigger '${triggerName}'`, ...POLICY_PROPERTIES },
          child(triggerWhere, trigger, 'parameters'),
        );
        triggers[triggerName] = { type: triggerType, parameters };
      }
      policies[policyName] = { type: typeName, properties, triggers };
    }
    ctx.checkUnknownKeys(definition, ELEMENT_SCHEMAS.group, where);
    groups[name] = { members, policies };
  }
  for (const name of Object.keys(groups)) {
    if (nodeNames.has(name)) {
      throw ctx.errors.error(
        211,
        `Group '${name}' has the same name as a node template; group and node template names must be unique`,
        child(groupsWhere, raw, name),
      );
    }
  }
  return groups;
}

/**
 * Scaling policies and the scaling groups they create (dsl.md §6, workflows-and-policies.md §6):
 * targets must be groups (205; type 204 and empty targets 206 are schema checks), properties as
 * scalable (207/208/210); then 200 group cycles, 201 a member in several scaling groups, 202 members
 * not contained in a common node; members contained in another member are dropped.
 */
export function processScalingPolicies(
  ctx: ParseContext,
  groups: Record<string, PlanGroup>,
  nodes: readonly PlanNode[],
): { policies: Record<string, PlanScalingPolicy>; scalingGroups: Record<string, PlanScalingGroup> } {
  const raw = section(ctx.blueprint, 'policies');
  const policiesWhere: Where = { container: ctx.blueprint, key: 'policies', path: ['policies'] };
  const policies: Record<string, PlanScalingPolicy> = {};
  const scalingGroups: Record<string, PlanScalingGroup> = {};
  for (const [name, policy] of entries(raw)) {
    const where = child(policiesWhere, raw, name);
    const rawTargets = policy['targets'];
    const targets = listOfStrings(rawTargets);
    targets.forEach((target, index) => {
      if (!hasKey(groups, target)) {
        throw ctx.errors.error(
          205,
          `'${target}' is not a valid policy target. Only groups are valid policy targets. Defined groups are ${pyRepr(Object.keys(groups))}.`,
          child(child(where, policy, 'targets'), Array.isArray(rawTargets) ? rawTargets : [], index),
        );
      }
    });
    const rawProperties = section(policy, 'properties');
    const properties = readScalable(ctx, hasKey(policy, 'properties') ? rawProperties : undefined, child(where, policy, 'properties'));
    policies[name] = { type: requiredString(policy, 'type'), targets, properties };
    for (const target of targets) {
      scalingGroups[target] = { members: [...(groups[target]?.members ?? [])], properties: { ...properties } };
    }
  }
  ctx.checkUnknownKeys(ctx.blueprint['policies'], sectionSchema('policies'), policiesWhere);
  if (Object.keys(scalingGroups).length > 0) validateScalingGroups(ctx, scalingGroups, nodes, policiesWhere);
  return { policies, scalingGroups };
}

function validateScalingGroups(ctx: ParseContext, scalingGroups: Record<string, PlanScalingGroup>, nodes: readonly PlanNode[], where: Where): void {
  const nodeNames = new Set(nodes.map((node) => node.name));
  const containers = new Map(nodes.map((node) => [node.name, containerOf(node)]));

  const memberEdges = new Map<string, string[]>();
  for (const [group, { members }] of Object.entries(scalingGroups)) {
    if (!memberEdges.has(group)) memberEdges.set(group, []);
    for (const member of members) memberEdges.set(member, [...(memberEdges.get(member) ?? []), group]);
  }
  const cycle = findCycle([...memberEdges.keys()], memberEdges);
  if (cycle) throw ctx.errors.error(200, `Illegal group cycles found: ${pyRepr([cycle.slice(0, -1)])}`, where);
  for (const [member, owners] of memberEdges) {
    if (owners.length > 1) {
      throw ctx.errors.error(
        201,
        `Nodes and groups cannot be members in multiple groups, but member '${member}' belongs to the following multiple groups: ${pyRepr(owners)}`,
        where,
      );
    }
  }
  const groupOf = (member: string): string | undefined => memberEdges.get(member)?.[0];
  /** `[member, its group, that group's group, …]` */
  const groupChain = (member: string): string[] => {
    const chain = [member];
    for (let group = groupOf(member); group !== undefined; group = groupOf(group)) chain.push(group);
    return chain;
  };
  /** `[node, its container, …]` */
  const containerChain = (node: string): string[] => {
    const chain = [node];
    for (let next = containers.get(node); next !== undefined && !chain.includes(next); next = containers.get(next)) chain.push(next);
    return chain;
  };

  const nodeMembersOf = (group: string): Set<string> => {
    const result = new Set<string>();
    for (const member of scalingGroups[group]?.members ?? []) {
      if (nodeNames.has(member)) result.add(member);
      else if (hasKey(scalingGroups, member)) for (const nested of nodeMembersOf(member)) result.add(nested);
    }
    return result;
  };

  const pairKey = (a: string, b: string) => [a, b].sort().join('\u0000');
  const ok = new Set<string>();
  const problems: [string, string][] = [];
  const checked = new Set<string>();
  for (const group of Object.keys(scalingGroups)) {
    const members = [...nodeMembersOf(group)];
    for (const a of members) {
      for (const b of members) {
        const key = pairKey(a, b);
        if (checked.has(key)) continue;
        checked.add(key);
        const aUp = containerChain(a).slice(1);
        const bUp = containerChain(b).slice(1);
        const fine = a === b || (aUp.length === 0 && bUp.length === 0) || aUp.includes(b) || bUp.includes(a) || aUp.some((n) => bUp.includes(n));
        if (fine) ok.add(key);
        else problems.push([a, b]);
      }
    }
  }
  for (const [a, b] of problems) {
    const rescued = containerChain(a).some((c) => ok.has(pairKey(b, c))) || containerChain(b).some((c) => ok.has(pairKey(a, c)));
    if (!rescued) {
      throw ctx.errors.error(
        202,
        `Node '${a}' and '${b}' belong to some shared group but they are not contained in any shared node, nor is any ancestor node of theirs.`,
        where,
      );
    }
    ok.add(pairKey(a, b));
  }

  // A member contained (transitively) in a node of the same group follows its container.
  for (const member of memberEdges.keys()) {
    if (!nodeNames.has(member) || groupOf(member) === undefined) continue;
    const memberGroups = groupChain(member);
    for (const container of containerChain(member).slice(1)) {
      if (!memberEdges.has(container)) continue;
      const containerGroups = new Set(groupChain(container));
      const minimal = memberGroups.find((group) => group !== member && containerGroups.has(group));
      if (minimal === undefined) continue;
      const removed = groupOf(member) === minimal ? member : [...memberGroups].reverse().find((group) => !containerGroups.has(group));
      const members = scalingGroups[minimal]?.members;
      if (removed !== undefined && members?.includes(removed)) members.splice(members.indexOf(removed), 1);
    }
  }
}

