// kube-apiserver's graceful termination, as a sequence of phases:
//
//   serving → shutdownInitiated       /readyz fails at once; everything else is still served,
//                                     so the load balancer sees the probe fail and drains us
//           → notAcceptingNewRequests after --shutdown-delay-duration: the listener closes, HTTP/2
//                                     sessions get GOAWAY, idle HTTP/1.1 connections close, and a
//                                     new non-long-running request that still arrives gets 503
//                                     "apiserver is shutting down" with Retry-After: 1
//           → inFlightDrained         every non-long-running request has finished (each is bounded
//                                     by --request-timeout, so this wait is bounded too)
//           → watchesClosed           every watch ends cleanly (a normal end of the response), so
//                                     client-go and kubectl -w resume from their last
//                                     resourceVersion on another replica
//           → stopped                 the listener's last connection is gone
//
// Watches never finish on their own, so they are ended explicitly once the
// short requests are done, as kube's watch handlers observe its shutdown
// signal; a watch started after that point ends at once, and a client that
// re-watches reaches another replica because the listener is already closed.

import type { Timers } from './drain.ts';

export const SHUTDOWN_PHASES = ['serving', 'shutdownInitiated', 'notAcceptingNewRequests', 'inFlightDrained', 'watchesClosed', 'stopped'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** kube's message for a request refused during shutdown (filters.WithWaitGroup). */
export const SHUTTING_DOWN_MESSAGE = 'apiserver is shutting down';

export function phaseAtLeast(phase: ShutdownPhase, than: ShutdownPhase): boolean {
  return SHUTDOWN_PHASES.indexOf(phase) >= SHUTDOWN_PHASES.indexOf(than);
}

/**
 * Requests in flight of one kind, and who waits for none to be left (kube's
 * SafeWaitGroup). Its size is bounded by the requests the server admits (the
 * max-in-flight limits and the sockets open), so it needs no bound of its own.
 */
export class RequestWaitGroup {
  #count = 0;
  #idle: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  /** Counts one request; call the returned function exactly when it is finished (idempotent). */
  add(): () => void {
    this.#count++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#count--;
      if (this.#count < 0) throw new Error('RequestWaitGroup: count went negative');
      if (this.#count === 0) {
        const idle = this.#idle;
        this.#idle = [];
        for (const resolve of idle) resolve();
      }
    };
  }

  /** Resolves once no request is counted. */
  wait(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** Resolves 'done' when `p` settles, or 'timeout' after ms (the timer is cleared either way). */
export function within(p: Promise<unknown>, ms: number, timers: Timers): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve('timeout'), ms);
    const done = (): void => {
      timers.clearTimeout(timer);
      resolve('done');
    };
    p.then(done, done);
  });
}

export function sleep(ms: number, timers: Timers): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => timers.setTimeout(resolve, ms));
}

/** What the server does at each step; the sequence decides when. */
export interface ShutdownSteps {
  readonly timers: Timers;
  /** --shutdown-delay-duration: how long /readyz fails while everything is still served. */
  readonly delayMs: number;
  /** The bound on waiting for non-long-running requests (the request timeout plus a margin). */
  readonly drainTimeoutMs: number;
  /** After watches are told to end: how long connections get to close before they are destroyed. */
  readonly closeGraceMs: number;
  readonly setPhase: (phase: ShutdownPhase) => void;
  readonly nonLongRunning: RequestWaitGroup;
  readonly longRunning: RequestWaitGroup;
  /** Close the listener, GOAWAY HTTP/2 sessions, close idle HTTP/1.1 connections. */
  readonly stopAccepting: () => void;
  /** Ask every long-running request to end its response normally. */
  readonly endLongRunning: () => void;
  /** Resolves when the listener has closed and its last connection is gone. */
  readonly serverClosed: Promise<void>;
  /** Tear down whatever connection is left (after closeGraceMs). */
  readonly destroyConnections: () => void;
}

/** Runs the phases in order; each wait is bounded, so this always finishes. */
export async function runShutdown(s: ShutdownSteps): Promise<void> {
  for (const ms of [s.delayMs, s.drainTimeoutMs, s.closeGraceMs]) {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`runShutdown: durations must be finite and non-negative, got ${ms}`);
  }
  s.setPhase('shutdownInitiated');
  await sleep(s.delayMs, s.timers);
  s.setPhase('notAcceptingNewRequests');
  s.stopAccepting();
  await within(s.nonLongRunning.wait(), s.drainTimeoutMs, s.timers);
  s.setPhase('inFlightDrained');
  s.endLongRunning();
  if ((await within(s.longRunning.wait(), s.closeGraceMs, s.timers)) === 'timeout') s.destroyConnections();
  s.setPhase('watchesClosed');
  if ((await within(s.serverClosed, s.closeGraceMs, s.timers)) === 'timeout') s.destroyConnections();
  await s.serverClosed;
  s.setPhase('stopped');
}
