// One side of `npm run bench:ha`: `logbook cluster up --replicas N` in a
// fresh directory, the workloads through HAProxy, the failover, `down`.
//
// Sessions: HAProxy runs in TCP mode (TLS passthrough), so one HTTP/2
// session is one connection to one replica for its whole life. GET and
// CREATE keep 64 requests in flight over `sessions` sessions (default 6:
// a multiple of 3, so HAProxy's round-robin gives each of 3 replicas two,
// and the same 6 against 1 replica, so only the replica count changes);
// the watchers are dealt over their own sessions the same way.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCertDir } from './apiserver-process.ts';
import { runFailover } from './failover.ts';
import type { FailoverRun } from './failover-tally.ts';
import { summarizeFailover } from './failover-tally.ts';
import type { HaOptions } from './ha-flags.ts';
import type { ClusterAddresses, ReplicaAddress } from './ha-cluster.ts';
import { clusterDown, clusterUp, readClusterPid } from './ha-cluster.ts';
import type { FailoverSide, SideResults } from './ha-report.ts';
import { KubeSession } from './kube-session.ts';
import type { KubeTls } from './kube-session.ts';
import { errorText, measureWorkload } from './measure.ts';
import { establishedByLocalPort } from './proc-net-tcp.ts';
import type { Launch, OwnedReplica } from './replica-control.ts';
import { killAndWait, readLaunch, respawn, waitReplicaReady } from './replica-control.ts';
import type { RowResult } from './report.ts';
import { SessionSpread } from './session-spread.ts';
import { watchFanOutWorkload } from './watch-fan-out.ts';
import type { WorkloadContext } from './workloads.ts';
import { configMapsPath, createConfigMaps, createWorkload, ensureNamespace, getOneWorkload } from './workloads.ts';

/** Clients served this long before the kill: every session is established and busy. */
const FAILOVER_STEADY_MS = 500;
/** A failover not over by then is reported as unrecovered, not waited on. */
const FAILOVER_MAX_OUTAGE_MS = 60_000;
const RESTART_READY_TIMEOUT_MS = 60_000;
/** HAProxy checks every 1 s and needs one success (infra/haproxy: inter 1s rise 1): after this a restarted replica is back in rotation. */
const HAPROXY_RISE_MS = 2_500;

export interface SideOutcome {
  readonly results: SideResults;
  /** Lines for the report's header: version, where the sessions went, victims. */
  readonly info: readonly string[];
}

interface Replica {
  readonly address: ReplicaAddress;
  readonly launch: Launch;
  pid: number;
  /** Set once the bench restarted it: then the bench, not `cluster down`, must stop it. */
  owned: OwnedReplica | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const failed = (reason: string): RowResult => ({ ok: false, reason });

function connectionCounts(replicas: readonly Replica[]): Map<number, number> {
  return establishedByLocalPort(readFileSync('/proc/net/tcp', 'utf8'), replicas.map((r) => r.address.securePort));
}

/** Connections per replica now, less those of `before` (someone else's: HAProxy's checks, the CLI's probes). */
function spreadText(replicas: readonly Replica[], before?: ReadonlyMap<number, number>): string {
  const counts = connectionCounts(replicas);
  return replicas.map((r) => `${r.address.name} ${(counts.get(r.address.securePort) ?? 0) - (before?.get(r.address.securePort) ?? 0)}`).join(', ');
}

/** The replica serving most of the clients' sessions now; ties go round by run so each replica gets killed in turn. */
function chooseVictim(replicas: readonly Replica[], run: number): Replica {
  const counts = connectionCounts(replicas);
  const most = Math.max(...replicas.map((r) => counts.get(r.address.securePort) ?? 0));
  const tied = replicas.filter((r) => (counts.get(r.address.securePort) ?? 0) === most);
  return tied[run % tied.length]!;
}

async function failoverRuns(replicas: Replica[], o: HaOptions, connect: () => Promise<KubeSession>, path: string, tls: KubeTls, dir: string, info: string[]): Promise<FailoverSide> {
  const runs: FailoverRun[] = [];
  const victims: string[] = [];
  let firstError: unknown;
  for (let run = 0; run < o.runs; run++) {
    let victim: Replica | undefined;
    const r = await runFailover({
      loops: o.sessions,
      connect,
      path,
      steadyMs: FAILOVER_STEADY_MS,
      afterKillMs: o.seconds * 1000,
      maxOutageMs: FAILOVER_MAX_OUTAGE_MS,
      kill: async () => {
        const v = chooseVictim(replicas, run);
        victim = v;
        victims.push(`${v.address.name} (${spreadText(replicas)})`);
        await killAndWait(v.pid);
        // With one replica there is nothing to fail over to: it is restarted at once, and the outage is kill -> restart -> first success.
        if (replicas.length === 1) restart(v, dir);
      },
    });
    firstError ??= r.firstError;
    runs.push(r);
    log(`  failover run ${run + 1}: ${r.affectedLoops}/${r.loops} clients cut off, ${r.failed} failed requests, first success after ${r.killToFirstSuccessMs?.toFixed(0) ?? '-'} ms, all after ${r.killToAllRecoveredMs?.toFixed(0) ?? '-'} ms`);
    if (victim !== undefined && replicas.length > 1) {
      restart(victim, dir);
      await waitReplicaReady(victim.address, tls, RESTART_READY_TIMEOUT_MS);
      await sleep(HAPROXY_RISE_MS);
    }
  }
  info.push(`failover victims (client sessions per replica at the kill): ${victims.join('; ')}`);
  if (firstError !== undefined) info.push(`failover: first failed request: ${errorText(firstError)}`);
  return { ok: true, summary: summarizeFailover(runs) };
}

function restart(r: Replica, dir: string): void {
  const owned = respawn(r.launch, join(dir, 'logs', `${r.address.name}.log`));
  r.owned = owned;
  r.pid = owned.pid;
}

async function measureCluster(addrs: ClusterAddresses, replicas: Replica[], o: HaOptions, dir: string, info: string[]): Promise<SideResults> {
  const tls = readCertDir(join(dir, 'pki'));
  const connect = (): Promise<KubeSession> => KubeSession.connect(addrs.publicServer, tls);
  const extra: KubeSession[] = [];
  const pool: KubeSession[] = [];
  try {
    // `up` returns once every replica's /readyz is 200, but HAProxy takes a replica into rotation only at its next check.
    await sleep(HAPROXY_RISE_MS);
    const before = connectionCounts(replicas);
    for (let i = 0; i < o.sessions; i++) pool.push(await connect());
    info.push(`request sessions per replica: ${spreadText(replicas, before)}`);
    const version = (await pool[0]!.json('GET', '/version')) as { gitVersion?: unknown };
    info.push(`version ${String(version.gitVersion)}`);
    const ctx: WorkloadContext = {
      session: new SessionSpread(pool),
      connect: async () => {
        const s = await connect();
        extra.push(s);
        return s;
      },
      namespacePrefix: `bench-ha-${randomBytes(3).toString('hex')}`,
      value: 'v'.repeat(o.valueBytes),
    };
    const m = { runs: o.runs, seconds: o.seconds, pid: undefined };
    log(`  GET, CREATE, watch fan-out: prepare, warm-up, then ${o.runs} x ${o.seconds} s each`);
    const get = await measureWorkload(getOneWorkload(), ctx, m);
    const create = await measureWorkload(createWorkload(), ctx, m);
    const watch = await measureWorkload(watchFanOutWorkload({ watchers: o.watchers, ratePerSec: o.watchRatePerSec, sessions: o.watchSessions }), ctx, m);
    const ns = `${ctx.namespacePrefix}-failover`;
    await ensureNamespace(ctx.session, ns);
    await createConfigMaps(ctx, ns, ['one']);
    // Only the failover clients' connections stay open, so the kill can pick the replica most of them are on.
    await Promise.all([...pool.splice(0), ...extra.splice(0)].map((s) => s.close()));
    log(`  failover: ${o.runs} kills, ${o.sessions} clients`);
    let failover: FailoverSide;
    try {
      failover = await failoverRuns(replicas, o, connect, `${configMapsPath(ns)}/one`, tls, dir, info);
    } catch (e) {
      failover = { ok: false, reason: errorText(e) };
    }
    return { get, create, watch, failover };
  } finally {
    await Promise.all([...pool, ...extra].map((s) => s.close()));
  }
}

export async function measureSide(replicaCount: number, dir: string, o: HaOptions): Promise<SideOutcome> {
  const info: string[] = [];
  let replicas: Replica[] = [];
  let up = false;
  try {
    log(`${replicaCount} replica(s): logbook cluster up --dir ${dir}`);
    const addrs = await clusterUp(dir, replicaCount, o.startTimeoutMs);
    up = true;
    replicas = addrs.replicas.map((address) => {
      const pid = readClusterPid(dir, address.name);
      return { address, launch: readLaunch(pid), pid, owned: undefined };
    });
    info.push(`HAProxy at ${addrs.publicServer}; replicas ${replicas.map((r) => `${r.address.name} :${r.address.securePort}`).join(', ')}`);
    return { results: await measureCluster(addrs, replicas, o, dir, info), info };
  } catch (e) {
    const reason = errorText(e);
    log(`${replicaCount} replica(s): failed: ${reason}`);
    return { results: { get: failed(reason), create: failed(reason), watch: failed(reason), failover: { ok: false, reason } }, info };
  } finally {
    // The restarted replicas are ours; `down` stops only what `up` started.
    await Promise.all(replicas.flatMap((r) => (r.owned === undefined ? [] : [r.owned.stop()])));
    if (up) {
      log(`${replicaCount} replica(s): logbook cluster down`);
      await clusterDown(dir).catch((e: unknown) => log(`cluster down failed: ${errorText(e)}`));
    }
  }
}
