// `logbook cluster start --dir D --only NAME[,NAME...]`: starts again some
// processes of a cluster that `up` started and that have since died (killed
// by a test, crashed), with the args the layout gives them, on the same ports
// and data directories. `up` refuses a partly running directory; this is how
// one member, replica or NATS server comes back while the rest keep serving.
// Returns once each started process accepts TCP connections on its first
// port (readiness beyond that — a replica's /readyz — is the caller's to wait for).

import { ClusterError } from './cluster-error.ts';
import { childEnv, findBinary, tailFile, type ClusterHost } from './cluster-host.ts';
import { clusterPaths, processSpecs, type ProcessSpec } from './cluster-layout.ts';
import { isAlive, processStartTime, readPidFile, spawnDetached, writePidFile, type Spawned } from './cluster-processes.ts';
import { tcpOpen } from './cluster-probes.ts';
import { readState, writeState } from './cluster-state.ts';

export interface StartOptions {
  readonly dir: string;
  readonly only: readonly string[];
  readonly startTimeoutMs: number;
}

const PROBE_TIMEOUT_MS = 1_000;
const POLL_MS = 100;

export async function clusterStart(o: StartOptions, host: ClusterHost): Promise<{ readonly started: readonly string[] }> {
  const paths = clusterPaths(o.dir);
  const state = readState(paths.state);
  if (state === undefined) throw new ClusterError('no-cluster', `no cluster in ${o.dir} (no cluster.json); start one with 'logbook cluster up --dir ${o.dir}'`);
  const specs = processSpecs(state.layout);
  const chosen: ProcessSpec[] = [];
  const problems: string[] = [];
  let running = false;
  for (const name of new Set(o.only)) {
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined) {
      problems.push(`${name} is not a process of this cluster (it has ${specs.map((s) => s.name).join(', ')})`);
      continue;
    }
    const pid = readPidFile(paths.pidFile(name));
    if (pid !== undefined && isAlive(pid, state.startTimes[name])) {
      running = true;
      problems.push(`${name} is running (pid ${pid})`);
    }
    chosen.push(spec);
  }
  if (problems.length > 0) throw new ClusterError(running ? 'running' : 'invalid', problems.join('; '));
  if (chosen.length === 0) throw new ClusterError('invalid', '--only names no process');

  const env = childEnv(host.env);
  const startTimes: Record<string, string> = {};
  const spawned: Spawned[] = [];
  for (const s of chosen) {
    const program = s.program === 'logbook' ? host.nodeBin : findBinary(s.program, host.env);
    const args = s.program === 'logbook' ? [host.cliBin, ...s.args] : s.args;
    const sp = spawnDetached(s.name, program, args, { cwd: o.dir, env, logFile: paths.logFile(s.name) });
    spawned.push(sp);
    const pid = sp.child.pid;
    if (pid === undefined) continue;
    await writePidFile(paths.pidFile(s.name), pid);
    const t = processStartTime(pid);
    if (t !== undefined) startTimes[s.name] = t;
  }
  // Read back just before writing: another `start` may have run meanwhile, and its start times must stay.
  const latest = readState(paths.state) ?? state;
  await writeState(paths.state, { layout: state.layout, startTimes: { ...latest.startTimes, ...startTimes } });

  const deadline = host.timer.now() + o.startTimeoutMs;
  for (const [i, s] of chosen.entries()) {
    const port = Object.values(s.ports)[0];
    const sp = spawned[i]!;
    for (;;) {
      if (sp.exit !== undefined) throw new ClusterError('start-failed', `${s.name} ${sp.exit}\n--- last lines of ${paths.logFile(s.name)}:\n${tailFile(paths.logFile(s.name), 30)}`);
      if (port === undefined || (await tcpOpen(state.layout.bindHost === '0.0.0.0' ? '127.0.0.1' : state.layout.bindHost, port, PROBE_TIMEOUT_MS))) break;
      if (host.timer.now() >= deadline) throw new ClusterError('start-failed', `timed out after ${Math.round(o.startTimeoutMs / 1000)} s waiting for ${s.name} to accept connections on port ${port}`);
      await host.timer.sleep(POLL_MS);
    }
  }
  return { started: chosen.map((s) => s.name) };
}
