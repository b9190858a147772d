// `logbook cluster status --dir D`: each process (pid, alive or not, ports),
// the store leader as the members report it (Maintenance Status), and each
// replica's /readyz — and HAProxy's, which is the cluster as clients see it.

import { readdirSync, readFileSync } from 'node:fs';
import { ClusterError } from './cluster-error.ts';
import { clusterPaths, processSpecs, type ClusterLayout } from './cluster-layout.ts';
import { isAlive, readPidFile } from './cluster-processes.ts';
import { httpsGet, storeView, type HttpsResult, type TlsMaterial } from './cluster-probes.ts';
import { readState } from './cluster-state.ts';

export interface ProcessView {
  readonly name: string;
  /** undefined: no pid file. */
  readonly pid: number | undefined;
  readonly alive: boolean;
  readonly ports: Readonly<Record<string, number>>;
}

/** Processes of D by their pid files: those listed in cluster.json, plus any other pid file found. */
export function processViews(dir: string): ProcessView[] {
  const paths = clusterPaths(dir);
  const state = readState(paths.state);
  const specs = state === undefined ? [] : processSpecs(state.layout);
  let files: string[] = [];
  try {
    files = readdirSync(paths.pids).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -'.pid'.length));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const names = [...specs.map((s) => s.name), ...files.filter((f) => !specs.some((s) => s.name === f)).sort()];
  return names.map((name) => {
    const pid = readPidFile(paths.pidFile(name));
    const alive = pid !== undefined && isAlive(pid, state?.startTimes[name]);
    return { name, pid, alive, ports: specs.find((s) => s.name === name)?.ports ?? {} };
  });
}

export function runningProcesses(dir: string): { name: string; pid: number }[] {
  return processViews(dir).flatMap((p) => (p.alive && p.pid !== undefined ? [{ name: p.name, pid: p.pid }] : []));
}

function adminTls(dir: string): TlsMaterial | undefined {
  const p = clusterPaths(dir);
  try {
    return { caPem: readFileSync(p.caCert, 'utf8'), certPem: readFileSync(p.adminCert, 'utf8'), keyPem: readFileSync(p.adminKey, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const describe = (r: HttpsResult): string => (r.ok ? `${r.status} ${r.body.trim().split('\n')[0] ?? ''}`.trim() : `unreachable (${r.error})`);

export interface StatusReport {
  readonly text: string;
  /** Every process alive, a leader agreed, every /readyz 200. */
  readonly healthy: boolean;
}

export async function clusterStatus(dir: string, probeTimeoutMs: number): Promise<StatusReport> {
  const state = readState(clusterPaths(dir).state);
  if (state === undefined) throw new ClusterError('no-cluster', `no cluster in ${dir} (no cluster.json); start one with 'logbook cluster up --dir ${dir}'`);
  const views = processViews(dir);
  const width = Math.max(...views.map((v) => v.name.length), 4);
  const lines = [`${'NAME'.padEnd(width)}  ${'PID'.padEnd(8)}  ${'STATE'.padEnd(5)}  PORTS`];
  for (const v of views) {
    const ports = Object.entries(v.ports).map(([k, p]) => `${k}=${p}`).join(' ');
    lines.push(`${v.name.padEnd(width)}  ${String(v.pid ?? '-').padEnd(8)}  ${(v.alive ? 'alive' : 'dead').padEnd(5)}  ${ports}`);
  }
  let healthy = views.every((v) => v.alive);
  const store = await storeView(state.layout, probeTimeoutMs);
  lines.push('', `store leader: ${store.leader ?? 'none agreed'}`);
  for (const m of store.members) {
    lines.push(`  ${m.name}: ${'error' in m.answer ? `no answer (${m.answer.error})` : `member ${m.answer.memberId.toString(16)}, term ${m.answer.raftTerm}${store.leader === m.name ? ' (leader)' : ''}`}`);
  }
  healthy &&= store.leader !== undefined;
  const tls = adminTls(dir);
  if (tls === undefined) {
    lines.push('', 'readyz: no admin certificate in pki/ to ask with');
    return { text: `${lines.join('\n')}\n`, healthy: false };
  }
  lines.push('', 'readyz:');
  const targets = readyzTargets(state.layout);
  const results = await Promise.all(targets.map((t) => httpsGet(t.url, tls, probeTimeoutMs)));
  targets.forEach((t, i) => {
    const r = results[i]!;
    healthy &&= r.ok && r.status === 200;
    lines.push(`  ${t.name.padEnd(width)}  ${describe(r)}`);
  });
  return { text: `${lines.join('\n')}\n`, healthy };
}

function readyzTargets(l: ClusterLayout): { name: string; url: string }[] {
  return [
    ...l.apiservers.map((a) => ({ name: a.name, url: `https://${a.host}:${a.securePort}/readyz` })),
    { name: 'haproxy', url: `${l.publicServer}/readyz` },
  ];
}
