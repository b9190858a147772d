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
