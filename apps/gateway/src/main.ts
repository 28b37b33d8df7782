import { type Server, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { ConfigError } from '@cfy/config';
import { listen, runService } from '@cfy/runtime';
import { createGatewayApp } from './app';
import { type GatewayConfig, loadGatewayConfig } from './config';
import { InFlightRequests } from './in-flight';
import { cloudifyRoutes } from './routes';
import { createUpstream } from './upstream';

// Config is read before runService because the log level and the shutdown time limit are needed
// to start the runtime itself; a bad config is reported (every bad key) and exits 1.
const config = loadConfigOrExit();

void runService({
  name: 'gateway',
  logLevel: config.LOG_LEVEL,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  start: async (ctx) => {
    const restService = createUpstream('rest-service', config.REST_SERVICE_URL, { maxSockets: config.UPSTREAM_MAX_SOCKETS });
    const fileserver = createUpstream('fileserver', config.FILESERVER_URL, { maxSockets: config.UPSTREAM_MAX_SOCKETS });
    const inFlight = new InFlightRequests();
    const app = createGatewayApp({
      ...ctx,
      routes: cloudifyRoutes({ restService, fileserver }),
      inFlight,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      readyProbeTimeoutMs: config.READY_PROBE_TIMEOUT_MS,
    });

    const servers: Server[] = [];
    // Registered before listening: shutdown phases run in order regardless, and a failed start
    // must still release whatever was opened.
    ctx.lifecycle.onShutdown('drain', 'in-flight proxied requests', () => inFlight.idle(), config.DRAIN_TIMEOUT_MS);
    ctx.lifecycle.onShutdown('close', 'client connections and upstream pools', () => {
      for (const server of servers) server.closeAllConnections();
      restService.agent.destroy();
      fileserver.agent.destroy();
    });

    const server = createServer(app);
    servers.push(server);
    await listen(server, ctx, config.PORT, config.HOST);
    if (config.TLS_CERT !== undefined && config.TLS_KEY !== undefined) {
      const tlsServer = createTlsServer({ cert: config.TLS_CERT, key: config.TLS_KEY }, app);
      servers.push(tlsServer);
      await listen(tlsServer, ctx, config.TLS_PORT, config.HOST);
    }
  },
});

function loadConfigOrExit(): GatewayConfig {
  try {
    return loadGatewayConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`gateway: ${error.message}\n`);
    process.exit(1);
  }
}
