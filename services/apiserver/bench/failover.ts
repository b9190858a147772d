// Failover as clients see it: `loops` clients, each on its own HTTP/2
// session through HAProxy, each GETting one object every PACE_MS. Once all
// of them are served, the victim replica is killed (SIGKILL: no draining,
// no unready /readyz first). A client whose request or connection fails
// drops its session and reconnects on its next turn, as client-go does, so
// HAProxy decides where the new connection goes. A session found broken
// between requests counts as a failure too. The run ends once every
// cut-off client is served again (and at least `afterKillMs` has passed),
// or at `maxOutageMs`; failover-tally.ts does the arithmetic.

import { BenchHttpError } from './kube-session.ts';
import type { KubeSession } from './kube-session.ts';
import { FailoverTally } from './failover-tally.ts';
import type { FailoverRun } from './failover-tally.ts';

/** One request per client per PACE_MS: the resolution of the measured times, and light enough to leave the CPU to the restart. */
export const PACE_MS = 10;
/** A connect or request that takes longer counts as failed: a client would not wait longer during an outage. */
const ATTEMPT_TIMEOUT_MS = 5_000;
/** Every client must be served once before the kill; a cluster that cannot do that is broken, not failing over. */
const STEADY_TIMEOUT_MS = 30_000;

export interface FailoverOptions {
  readonly loops: number;
  readonly connect: () => Promise<KubeSession>;
  /** The GET each client repeats (one object). */
  readonly path: string;
  /** How long all clients run, served, before the kill. */
  readonly steadyMs: number;
  /** The run lasts at least this long after the kill. */
  readonly afterKillMs: number;
  /** Gives up waiting for recovery this long after the kill. */
  readonly maxOutageMs: number;
  /** Kills (for one replica: kills and restarts) the victim; chosen by the caller once every client is served. */
  readonly kill: () => Promise<void>;
}

export interface FailoverResult extends FailoverRun {
  readonly succeeded: number;
  readonly firstError: unknown;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function within<T>(p: Promise<T>, ms: number, what: string, onLate: (v: T) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new BenchHttpError('timeout', `${what}: nothing within ${ms} ms`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        if (late) onLate(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function runFailover(o: FailoverOptions): Promise<FailoverResult> {
  const tally = new FailoverTally(o.loops);
  const servedOnce = new Set<number>();
  let stopped = false;
  let succeeded = 0;
  let firstError: unknown;

  const loop = async (i: number): Promise<void> => {
    let session: KubeSession | undefined;
    while (!stopped) {
      const t0 = performance.now();
      try {
        if (session?.closed === true) {
          // The connection broke while this client was between requests: as much a cut-off as a failed request, and
          // without counting it a client whose reconnect merely stalls (HAProxy retrying the dead replica) would look unharmed.
          tally.failure(i, performance.now());
          session = undefined;
        }
        if (session === undefined) {
          session = await within(o.connect(), ATTEMPT_TIMEOUT_MS, 'connect', (s) => void s.close());
        }
        const r = await within(session.request('GET', o.path), ATTEMPT_TIMEOUT_MS, `GET ${o.path}`, () => {});
        // Status 0: the stream ended with no response at all, which is how a connection that broke mid-request shows.
        if (r.status !== 200) throw new BenchHttpError('status', `GET ${o.path}: ${r.status === 0 ? 'no response (the connection broke)' : r.status}`, { status: r.status });
        tally.success(i, performance.now());
        servedOnce.add(i);
        succeeded++;
      } catch (e) {
        tally.failure(i, performance.now());
        if (tally.killed) firstError ??= e;
        const broken = session;
        session = undefined;
        if (broken !== undefined) void broken.close();
      }
      await sleep(Math.max(0, PACE_MS - (performance.now() - t0)));
    }
    await session?.close();
  };

  const loops = Array.from({ length: o.loops }, (_, i) => loop(i));
  try {
    const steadyBy = performance.now() + STEADY_TIMEOUT_MS;
    while (servedOnce.size < o.loops) {
      if (performance.now() > steadyBy) throw new Error(`only ${servedOnce.size} of ${o.loops} clients served within ${STEADY_TIMEOUT_MS} ms, before any kill`);
      await sleep(PACE_MS);
    }
    await sleep(o.steadyMs);
    const killedAt = performance.now();
    tally.kill(killedAt);
    await o.kill();
    for (;;) {
      const since = performance.now() - killedAt;
      if (since >= o.maxOutageMs || (since >= o.afterKillMs && tally.allRecovered)) break;
      await sleep(PACE_MS);
    }
  } finally {
    stopped = true;
    await Promise.all(loops);
  }
  return { ...tally.result(), succeeded, firstError };
}
