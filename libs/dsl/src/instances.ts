import { UnsupportedTopologyError } from './errors';
import { type IdGenerator } from './ids';
import { hasKey, isInteger, type Json, pyStr } from './json';
import { containerOf } from './nodes';
import { type DeploymentPlan, type PlanNode, type PlannedNodeInstance } from './plan-types';
import { CONNECTED_TO, CONTAINED_IN, DEPENDS_ON } from './types';

const ALL_TO_ALL = 'all_to_all';
const ALL_TO_ONE = 'all_to_one';
const MAX_ID_ATTEMPTS = 1000;

/** One created node or scaling-group instance in the containment tree. */
interface Frame {
  kind: 'node' | 'group';
  name: string;
  id: string;
  parent: Frame | null;
  /** Host instance id for node frames (own id for hosts). */
  hostId?: string;
  instance?: PlannedNodeInstance;
}

type Entity = { kind: 'node'; name: string } | { kind: 'group'; name: string };

function entityKey(entity: Entity): string {
  return `${entity.kind}:${entity.name}`;
}

/**
 * Creates the node instances of a deployment (dsl.md §10.1–10.3): containment trees with counts
 * multiplied down `contained_in` and through scaling groups, `contained_in` relationship instances
 * to the container instance, `connected_to`/`depends_on` instances by `connection_type`, host ids
 * and scaling-group memberships. The plan's functions must be evaluated already.
 */
export function planNodeInstances(plan: DeploymentPlan, ids: IdGenerator): PlannedNodeInstance[] {
  return new InstancePlanner(plan, ids).run();
}

class InstancePlanner {
  private readonly nodes: Map<string, PlanNode>;
  private readonly groupOf = new Map<string, string>();
  private readonly children = new Map<string, Entity[]>();
  private readonly framesByNode = new Map<string, Frame[]>();
  private readonly usedIds = new Set<string>();
  private readonly roots: Entity[] = [];

  constructor(
    private readonly plan: DeploymentPlan,
    private readonly ids: IdGenerator,
  ) {
    this.nodes = new Map(plan.nodes.map((node) => [node.name, node]));
    for (const node of plan.nodes) this.framesByNode.set(node.name, []);
    for (const [group, { members }] of Object.entries(plan.scaling_groups)) {
      for (const member of members) this.groupOf.set(member, group);
    }
    this.checkRelationshipTypes();
    const entities: Entity[] = [
      ...plan.nodes.map((node): Entity => ({ kind: 'node', name: node.name })),
      ...Object.keys(plan.scaling_groups).map((name): Entity => ({ kind: 'group', name })),
    ];
    for (const entity of entities) {
      const parent = this.parentOf(entity);
      if (parent === null) this.roots.push(entity);
      else this.children.set(entityKey(parent), [...(this.children.get(entityKey(parent)) ?? []), entity]);
    }
  }

  run(): PlannedNodeInstance[] {
    for (const root of this.roots) this.create(root, null);
    this.connect();
    return this.plan.nodes.flatMap((node) => (this.framesByNode.get(node.name) ?? []).flatMap((frame) => (frame.instance ? [frame.instance] : [])));
  }

  private checkRelationshipTypes(): void {
    for (const node of this.plan.nodes) {
      for (const relationship of node.relationships) {
        const hierarchy = relationship.type_hierarchy;
        if (![DEPENDS_ON, CONNECTED_TO, CONTAINED_IN].some((type) => hierarchy.includes(type))) {
          throw new UnsupportedTopologyError(
            `Relationship type '${relationship.type}' of node '${node.name}' is not derived from ${DEPENDS_ON}, ${CONNECTED_TO} or ${CONTAINED_IN}`,
          );
        }
      }
    }
  }

  /** The entity an entity's instances are created under (null: a root). */
  private parentOf(entity: Entity): Entity | null {
    const group = this.groupOf.get(entity.name);
    if (group !== undefined && group !== entity.name) return { kind: 'group', name: group };
    if (entity.kind === 'node') {
      const node = this.nodes.get(entity.name);
      const container = node ? containerOf(node) : undefined;
      return container === undefined ? null : { kind: 'node', name: container };
    }
    const container = this.groupContainer(entity.name);
    return container === undefined ? null : { kind: 'node', name: container };
  }

  /** Containers (outermost last) of every node member of a group, through nested groups. */
  private memberContainerChains(group: string, seen: Set<string> = new Set()): string[][] {
    if (seen.has(group)) return [];
    seen.add(group);
    const chains: string[][] = [];
    for (const member of this.plan.scaling_groups[group]?.members ?? []) {
      const node = this.nodes.get(member);
      if (node) chains.push(this.containerChain(node.name));
      else if (hasKey(this.plan.scaling_groups, member)) chains.push(...this.memberContainerChains(member, seen));
    }
    return chains;
  }

  private containerChain(name: string): string[] {
    const chain: string[] = [];
    const node = this.nodes.get(name);
    for (let next = node ? containerOf(node) : undefined; next !== undefined && !chain.includes(next); ) {
      chain.push(next);
      const nextNode = this.nodes.get(next);
      next = nextNode ? containerOf(nextNode) : undefined;
    }
    return chain;
  }

  /** The deepest node containing every member of a top-level group (undefined: the group is a root). */
  private groupContainer(group: string): string | undefined {
    const chains = this.memberContainerChains(group);
    const [first, ...rest] = chains;
    if (!first) return undefined;
    return first.find((candidate) => rest.every((chain) => chain.includes(candidate)));
  }

  private count(entity: Entity): number {
    const properties =
      entity.kind === 'node' ? this.nodes.get(entity.name)?.capabilities.scalable.properties : this.plan.scaling_groups[entity.name]?.properties;
    const value: Json = properties?.current_instances ?? 1;
    if (!isInteger(value) || value < 0) {
      throw new UnsupportedTopologyError(`Instance count of '${entity.name}' must be a non-negative integer but is '${pyStr(value)}'`);
    }
    return value;
  }

  private newId(name: string): string {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt += 1) {
      const id = `${name}_${this.ids.suffix()}`;
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
    throw new UnsupportedTopologyError(`Could not generate a unique instance id for '${name}' after ${MAX_ID_ATTEMPTS} attempts`);
  }

  private create(entity: Entity, parent: Frame | null): void {
    const count = this.count(entity);
    for (let index = 0; index < count; index += 1) {
      const frame: Frame = { kind: entity.kind, name: entity.name, id: this.newId(entity.name), parent };
      if (entity.kind === 'node') this.createNodeInstance(frame);
      for (const next of this.children.get(entityKey(entity)) ?? []) this.create(next, frame);
    }
  }

  private createNodeInstance(frame: Frame): void {
    const node = this.nodes.get(frame.name);
    if (!node) return;
    const container = containerOf(node);
    const containerFrame = container === undefined ? undefined : this.containerInstance(frame, container);
    frame.hostId = node.host_id === node.name ? frame.id : node.host_id !== undefined ? containerFrame?.hostId : undefined;
    const groups: { name: string; id: string }[] = [];
    for (let up = frame.parent; up && up.kind === 'group'; up = up.parent) groups.push({ name: up.name, id: up.id });
    const instance: PlannedNodeInstance = {
      id: frame.id,
      name: node.name,
      node_id: node.name,
      ...(frame.hostId !== undefined ? { host_id: frame.hostId } : {}),
      relationships: [],
      ...(groups.length > 0 ? { scaling_groups: groups } : {}),
    };
    frame.instance = instance;
    this.framesByNode.get(node.name)?.push(frame);
  }

  private nearestNodeFrame(frame: Frame | null): Frame | null {
    let up = frame;
    while (up && up.kind !== 'node') up = up.parent;
    return up;
  }

  private isAncestor(ancestor: Frame, frame: Frame): boolean {
    for (let up = frame.parent; up; up = up.parent) if (up === ancestor) return true;
    return false;
  }

  /** The container instance of a node instance: an ancestor frame, else the first instance of the container under the nearest node ancestor. */
  private containerInstance(frame: Frame, container: string): Frame | undefined {
    for (let up = frame.parent; up; up = up.parent) if (up.kind === 'node' && up.name === container) return up;
    const anchor = this.nearestNodeFrame(frame.parent);
    return (this.framesByNode.get(container) ?? []).find((candidate) => !anchor || this.isAncestor(anchor, candidate));
  }

  /** Group instances enclosing an instance, innermost first (own groups, then its containers'). */
  private groupChain(frame: Frame): Frame[] {
    const chain: Frame[] = [];
    for (let up = frame.parent; up; up = up.parent) if (up.kind === 'group') chain.push(up);
    return chain;
  }

  private connect(): void {
    for (const node of this.plan.nodes) {
      const frames = this.framesByNode.get(node.name) ?? [];
      if (frames.length === 0) continue;
      // Quirk kept from 3.4: only the last declared relationship per target node survives.
      const lastIndexByTarget = new Map<string, number>();
      node.relationships.forEach((relationship, index) => lastIndexByTarget.set(relationship.target_id, index));
      const connectionTypes = node.relationships.map((relationship) => {
        if (relationship.type_hierarchy.includes(CONTAINED_IN)) return null;
        const connection = relationship.properties['connection_type'];
        if (connection !== ALL_TO_ALL && connection !== ALL_TO_ONE) {
          throw new UnsupportedTopologyError(
            `Relationship '${relationship.type}' from '${node.name}' to '${relationship.target_id}' has an illegal connection_type '${pyStr(connection ?? null)}'; expected ${ALL_TO_ALL} or ${ALL_TO_ONE}`,
          );
        }
        return connection;
      });
      for (const frame of frames) {
        const instance = frame.instance;
        if (!instance) continue;
        node.relationships.forEach((relationship, index) => {
          if (lastIndexByTarget.get(relationship.target_id) !== index) return;
          const connection = connectionTypes[index];
          if (connection === null || connection === undefined) {
            const target = this.containerInstance(frame, relationship.target_id);
            if (target) instance.relationships.push({ type: relationship.type, target_name: relationship.target_id, target_id: target.id });
            return;
          }
          for (const target of this.connectionTargets(frame, node.name, relationship.target_id, connection)) {
            instance.relationships.push({ type: relationship.type, target_name: relationship.target_id, target_id: target.id });
          }
        });
      }
    }
  }

  private connectionTargets(source: Frame, sourceName: string, targetName: string, connection: typeof ALL_TO_ALL | typeof ALL_TO_ONE): Frame[] {
    const targets = this.framesByNode.get(targetName) ?? [];
    if (targets.length === 0) return [];
    const sourceGroups = this.groupChain(source);
    const sampleTargetGroups = new Set(this.groupChain(targets[0] as Frame).map((group) => group.name));
    const shared = sourceGroups.find((group) => sampleTargetGroups.has(group.name));
    if (connection === ALL_TO_ONE) {
      if (shared) {
        throw new UnsupportedTopologyError(
          `all_to_one relationship from '${sourceName}' to '${targetName}' is not allowed: both are in scaling group '${shared.name}'`,
        );
      }
      const smallest = [...targets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
      return smallest ? [smallest] : [];
    }
    if (!shared) return targets;
    return targets.filter((target) => this.groupChain(target).some((group) => group.name === shared.name && group.id === shared.id));
  }
}
