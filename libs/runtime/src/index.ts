export { baseServiceConfig } from './config';
export { createHttpApp, errorMapper, toErrorResponse, type HttpAppOptions } from './http';
export { SHUTDOWN_PHASES, ServiceLifecycle, type LifecycleState, type ShutdownPhase, type ShutdownReport } from './lifecycle';
export { Readiness, type ReadinessProbe, type ReadinessResult } from './readiness';
export { listen, runService, type RunServiceOptions, type ServiceContext } from './run';
export { KeyedMutex } from './keyed-mutex';
