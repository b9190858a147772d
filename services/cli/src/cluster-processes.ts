// The processes of a cluster as the OS sees them: spawned detached (they
// outlive `logbook cluster up`), one pid file each, found alive or not, and
// stopped with SIGTERM then, past a bound, SIGKILL.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './cluster-files.ts';

/** The clock and sleep the waiting loops use; injected so tests and callers decide. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Spawned {
  readonly name: string;
  readonly child: ChildProcess;
  /** Set once the process exits (or fails to spawn): what to tell the user. */
  exit: string | undefined;
}

/**
 * Starts `program` in its own process group with stdout and stderr appended
 * to `logFile`, and unreferences it so this process may exit first.
 */
export function spawnDetached(name: string, program: string, args: readonly string[], o: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly logFile: string }): Spawned {
  mkdirSync(dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(program, args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
  const s: Spawned = { name, child, exit: undefined };
  child.once('error', (e) => (s.exit ??= `could not be started: ${e.message}`));
  child.once('exit', (code, signal) => (s.exit ??= `exited (${signal === null ? `code ${code}` : `signal ${signal}`})`));
  child.unref();
  return s;
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  await writeFileAtomic(path, `${pid}\n`, 0o644);
}

/** undefined when the file is absent or holds no pid (a stale or foreign file is not ours to act on). */
export function readPidFile(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const t = text.trim();
  if (!/^[1-9]\d{0,9}$/.test(t)) return undefined;
  return Number(t);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

interface ProcStat {
  readonly state: string;
  /** Field 22 of /proc/PID/stat: clock ticks after boot when the process started. */
  readonly startTime: string;
}

/** undefined when there is no such process or no /proc (then only kill(0) is asked). */
function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw e;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')'; fields follow the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTime = rest[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/**
 * Alive: the pid exists, is not a zombie, and — when `startTime` is known —
 * started when ours did (else the pid was reused by another process).
 */
export function isAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists but belongs to someone else, so it is not ours.
    if ((e as NodeJS.ErrnoException).code === 'EPERM') return false;
    throw e;
  }
  const st = procStat(pid);
  if (st === undefined) return true;
  if (st.state === 'Z') return false;
  return startTime === undefined || st.startTime === startTime;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export interface Target {
  readonly name: string;
  readonly pid: number;
  readonly startTime?: string;
}

/**
 * SIGTERM to all `targets` at once, then waits up to `graceMs` for them to
 * exit; SIGKILL to any left, and waits up to `killWaitMs` more. Returns the
 * names that needed SIGKILL and those still alive after it (normally none).
 */
export async function stopProcesses(targets: readonly Target[], o: { readonly graceMs: number; readonly killWaitMs: number; readonly timer: Timer }): Promise<{ killed: string[]; survivors: string[] }> {
  const alive = (): Target[] => targets.filter((t) => isAlive(t.pid, t.startTime));
  const waitGone = async (ms: number): Promise<Target[]> => {
    const deadline = o.timer.now() + ms;
    let left = alive();
    while (left.length > 0 && o.timer.now() < deadline) {
      await o.timer.sleep(50);
      left = alive();
    }
    return left;
  };
  for (const t of alive()) signal(t.pid, 'SIGTERM');
  const stubborn = await waitGone(o.graceMs);
  for (const t of stubborn) signal(t.pid, 'SIGKILL');
  const survivors = await waitGone(o.killWaitMs);
  return { killed: stubborn.map((t) => t.name), survivors: survivors.map((t) => t.name) };
}
