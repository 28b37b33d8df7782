import type { Logger } from '@cfy/logging';

/**
 * Shutdown runs in this order (STYLE.md "Ordered shutdown"): mark not-ready happens first and
 * implicitly; then stop intake, drain in-flight work, flush sinks, close connections.
 */
export const SHUTDOWN_PHASES = ['stop-intake', 'drain', 'flush', 'close'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export type LifecycleState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

interface ShutdownHook {
  readonly name: string;
  readonly phase: ShutdownPhase;
  readonly run: () => Promise<void> | void;
  readonly timeoutMs: number;
}

export interface ShutdownReport {
  readonly state: 'stopped' | 'failed';
  /** Hooks that threw or ran past their time limit. */
  readonly failures: readonly string[];
}

class HookTimeoutError extends Error {}

/**
 * The life of a service process as an explicit state machine:
 * starting → running → stopping → stopped | failed. Shutdown is idempotent: a second call returns
 * the first call's promise. Each hook has its own time limit and its failure is logged, not thrown,
 * so one stuck sink never prevents closing the others.
 */
export class ServiceLifecycle {
  private currentState: LifecycleState = 'starting';
  private readonly hooks: ShutdownHook[] = [];
  private shutdownPromise: Promise<ShutdownReport> | undefined;

  constructor(private readonly logger: Logger) {}

  get state(): LifecycleState {
    return this.currentState;
  }

  /** True while the service should receive work (drives `/ready`). */
  get accepting(): boolean {
    return this.currentState === 'running';
  }

  markRunning(): void {
    if (this.currentState === 'starting') this.currentState = 'running';
  }

  /**
   * Registers a hook for a shutdown phase. Hooks of one phase run concurrently; phases run in order.
   * @param timeoutMs default 10 000 ms
   * @example lifecycle.onShutdown('close', 'amqp connection', () => connection.close());
   */
  onShutdown(phase: ShutdownPhase, name: string, run: () => Promise<void> | void, timeoutMs = 10_000): void {
    this.hooks.push({ name, phase, run, timeoutMs });
  }

  shutdown(reason: string): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.runShutdown(reason);
    return this.shutdownPromise;
  }

  private async runShutdown(reason: string): Promise<ShutdownReport> {
    this.currentState = 'stopping';
    this.logger.info('shutting down', { reason });
    const failures: string[] = [];
    for (const phase of SHUTDOWN_PHASES) {
      const hooks = this.hooks.filter((hook) => hook.phase === phase);
      const results = await Promise.allSettled(hooks.map((hook) => runWithTimeout(hook)));
      results.forEach((result, index) => {
        const hook = hooks[index];
        if (result.status === 'fulfilled' || !hook) return;
        const timedOut = result.reason instanceof HookTimeoutError;
        failures.push(`${phase}/${hook.name}`);
        this.logger.error(timedOut ? 'shutdown hook timed out' : 'shutdown hook failed', {
          phase,
          hook: hook.name,
          timeout_ms: hook.timeoutMs,
          err: timedOut ? undefined : result.reason,
        });
      });
      this.logger.debug('shutdown phase done', { phase, hooks: hooks.length });
    }
    this.currentState = failures.length === 0 ? 'stopped' : 'failed';
    this.logger.info('shut down', { state: this.currentState, failures });
    return { state: this.currentState, failures };
  }
}

async function runWithTimeout(hook: ShutdownHook): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HookTimeoutError(hook.name)), hook.timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(hook.run), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
