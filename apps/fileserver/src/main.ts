import { createServer } from 'node:http';
import { ConfigError } from '@cfy/config';
import { listen, runService } from '@cfy/runtime';
import { createFileserverApp } from './app';
import { loadFileserverConfig, type FileserverConfig } from './config';
import { ResourceStore } from './resource-store';

// Config is read before runService so LOG_LEVEL and SHUTDOWN_TIMEOUT_MS apply to the runtime itself.
let config: FileserverConfig | undefined;
try {
  config = loadFileserverConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`fileserver: ${error.message}\n`);
  process.exitCode = 1;
}

if (config !== undefined) {
  const settings = config;
  void runService({
    name: 'fileserver',
    logLevel: settings.LOG_LEVEL,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    start: async (ctx) => {
      const store = await ResourceStore.open({
        root: settings.RESOURCES_ROOT,
        maxArchiveBytes: settings.MAX_ARCHIVE_BYTES,
        limits: {
          maxExtractedBytes: settings.MAX_EXTRACTED_BYTES,
          maxEntries: settings.MAX_ARCHIVE_ENTRIES,
          maxCompressionRatio: settings.MAX_COMPRESSION_RATIO,
        },
        logger: ctx.logger.child({ component: 'resource-store' }),
      });
      ctx.readiness.add('resources root', () => store.checkWritable());
      const app = createFileserverApp({ ...ctx, store, internalToken: settings.INTERNAL_TOKEN });
      ctx.logger.info('resources root ready', { root: store.root, internal_token: settings.INTERNAL_TOKEN !== undefined });
      await listen(createServer(app), ctx, settings.PORT, settings.HOST);
    },
  });
}
