import { ShuttingDownError } from './errors';

interface Upload {
  readonly controller: AbortController;
  readonly settled: Promise<void>;
}

/**
 * The uploads running now, so shutdown can let them finish or abort them. An aborted upload still
 * runs its own cleanup (it removes what it stored) before its promise settles, and `drain` waits
 * for that: nothing is left half-written when the process exits.
 * @example
 * const plan = await uploads.run(request.signal, (signal) => service.upload(id, body, signal));
 * // on shutdown:
 * await uploads.drain(8_000);
 */
export class InFlightUploads {
  private readonly uploads = new Set<Upload>();
  private closed = false;

  /** Uploads running now. */
  get size(): number {
    return this.uploads.size;
  }

  /**
   * Runs one upload. Its signal aborts when `external` does (client gone) or when a drain gives up.
   * @throws ShuttingDownError once `drain` was called
   */
  async run<T>(external: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) throw new ShuttingDownError();
    const controller = new AbortController();
    const onExternalAbort = (): void => controller.abort(external?.reason);
    external?.addEventListener('abort', onExternalAbort, { once: true });
    if (external?.aborted) onExternalAbort();
    const promise = work(controller.signal);
    const upload: Upload = { controller, settled: promise.then(() => undefined, () => undefined) };
    this.uploads.add(upload);
    try {
      return await promise;
    } finally {
      this.uploads.delete(upload);
      external?.removeEventListener('abort', onExternalAbort);
    }
  }

  /**
   * Refuses new uploads, waits up to `timeoutMs` for the running ones, then aborts the rest and
   * waits until they have cleaned up.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    const all = (): Promise<void> => Promise.all([...this.uploads].map((upload) => upload.settled)).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([all().then(() => 'done' as const), expired]);
      if (outcome === 'done') return;
    } finally {
      clearTimeout(timer);
    }
    for (const upload of this.uploads) upload.controller.abort(new ShuttingDownError());
    await all();
  }
}
