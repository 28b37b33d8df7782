/**
 * Counts proxied exchanges that have started and not yet finished (or been aborted), so shutdown
 * can wait for them before closing the upstream connection pools.
 */
export class InFlightRequests {
  private active = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.active;
  }

  /**
   * Marks one exchange as started; call the returned function when it ends (extra calls are ignored).
   * @example const done = inFlight.begin(); res.once('close', done);
   */
  begin(): () => void {
    this.active += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active -= 1;
      if (this.active === 0) this.wakeWaiters();
    };
  }

  /** Resolves once no exchange is in flight (at once if none is). Callers bound the wait themselves. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
