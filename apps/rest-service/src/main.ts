import { createServer } from 'node:http';
import { ConfigError } from '@cfy/config';
import { listen, runService } from '@cfy/runtime';
import { composeRestService } from './compose';
import { type RestServiceConfig, loadRestServiceConfig } from './config';

// Config is read before runService because the log level and the shutdown time limit are needed
// to start the runtime itself; a bad config is reported (every bad key) and exits 1.
const config = loadConfigOrExit();

void runService({
  name: 'rest-service',
  logLevel: config.LOG_LEVEL,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async (ctx) => {
    const { app } = await composeRestService(ctx, config);
    await listen(createServer(app), ctx, config.PORT, config.HOST);
  },
});

function loadConfigOrExit(): RestServiceConfig {
  try {
    return loadRestServiceConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`rest-service: ${error.message}\n`);
    process.exit(1);
  }
}
