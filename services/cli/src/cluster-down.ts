// `logbook cluster down --dir D`: stops every process of the cluster, one tier
// at a time in STOP_ORDER (apiservers, HAProxy, store, peer proxies, NATS), each with
// SIGTERM, a bounded wait, then SIGKILL; removes the pid files. Data, PKI and
// logs stay, so a later `up` on D resumes the same cluster. Idempotent: with
// nothing running it only tidies stale pid files.

import { clusterPaths, processSpecs, STOP_ORDER, type ProcessKind } from './cluster-layout.ts';
import { removePidFile, stopProcesses, type Target, type Timer } from './cluster-processes.ts';
import { processViews } from './cluster-status.ts';
import { readState } from './cluster-state.ts';

export interface DownOptions {
  readonly dir: string;
  /** Per tier: how long SIGTERM gets before SIGKILL. */
  readonly graceMs: number;
}

export interface DownResult {
  readonly stopped: readonly string[];
  readonly killed: readonly string[];
  /** Still alive after SIGKILL (a process in uninterruptible sleep); their pid files stay. */
  readonly survivors: readonly string[];
}

const KILL_WAIT_MS = 5_000;

export async function clusterDown(o: DownOptions, timer: Timer): Promise<DownResult> {
  const paths = clusterPaths(o.dir);
  const state = readState(paths.state);
  const kindOf = new Map<string, ProcessKind>((state === undefined ? [] : processSpecs(state.layout)).map((s) => [s.name, s.kind]));
  const views = processViews(o.dir);
  const stopped: string[] = [];
  const killed: string[] = [];
  const survivors: string[] = [];
  // A pid file the layout does not name (an older layout's) is stopped with the last tier.
  const tierOf = (name: string): number => {
    const kind = kindOf.get(name);
    return kind === undefined ? STOP_ORDER.length : STOP_ORDER.indexOf(kind);
  };
  for (let tier = 0; tier <= STOP_ORDER.length; tier++) {
    const targets: Target[] = views
      .filter((v) => v.alive && v.pid !== undefined && tierOf(v.name) === tier)
      .map((v) => {
        const startTime = state?.startTimes[v.name];
        return { name: v.name, pid: v.pid!, ...(startTime === undefined ? {} : { startTime }) };
      });
    if (targets.length === 0) continue;
    const r = await stopProcesses(targets, { graceMs: o.graceMs, killWaitMs: KILL_WAIT_MS, timer });
    stopped.push(...targets.map((t) => t.name));
    killed.push(...r.killed);
    survivors.push(...r.survivors);
  }
  for (const v of views) if (!survivors.includes(v.name)) removePidFile(paths.pidFile(v.name));
  return { stopped, killed, survivors };
}
