// Killing an apiserver replica of a `logbook cluster` and bringing it back.
// The replica is started the way `cluster up` started it: before the first
// kill its command line, working directory and environment are read from
// /proc, and a restart runs exactly that again (same port, same flags), its
// output appended to the replica's log. A restarted replica is this bench's
// own child: `cluster down` only stops the processes `up` recorded, so the
// bench stops the ones it started itself, before `down`.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { HaBenchError } from './ha-bench-error.ts';
import type { ReplicaAddress } from './ha-cluster.ts';
import { KubeSession } from './kube-session.ts';
import type { KubeTls } from './kube-session.ts';

const READY_POLL_MS = 100;
const EXIT_WAIT_MS = 10_000;
const STOP_GRACE_MS = 10_000;

export interface Launch {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Splits /proc/PID/cmdline or /proc/PID/environ (NUL-terminated fields). */
export function splitNulFields(text: string): string[] {
  const fields = text.split('\0');
  if (fields.at(-1) === '') fields.pop();
  return fields;
}

/** KEY=VALUE fields as an environment; a field without '=' is not one and is dropped. */
export function parseEnviron(fields: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq > 0) env[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return env;
}

export function readLaunch(pid: number): Launch {
  try {
    const argv = splitNulFields(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    if (argv.length === 0) throw new Error('empty command line (a zombie?)');
    return { argv, cwd: readlinkSync(`/proc/${pid}/cwd`), env: parseEnviron(splitNulFields(readFileSync(`/proc/${pid}/environ`, 'utf8'))) };
  } catch (e) {
    throw new HaBenchError('replica', `cannot read how process ${pid} was started from /proc: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Whether a pid names a running process. The cluster's processes outlive
 * the `up` that spawned them and may linger as zombies until init reaps
 * them; a zombie has released its sockets, so it counts as gone.
 */
export function pidAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const close = stat.lastIndexOf(')');
  return stat.slice(close + 2, close + 3) !== 'Z';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGKILL, then wait until the process is gone, so its port is free for a restart. */
export async function killAndWait(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  const deadline = performance.now() + EXIT_WAIT_MS;
  while (pidAlive(pid)) {
    if (performance.now() > deadline) throw new HaBenchError('replica', `process ${pid} still alive ${EXIT_WAIT_MS} ms after SIGKILL`);
    await sleep(1);
  }
}

const owned = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface OwnedReplica {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `launch` again, detached, output appended to `logFile`. */
export function respawn(launch: Launch, logFile: string): OwnedReplica {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A bench that dies must not leave a replica behind that no `down` knows of.
    process.on('exit', () => {
      for (const c of owned) c.kill('SIGKILL');
    });
  }
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(launch.argv[0]!, launch.argv.slice(1), { cwd: launch.cwd, env: launch.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new HaBenchError('replica', `cannot start ${launch.argv.join(' ')}`);
  owned.add(child);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  void exited.then(() => owned.delete(child));
  // Errors after spawn (none expected once there is a pid) surface as the exit.
  child.on('error', () => {});
  return {
    pid: child.pid,
    stop: async () => {
      if (!owned.has(child)) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls the replica's own /readyz (not through HAProxy) until it answers 200. */
export async function waitReplicaReady(r: ReplicaAddress, tls: KubeTls, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const s = await KubeSession.connect(`https://${r.host}:${r.securePort}`, tls);
      try {
        const res = await s.request('GET', '/readyz');
        if (res.status === 200) return;
        last = `/readyz ${res.status}`;
      } finally {
        await s.close();
      }
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (performance.now() > deadline) throw new HaBenchError('replica', `${r.name} not ready ${timeoutMs} ms after its restart: ${last}`);
    await sleep(READY_POLL_MS);
  }
}
