/** One systemd-style unit instance as 3.4's `GET /status` reports it (rest-api §6.13). */
export interface ServiceInstance {
  readonly Id: string;
  readonly Description: string;
  readonly LoadState: string;
  readonly ActiveState: string;
  readonly SubState: string;
  readonly MainPID: number;
  /** Same as SubState; the CLI prints this one. */
  readonly state: string;
}

export interface ServiceStatus {
  readonly display_name: string;
  /** Empty when the service cannot be queried (not configured here). */
  readonly instances: ServiceInstance[];
}

export interface ManagerStatus {
  readonly status: 'running';
  readonly services: ServiceStatus[];
}

/**
 * A service `GET /status` reports on. `probe` resolves (optionally with the process id, when it is
 * known) when the service answers and rejects when it does not; without a probe the service is not
 * configured here and is listed with no instances.
 */
export interface StatusTarget {
  readonly displayName: string;
  /** Unit id, e.g. `elasticsearch.service`. */
  readonly unit: string;
  readonly description: string;
  readonly probe?: (signal: AbortSignal) => Promise<{ pid?: number } | void>;
}

/**
 * Builds the manager's status from live probes run concurrently, each bounded by `timeoutMs`. A
 * service that answers is `active/running`; one that fails or is silent is `failed/failed`.
 * @example await managerStatus([{ displayName: 'Elasticsearch', unit: 'elasticsearch.service', description: '…', probe }], 2_000)
 */
export async function managerStatus(targets: readonly StatusTarget[], timeoutMs: number): Promise<ManagerStatus> {
  const services = await Promise.all(targets.map((target) => statusOf(target, timeoutMs)));
  return { status: 'running', services };
}

async function statusOf(target: StatusTarget, timeoutMs: number): Promise<ServiceStatus> {
  if (!target.probe) return { display_name: target.displayName, instances: [] };
  const signal = AbortSignal.timeout(timeoutMs);
  let pid = 0;
  let up = true;
  try {
    const answer = await Promise.race([
      target.probe(signal),
      new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
    pid = answer?.pid ?? 0;
  } catch {
    up = false;
  }
  const [active, sub] = up ? ['active', 'running'] : ['failed', 'failed'];
  return {
    display_name: target.displayName,
    instances: [
      { Id: target.unit, Description: target.description, LoadState: 'loaded', ActiveState: active, SubState: sub, MainPID: up ? pid : 0, state: sub },
    ],
  };
}
