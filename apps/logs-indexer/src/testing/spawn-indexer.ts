import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '@cfy/testing';
import { z } from 'zod';

/*
 * The real service as a child process (`node --max-old-space-size=160 --import tsx src/main.ts`,
 * the package's start command), for the tests that kill it, signal it or cut its network. Node
 * runs tsx as a loader in the same process, so the pid is the service itself and `kill -9` hits
 * it, not a wrapper.
 */

const REPO_ROOT = resolve(__dirname, '../../../..');
const MAIN = resolve(__dirname, '../main.ts');
/**
 * The service's heap cap, as in package.json `start`: without it V8 lets the old generation fill
 * with promoted garbage (every message lives a few hundred ms) up to ~300 MB RSS before collecting.
 */
const NODE_FLAGS = ['--max-old-space-size=160'];

const counters = z.object({
  indexed: z.number(),
  invalid: z.number(),
  rejected: z.number(),
  redelivered: z.number(),
  in_flight: z.number().optional(),
  consuming: z.boolean().optional(),
  dead_lettered: z.number().nullable(),
});

/** The parts of `GET /stats` tests read. */
export const statsSchema = z.object({
  streams: z.object({ events: counters, logs: counters }),
  bulk: z.object({ stored: z.number(), dropped: z.number(), requests: z.number(), pending: z.number() }),
});
export type StatsBody = z.infer<typeof statsSchema>;

const logLine = z.looseObject({ msg: z.string(), port: z.number().optional() });

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class SpawnedIndexer {
  private output = '';
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: Promise<number>,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
    });
  }

  /**
   * Starts the service with `env` on top of this process's environment (LIVENESS_PORT=0 unless
   * given) and resolves once it listens; rejects with its output if it exits first.
   */
  static async start(env: Readonly<Record<string, string>>): Promise<SpawnedIndexer> {
    const spawned = SpawnedIndexer.launch(env);
    const started = await Promise.race([spawned.port.then(() => true), spawned.exited.then(() => false)]);
    if (!started) throw new Error(`indexer exited before listening:\n${spawned.logs()}`);
    return spawned;
  }

  /** Starts the service without waiting for anything (e.g. to watch it refuse a bad config). */
  static launch(env: Readonly<Record<string, string>>): SpawnedIndexer {
    const child = spawn(process.execPath, [...NODE_FLAGS, '--import', 'tsx', MAIN], {
      cwd: REPO_ROOT,
      env: { ...process.env, LIVENESS_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let announce: (port: number) => void = () => undefined;
    const port = new Promise<number>((resolvePort) => (announce = resolvePort));
    const spawned = new SpawnedIndexer(child, port);
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      spawned.record(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = parseLine(line);
        if (parsed?.msg === 'listening' && parsed.port !== undefined) announce(parsed.port);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => spawned.record(chunk));
    return spawned;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('no pid');
    return this.child.pid;
  }

  /** Undefined while the process runs. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  logs(): string {
    return this.output;
  }

  async url(path: string): Promise<string> {
    return `http://127.0.0.1:${await this.port}${path}`;
  }

  async stats(): Promise<StatsBody> {
    const response = await fetch(await this.url('/stats'));
    return statsSchema.parse(await response.json());
  }

  async readyStatus(): Promise<number> {
    const response = await fetch(await this.url('/ready'));
    await response.body?.cancel();
    return response.status;
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => ((await this.readyStatus()) === 200 ? true : undefined), { timeoutMs, intervalMs: 200, what: 'indexer /ready' });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /** SIGKILLs the process if it still runs (test clean-up). */
  async dispose(): Promise<void> {
    if (this.exit === undefined) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  private record(chunk: Buffer): void {
    // Keep the tail only: enough to explain a failure, bounded on long runs.
    this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
  }
}

function parseLine(line: string): z.infer<typeof logLine> | undefined {
  try {
    const result = logLine.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
