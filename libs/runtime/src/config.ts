import { envDurationMs, envEnum } from '@cfy/config';

/** Config keys every service accepts; spread into a service's own shape. */
export const baseServiceConfig = {
  LOG_LEVEL: envEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envDurationMs().default(30_000),
};
