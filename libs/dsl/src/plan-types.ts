import { type Json, type JsonMap } from './json';

/** A plugin as it appears in plan lists (dsl.md §8 `<plugin>`; unset keys are null). */
export interface PlanPlugin {
  name: string;
  executor: string | null;
  source: string | null;
  install: boolean;
  install_arguments: string | null;
  package_name: string | null;
  package_version: string | null;
  supported_platform: string | null;
  distribution: string | null;
  distribution_version: string | null;
  distribution_release: string | null;
}

/** A resolved operation (`operations`, `source_operations`, `target_operations`). No-op: plugin/operation `''`, executor null. */
export interface PlanOperation {
  plugin: string;
  operation: string;
  executor: string | null;
  inputs: JsonMap;
  has_intrinsic_functions: boolean;
  max_retries: number | null;
  retry_interval: number | null;
}

/** An operation definition after merging types and templates (`interfaces.<iface>.<op>`). */
export interface PlanInterfaceOperation {
  implementation: string;
  inputs: JsonMap;
  executor: string | null;
  max_retries: number | null;
  retry_interval: number | null;
}

export type PlanInterfaces = Record<string, Record<string, PlanInterfaceOperation>>;

/** The five scalable properties; values may still be intrinsic functions in a plan. */
export interface ScalableProperties {
  default_instances: Json;
  min_instances: Json;
  max_instances: Json;
  current_instances: Json;
  planned_instances: Json;
}

export interface PlanNodeRelationship {
  type: string;
  target_id: string;
  type_hierarchy: string[];
  properties: JsonMap;
  source_interfaces: PlanInterfaces;
  target_interfaces: PlanInterfaces;
  source_operations: Record<string, PlanOperation>;
  target_operations: Record<string, PlanOperation>;
}

export interface PlanNode {
  id: string;
  name: string;
  type: string;
  type_hierarchy: string[];
  properties: JsonMap;
  instances: { deploy?: number };
  capabilities: { scalable: { properties: ScalableProperties } };
  interfaces: PlanInterfaces;
  operations: Record<string, PlanOperation>;
  relationships: PlanNodeRelationship[];
  /** Name of the Compute node hosting this node (its own name for a Compute); absent when unhosted. */
  host_id?: string;
  plugins: PlanPlugin[];
  /** Compute nodes only: host_agent plugins of every node hosted on it. */
  plugins_to_install?: PlanPlugin[];
  deployment_plugins_to_install: PlanPlugin[];
}

export interface PlanRelationshipType {
  name: string;
  derived_from?: string;
  type_hierarchy: string[];
  properties: Record<string, JsonMap>;
  source_interfaces: PlanInterfaces;
  target_interfaces: PlanInterfaces;
}

export interface PlanWorkflow {
  plugin: string;
  operation: string;
  parameters: Record<string, JsonMap>;
}

export interface PlanGroupPolicy {
  type: string;
  properties: JsonMap;
  triggers: Record<string, { type: string; parameters: JsonMap }>;
}

export interface PlanGroup {
  members: string[];
  policies: Record<string, PlanGroupPolicy>;
}

export interface PlanScalingPolicy {
  type: string;
  targets: string[];
  properties: ScalableProperties;
}

export interface PlanScalingGroup {
  members: string[];
  properties: ScalableProperties;
}

/** The parser output stored as `Blueprint.plan` (dsl.md §8). */
export interface Plan {
  version: { raw: string; definitions_name: string; definitions_version: number[] };
  description: string | null;
  inputs: Record<string, JsonMap>;
  outputs: Record<string, JsonMap>;
  nodes: PlanNode[];
  relationships: Record<string, PlanRelationshipType>;
  workflows: Record<string, PlanWorkflow>;
  policy_types: Record<string, { properties: Record<string, JsonMap>; source: string }>;
  policy_triggers: Record<string, { parameters: Record<string, JsonMap>; source: string }>;
  groups: Record<string, PlanGroup>;
  policies: Record<string, PlanScalingPolicy>;
  scaling_groups: Record<string, PlanScalingGroup>;
  deployment_plugins_to_install: PlanPlugin[];
  workflow_plugins_to_install: PlanPlugin[];
}

/** A node instance as planned at deployment creation (dsl.md §10.3). */
export interface PlannedNodeInstance {
  id: string;
  name: string;
  node_id: string;
  host_id?: string;
  relationships: { type: string; target_name: string; target_id: string }[];
  scaling_groups?: { name: string; id: string }[];
}

/** `prepareDeploymentPlan` output: the plan with input values, evaluated functions and node instances. */
export interface DeploymentPlan extends Omit<Plan, 'inputs'> {
  inputs: JsonMap;
  node_instances: PlannedNodeInstance[];
}
