export { runCli, buildProgram, COMPATIBLE_CLI_VERSION } from './program';
export { type CliIo, type TextSink } from './io';
export { MANAGER_URL_ENV, USERNAME_ENV, PASSWORD_ENV } from './manager';
export { RestClient, type RestClientOptions, API_PREFIX } from './rest-client';
export { ManagerConnectionError, ManagerHttpError, UnexpectedResponseError } from './rest-errors';
