/**
 * Resolves true when `promise` settles (either way) within `ms`, false otherwise. Never rejects and
 * leaves no timer behind: for the time limits of shutdown steps.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A set of promise callbacks woken together, e.g. everyone waiting for "idle". */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Resolves on the next wake(). */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiting.add(resolve));
  }

  wake(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const resolve of waiting) resolve();
  }
}
