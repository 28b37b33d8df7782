export { parseBlueprint, type ParseBlueprintOptions } from './parser';
export { prepareDeploymentPlan, type PrepareDeploymentPlanOptions } from './deployment-plan';
export {
  DSLParsingError,
  FunctionEvaluationError,
  ImportNotFoundError,
  ImportTimeoutError,
  MissingRequiredInputError,
  type SourceLocation,
  UNCODED_ERROR,
  UnknownInputError,
  UnsupportedTopologyError,
} from './errors';
export { createInMemoryResolver, type ImportResolver } from './resolver';
export { type IdGenerator, randomIdGenerator, sequentialIdGenerator } from './ids';
export { BUILTIN_TYPES_YAML, isBuiltinTypesLocation } from './builtin-types';
export { SUPPORTED_VERSIONS } from './version';
export { FUNCTION_NAMES, isFunction } from './functions';
export type { Json, JsonMap } from './json';
export type {
  DeploymentPlan,
  Plan,
  PlanGroup,
  PlanGroupPolicy,
  PlanInterfaceOperation,
  PlanInterfaces,
  PlanNode,
  PlanNodeRelationship,
  PlannedNodeInstance,
  PlanOperation,
  PlanPlugin,
  PlanRelationshipType,
  PlanScalingGroup,
  PlanScalingPolicy,
  PlanWorkflow,
  ScalableProperties,
} from './plan-types';
