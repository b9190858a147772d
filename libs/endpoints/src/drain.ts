// Waiting for a response's write buffer to empty, without waiting forever:
// the client may vanish ('close') or the caller may give up (signal).

import type { ResponseSink } from './http-types.ts';

export type DrainResult = 'drained' | 'closed' | 'aborted' | 'timeout';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function waitForDrain(res: ResponseSink, signal: AbortSignal | undefined, timeoutMs: number | undefined, timers: Timers = SYSTEM_TIMERS): Promise<DrainResult> {
  if (signal?.aborted === true) return Promise.resolve('aborted');
  return new Promise<DrainResult>((resolve) => {
    let timer: unknown;
    const finish = (r: DrainResult): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) timers.clearTimeout(timer);
      resolve(r);
    };
    const onDrain = (): void => finish('drained');
    const onClose = (): void => finish('closed');
    const onAbort = (): void => finish('aborted');
    res.once('drain', onDrain);
    res.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) timer = timers.setTimeout(() => finish('timeout'), timeoutMs);
  });
}
