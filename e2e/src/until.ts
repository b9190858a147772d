// Polling for a condition in tests that drive real processes, where no event
// tells us a cluster has elected a leader or a member has caught up.

export interface UntilOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Stops polling early; the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * Calls `probe` until it returns a value other than undefined; a throw counts
 * as "not yet" (the process may still be starting). On timeout the error
 * names `what` and carries the last probe failure as its cause.
 */
export async function until<T>(what: string, options: UntilOptions, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    }
    await sleep(options.intervalMs ?? 50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
