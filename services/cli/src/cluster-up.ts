// `logbook cluster up --dir D`: the production topology as local processes.
// NATS first, then the store members (until they agree on a leader), then
// the apiserver replicas and HAProxy; returns once every replica's /readyz
// is 200 and a request through HAProxy succeeds. Anything that does not come
// up within the bound fails the whole command: what was started is stopped,
// and the message names the process and ends with its log.

import { ClusterError } from './cluster-error.ts';
import { childEnv, findBinary, freeLoopbackPorts, tailFile, type ClusterHost } from './cluster-host.ts';
import { clusterPaths, localLayout, portCount, processSpecs, type ClusterCounts, type ClusterLayout, type ProcessKind } from './cluster-layout.ts';
import { writeAdminKubeconfig } from './cluster-pki.ts';
import { checkHaproxyConfig, writeClusterFiles } from './cluster-prepare.ts';
import { processStartTime, removePidFile, spawnDetached, stopProcesses, writePidFile, type Spawned, type Timer } from './cluster-processes.ts';
import { httpsGet, storeView, tcpOpen, type HttpsResult, type TlsMaterial } from './cluster-probes.ts';
import { runningProcesses } from './cluster-status.ts';
import { readState, writeState } from './cluster-state.ts';

export interface UpOptions {
  readonly dir: string;
  readonly counts: ClusterCounts;
  readonly startTimeoutMs: number;
  /** A TCP forwarder in front of each store member's peer port (cluster-layout.ts, PeerProxySpec). */
  readonly peerProxies?: boolean;
}

export interface UpResult {
  readonly layout: ClusterLayout;
  readonly kubeconfig: string;
}

const PROBE_TIMEOUT_MS = 2_000;
const POLL_MS = 200;

/** A layout for D: the one stored there by an earlier `up` (same ports, so its data stays valid), else a fresh one. */
async function chooseLayout(o: UpOptions): Promise<ClusterLayout> {
  const prior = readState(clusterPaths(o.dir).state);
  const lo = { peerProxies: o.peerProxies === true };
  if (prior === undefined) return localLayout(o.dir, o.counts, await freeLoopbackPorts(portCount(o.counts, lo)), lo);
  const l = prior.layout;
  const had = { replicas: l.apiservers.length, storeMembers: l.store.length, natsServers: l.nats.length };
  if (l.mode !== 'local' || l.dir !== o.dir || had.replicas !== o.counts.replicas || had.storeMembers !== o.counts.storeMembers || had.natsServers !== o.counts.natsServers) {
    throw new ClusterError('invalid', `${o.dir} holds a different cluster (${l.mode}: ${had.replicas} replicas, ${had.storeMembers} store members, ${had.natsServers} NATS servers); use another --dir or remove this one`);
  }
  // The members' data records their peers' URLs: with or without proxies is fixed at the first `up`.
  if ((l.peerProxies !== undefined) !== lo.peerProxies) {
    throw new ClusterError('invalid', `${o.dir} holds a cluster ${l.peerProxies === undefined ? 'without' : 'with'} --peer-proxies; start it the same way, or use another --dir`);
  }
  return l;
}

export async function clusterUp(o: UpOptions, host: ClusterHost, progress: (line: string) => void): Promise<UpResult> {
  const running = runningProcesses(o.dir);
  if (running.length > 0) {
    throw new ClusterError('running', `a cluster is already running in ${o.dir}: ${running.map((r) => `${r.name} (pid ${r.pid})`).join(', ')}; run 'logbook cluster down --dir ${o.dir}' first`);
  }
  const bins = { 'nats-server': findBinary('nats-server', host.env), haproxy: findBinary('haproxy', host.env), logbook: host.nodeBin };
  const layout = await chooseLayout(o);
  const paths = clusterPaths(o.dir);
  const pki = await writeClusterFiles(layout, host.now());
  checkHaproxyConfig(bins.haproxy, paths.haproxyConfig);

  const started: Spawned[] = [];
  const startTimes: Record<string, string> = {};
  const env = childEnv(host.env);
  const deadline = host.timer.now() + o.startTimeoutMs;
  const specs = processSpecs(layout);
  const startKind = async (kind: ProcessKind): Promise<void> => {
    for (const s of specs.filter((p) => p.kind === kind)) {
      const args = s.program === 'logbook' ? [host.cliBin, ...s.args] : s.args;
      const sp = spawnDetached(s.name, bins[s.program], args, { cwd: o.dir, env, logFile: paths.logFile(s.name) });
      started.push(sp);
      const pid = sp.child.pid;
      if (pid === undefined) continue; // the 'error' event sets sp.exit; the next wait reports it
      await writePidFile(paths.pidFile(s.name), pid);
      const t = processStartTime(pid);
      if (t !== undefined) startTimes[s.name] = t;
    }
    // Recorded as each tier starts, so a `down` after a crashed `up` still finds every process.
    await writeState(paths.state, { layout, startTimes });
  };
  const tls: TlsMaterial = { caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem };
  const wait = <T>(what: string, probe: Probe<T>): Promise<T> => waitFor(what, probe, { started, deadline, timer: host.timer, dir: o.dir, timeoutMs: o.startTimeoutMs });
  try {
    await startKind('nats');
    await wait('every NATS server to accept connections', async () => {
      const open = await Promise.all(layout.nats.map((n) => tcpOpen(n.host, n.clientPort, PROBE_TIMEOUT_MS)));
      return pendingOr(layout.nats.filter((_, i) => !open[i]).map((n) => n.name), true);
    });
    progress(`nats: ${layout.nats.length} servers accept connections`);
    const proxies = layout.peerProxies ?? [];
    if (proxies.length > 0) {
      await startKind('proxy');
      await wait('every peer proxy to accept connections', async () => {
        const open = await Promise.all(proxies.map((p) => tcpOpen(p.host, p.port, PROBE_TIMEOUT_MS)));
        return pendingOr(proxies.filter((_, i) => !open[i]).map((p) => p.name), true);
      });
      progress(`peer proxies: ${proxies.length} forwarders in front of the store members' peer ports`);
    }
    await startKind('store');
    const leader = await wait('the store members to agree on a leader', async () => {
      const v = await storeView(layout, PROBE_TIMEOUT_MS);
      const silent = v.members.filter((m) => 'error' in m.answer).map((m) => m.name);
      if (v.leader === undefined) return { waiting: silent.length > 0 ? silent : layout.store.map((s) => s.name) };
      return pendingOr(silent, v.leader);
    });
    progress(`store: ${layout.store.length} members, leader ${leader}`);
    await startKind('apiserver');
    await startKind('haproxy');
    await wait("every apiserver replica's /readyz to answer 200", async () => {
      const r = await Promise.all(layout.apiservers.map((a) => httpsGet(`https://${a.host}:${a.securePort}/readyz`, tls, PROBE_TIMEOUT_MS)));
      return pendingOr(layout.apiservers.filter((_, i) => !isOk(r[i])).map((a) => a.name), true);
    });
    progress(`apiserver: ${layout.apiservers.length} replicas ready`);
    // Authenticated on purpose: proves TLS passthrough (the replica saw the admin's client certificate).
    await wait('a request through HAProxy to succeed', async () =>
      pendingOr(isOk(await httpsGet(`${layout.publicServer}/api/v1/namespaces/default`, tls, PROBE_TIMEOUT_MS)) ? [] : ['haproxy'], true));
    progress(`haproxy: ${layout.publicServer} serves`);
  } catch (err) {
    await abandon(started, o.dir, host);
    throw err;
  }
  return { layout, kubeconfig: await writeAdminKubeconfig(layout, pki) };
}

type Probe<T> = () => Promise<{ readonly done: T } | { readonly waiting: readonly string[] }>;

const pendingOr = <T>(waiting: readonly string[], done: T): { done: T } | { waiting: readonly string[] } => (waiting.length > 0 ? { waiting } : { done });
const isOk = (r: HttpsResult | undefined): boolean => r !== undefined && r.ok && r.status === 200;

/**
 * Polls `probe` until it is done. Fails as soon as any started process has
 * exited (no point waiting out the bound), or at the deadline; the message
 * names the processes concerned and ends with their logs.
 */
async function waitFor<T>(what: string, probe: Probe<T>, o: { readonly started: readonly Spawned[]; readonly deadline: number; readonly timer: Timer; readonly dir: string; readonly timeoutMs: number }): Promise<T> {
  const logs = clusterPaths(o.dir);
  const tails = (names: readonly string[], lines: number): string =>
    names.map((n) => `\n--- last lines of ${logs.logFile(n)}:\n${tailFile(logs.logFile(n), lines)}`).join('');
  for (;;) {
    const dead = o.started.find((s) => s.exit !== undefined);
    if (dead !== undefined) throw new ClusterError('start-failed', `${dead.name} ${dead.exit} while waiting for ${what}${tails([dead.name], 30)}`);
    const r = await probe();
    if ('done' in r) return r.done;
    if (o.timer.now() >= o.deadline) {
      throw new ClusterError('start-failed', `timed out after ${Math.round(o.timeoutMs / 1000)} s waiting for ${what}; not ready: ${r.waiting.join(', ')}${tails(r.waiting, 15)}`);
    }
    await o.timer.sleep(POLL_MS);
  }
}

/** Stops what this `up` started and removes their pid files; the logs stay for the user to read. */
async function abandon(started: readonly Spawned[], dir: string, host: ClusterHost): Promise<void> {
  const paths = clusterPaths(dir);
  const targets = started.flatMap((s) => (s.child.pid === undefined ? [] : [{ name: s.name, pid: s.child.pid }]));
  await stopProcesses(targets, { graceMs: 3_000, killWaitMs: 2_000, timer: host.timer });
  for (const s of started) removePidFile(paths.pidFile(s.name));
}
