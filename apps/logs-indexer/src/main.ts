import { createServer } from 'node:http';
import { ConfigError } from '@cfy/config';
import { listen, runService } from '@cfy/runtime';
import { createIndexerApp } from './app';
import { loadIndexerConfig, type IndexerConfig } from './config';
import { LogsIndexer } from './indexer';

// Config is read before runService because the log level and the shutdown time limit are needed
// to start the runtime itself; a bad config is reported (every bad key) and exits 1.
const config = loadConfigOrExit();

void runService({
  name: 'logs-indexer',
  logLevel: config.LOG_LEVEL,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async (ctx) => {
    const indexer = new LogsIndexer(config);
    const app = createIndexerApp({ ...ctx, stats: () => indexer.stats() });
    // Liveness first, so /health answers while the indexer waits for its backends.
    await listen(createServer(app), ctx, config.LIVENESS_PORT, config.HOST);
    await indexer.start(ctx);
  },
});

function loadConfigOrExit(): IndexerConfig {
  try {
    return loadIndexerConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`logs-indexer: ${error.message}\n`);
    process.exit(1);
  }
}
