export {
  ENDPOINT_ENV,
  LOCAL_STACK_HINT,
  ServiceUnavailableError,
  dockerEngineReachable,
  resolveEndpoint,
  type ServiceEndpoint,
  type ServiceKind,
} from './endpoints';
export { isolationToken } from './isolation';
export {
  ElasticsearchFixture,
  InfluxDbFixture,
  RabbitMqFixture,
  useElasticsearch,
  useInfluxDb,
  useRabbitMq,
} from './fixtures';
export { waitFor } from './wait';
export { RecordingLogger, type LogEntry } from './recording-logger';
export { freePort, repoRoot, startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export { readReply, writeInChunks, type Reply } from './http';
