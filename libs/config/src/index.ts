export { ConfigError, loadConfig, type Config, type ConfigShape, type LoadConfigOptions } from './load';
export { envBool, envDurationMs, envEnum, envInt, envList, envPort, envString, envUrl } from './fields';
