// `logbook cluster up|status|down` as a user runs them: the real CLI in a
// child process, the cluster's directory read as the user would (pid files,
// the kubeconfig). For tests of the HA topology: 3 NATS, 3 store members,
// 3 apiserver replicas behind HAProxy.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../../services/cli/bin/logbook.js');
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `logbook cluster <args>`; never rejects for a non-zero exit; SIGKILL at `timeoutMs`. */
export function runCluster(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    // Without KUBECONFIG: a developer's own cluster must never be what a test talks to.
    const env = { ...process.env };
    delete env['KUBECONFIG'];
    const child = spawn(process.execPath, [CLI, 'cluster', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      if (stdout.length < MAX_OUTPUT_BYTES) stdout += c;
    });
    child.stderr.on('data', (c: string) => {
      if (stderr.length < MAX_OUTPUT_BYTES) stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveResult({ code, stdout, stderr });
    });
  });
}

/** The pid in D/pids/<name>.pid; throws when there is none. */
export function clusterPid(dir: string, name: string): number {
  const text = readFileSync(join(dir, 'pids', `${name}.pid`), 'utf8').trim();
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid < 1) throw new Error(`${name}.pid holds ${JSON.stringify(text)}`);
  return pid;
}

/**
 * Whether a pid names a running process. The cluster's processes outlive
 * the `up` that spawned them, so after they exit they may linger as zombies
 * until init reaps them: a zombie counts as gone.
 */
export function pidAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The ports `up` chose, from D/cluster.json (services/cli/src/cluster-state.ts writes it). */
export interface ClusterPorts {
  readonly publicServer: string;
  readonly store: readonly { readonly name: string; readonly clientPort: number }[];
  readonly apiservers: readonly { readonly name: string; readonly securePort: number }[];
  readonly nats: readonly { readonly name: string; readonly clientPort: number }[];
  readonly peerProxies: readonly { readonly name: string; readonly store: string; readonly port: number }[];
}

export function clusterPorts(dir: string): ClusterPorts {
  const raw = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as { layout?: Partial<ClusterPorts> };
  const l = raw.layout;
  if (l?.publicServer === undefined || l.store === undefined || l.apiservers === undefined || l.nats === undefined) throw new Error(`${dir}/cluster.json holds no layout`);
  return { publicServer: l.publicServer, store: l.store, apiservers: l.apiservers, nats: l.nats, peerProxies: l.peerProxies ?? [] };
}

/** `logbook cluster start --dir D --only NAMES`: brings stopped processes of the cluster back; throws on failure. */
export async function restartProcesses(dir: string, names: readonly string[], timeoutMs = 60_000): Promise<void> {
  const r = await runCluster(['start', '--dir', dir, '--only', names.join(','), '--start-timeout', `${Math.ceil(timeoutMs / 1000)}s`], timeoutMs + 10_000);
  if (r.code !== 0) throw new Error(`cluster start --only ${names.join(',')} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
}

/** The store leader as `cluster status` reports it, or undefined while the members do not agree. */
export async function storeLeader(dir: string): Promise<string | undefined> {
  const s = await runCluster(['status', '--dir', dir], 30_000);
  return /^store leader: (store-\d+)$/m.exec(s.stdout)?.[1];
}
