import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type LogLevel, type Logger } from '@cfy/logging';
import { ServiceLifecycle } from './lifecycle';
import { Readiness } from './readiness';

/** What a service's `start` receives: the pieces it registers its resources with. */
export interface ServiceContext {
  readonly logger: Logger;
  readonly lifecycle: ServiceLifecycle;
  readonly readiness: Readiness;
}

export interface RunServiceOptions {
  readonly name: string;
  readonly logLevel?: LogLevel;
  /** Upper bound for the whole shutdown (default 30 000 ms); past it the process exits 1. */
  readonly shutdownTimeoutMs?: number;
  /** Builds and starts the service; register shutdown hooks on `ctx.lifecycle` as resources open. */
  readonly start: (ctx: ServiceContext) => Promise<void>;
  /** Injected for tests; default `process`. */
  readonly process?: NodeJS.Process;
  readonly logger?: Logger;
}

/**
 * The only place a service touches process signals. SIGTERM/SIGINT start the ordered shutdown
 * and exit 0 (1 if a hook failed or the time limit passed); a second signal exits at once (130);
 * an unhandled rejection or uncaught exception is logged and exits 1.
 * @example void runService({ name: 'logs-indexer', start: async (ctx) => { ... } });
 */
export async function runService(options: RunServiceOptions): Promise<ServiceLifecycle> {
  const proc = options.process ?? process;
  const logger = options.logger ?? createLogger({ name: options.name, level: options.logLevel ?? 'info', pretty: proc.stdout.isTTY });
  const lifecycle = new ServiceLifecycle(logger);
  const readiness = new Readiness();
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  let signals = 0;

  const exitAfterShutdown = (reason: string, failureCode: number): void => {
    const timer = setTimeout(() => {
      logger.error('shutdown time limit passed; exiting', { timeout_ms: shutdownTimeoutMs });
      proc.exit(1);
    }, shutdownTimeoutMs);
    timer.unref();
    void lifecycle.shutdown(reason).then((report) => {
      clearTimeout(timer);
      proc.exit(report.state === 'stopped' && failureCode === 0 ? 0 : Math.max(failureCode, 1));
    });
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn('second signal: exiting now', { signal });
      proc.exit(130);
      return;
    }
    exitAfterShutdown(signal, 0);
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
  proc.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection', { err: reason });
    proc.exit(1);
  });
  proc.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { err: error });
    proc.exit(1);
  });

  try {
    await options.start({ logger, lifecycle, readiness });
    lifecycle.markRunning();
    logger.info('service started');
  } catch (error) {
    logger.error('service failed to start', { err: error });
    exitAfterShutdown('start failed', 1);
  }
  return lifecycle;
}

/**
 * Starts listening and registers closing the server as the first shutdown step (stop intake):
 * new connections are refused, idle keep-alive sockets closed, in-flight requests finish.
 */
export async function listen(server: Server, ctx: ServiceContext, port: number, host = '0.0.0.0'): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ctx.lifecycle.onShutdown('stop-intake', 'http server', () => closeServer(server));
  const address = server.address() as AddressInfo;
  ctx.logger.info('listening', { host: address.address, port: address.port });
  return address;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
