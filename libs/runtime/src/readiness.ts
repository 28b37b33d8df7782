/** A dependency check: resolves when the dependency answers, throws otherwise. */
export type ReadinessProbe = () => Promise<void>;

export interface ReadinessResult {
  readonly ready: boolean;
  readonly checks: Record<string, 'ok' | string>;
}

/**
 * The dependencies `/ready` checks. Probes run concurrently, each bounded by `timeoutMs`, so a hung
 * dependency makes the service not-ready instead of hanging the probe.
 */
export class Readiness {
  private readonly probes = new Map<string, ReadinessProbe>();

  constructor(private readonly timeoutMs = 2_000) {}

  /** @example readiness.add('elasticsearch', () => es.ping()); */
  add(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  async check(): Promise<ReadinessResult> {
    const entries = await Promise.all(
      [...this.probes].map(async ([name, probe]) => [name, await this.run(probe)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, outcome]) => outcome === 'ok'), checks };
  }

  private async run(probe: ReadinessProbe): Promise<'ok' | string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
