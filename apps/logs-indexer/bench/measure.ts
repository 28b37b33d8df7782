import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IndexInspector } from '../src/testing/elasticsearch';

/** Resident memory of a process in MiB (Linux /proc): now, and the peak since it started. */
export async function residentMemory(pid: number): Promise<{ currentMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { currentMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the highest sample. */
export class RssSampler {
  private maxMiB = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(pid: number, intervalMs = 250) {
    this.loop = (async () => {
      while (this.running) {
        try {
          this.maxMiB = Math.max(this.maxMiB, (await residentMemory(pid)).currentMiB);
        } catch {
          return; // the process is gone
        }
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<number> {
    this.running = false;
    await this.loop;
    return this.maxMiB;
  }
}

/** Polls `_count` (after a refresh) until it reaches `expected`; resolves with the time it did. */
export async function waitForCount(inspector: IndexInspector, pattern: string, expected: number, timeoutMs: number, intervalMs = 250): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const count = await inspector.count(pattern);
    if (count >= expected) return performance.now();
    if (performance.now() > deadline) throw new Error(`only ${count} of ${expected} documents searchable after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** The `q` quantile (0..1) of `values` by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** Linux reports process CPU times in clock ticks of USER_HZ, which is 100 on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) a process has used so far, in seconds; 0 once it is gone. */
export async function processCpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of the whole machine so far (all cores), in seconds, from /proc/stat. */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** Pids of the processes whose command line contains `needle` (e.g. the broker's and Elasticsearch's). */
export async function pidsMatching(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds used by named groups of processes between `start()` and `stop()`. */
export class CpuAccount {
  private before = new Map<string, number>();
  private machineBefore = { busy: 0, total: 0 };

  constructor(private readonly groups: Readonly<Record<string, () => Promise<number>>>) {}

  async start(): Promise<void> {
    this.machineBefore = await machineCpuSeconds();
    for (const [name, read] of Object.entries(this.groups)) this.before.set(name, await read());
  }

  /** Seconds per group, plus `machine busy` and `machine total` (all cores). */
  async stop(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const [name, read] of Object.entries(this.groups)) result[name] = (await read()) - (this.before.get(name) ?? 0);
    const machine = await machineCpuSeconds();
    result['machine busy'] = machine.busy - this.machineBefore.busy;
    result['machine total'] = machine.total - this.machineBefore.total;
    return result;
  }
}
