// Real etcd for tests and benchmarks: `startEtcd({ members: 1 | 3 })` spawns
// that many etcd processes on free loopback ports, one data directory each
// under a temp directory, and resolves once every member reports healthy
// (which, in etcd, means the cluster has a leader). Members can be killed and
// restarted by index. Children are SIGKILLed if this process exits first.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './free-ports.ts';

export { freePorts } from './free-ports.ts';
export { startKvStub, type KvStub, type RecordedCall } from './kv-stub.ts';

export interface StartEtcdOptions {
  readonly members?: number;
  /** Parent of the data directories and logs; a fresh temp directory by default (removed on stop). */
  readonly dir?: string;
  /** The etcd binary: /usr/bin/etcd (Debian's etcd-server) when present, else `etcd` on PATH. */
  readonly etcdBinary?: string;
  /** Appended to every member's flags, e.g. ['--heartbeat-interval', '25', '--election-timeout', '250']. */
  readonly extraFlags?: readonly string[];
  readonly startTimeoutMs?: number;
  /** Keep the directory after stop (to read logs). */
  readonly keepDir?: boolean;
}

export interface EtcdMember {
  readonly name: string;
  /** host:port, the form EtcdClient.connect takes. */
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
}

/** Faster elections than etcd's defaults (100 ms / 1 s), for tests on loopback. */
export const FAST_ELECTION_FLAGS: readonly string[] = ['--heartbeat-interval', '25', '--election-timeout', '250'];

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function defaultBinary(): string {
  return existsSync('/usr/bin/etcd') ? '/usr/bin/etcd' : 'etcd';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${String(e)})`;
  }
}

export class EtcdCluster implements AsyncDisposable {
  readonly dir: string;
  readonly members: readonly EtcdMember[];
  readonly #binary: string;
  readonly #flags: readonly string[];
  readonly #initialCluster: string;
  readonly #keepDir: boolean;
  readonly #processes: (ChildProcess | undefined)[];
  readonly #token: string;
  /** Members killed on purpose (not expected to be running). */
  readonly #stopped = new Set<number>();

  private constructor(dir: string, members: EtcdMember[], binary: string, flags: readonly string[], keepDir: boolean) {
    this.dir = dir;
    this.members = members;
    this.#binary = binary;
    this.#flags = flags;
    this.#keepDir = keepDir;
    this.#initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    this.#processes = members.map(() => undefined);
    this.#token = `logbook-test-${randomUUID()}`;
  }

  get endpoints(): readonly string[] {
    return this.members.map((m) => m.endpoint);
  }

  static async start(o: StartEtcdOptions = {}): Promise<EtcdCluster> {
    const n = o.members ?? 1;
    if (!Number.isSafeInteger(n) || n < 1 || n > 7) throw new Error(`startEtcd: members must be 1..7 (got ${n})`);
    installExitHook();
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'logbook-etcd-'));
    mkdirSync(dir, { recursive: true });
    let lastError: unknown;
    // Ports are free when chosen but may be taken before etcd binds them: retry with new ones.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const ports = await freePorts(2 * n);
      const members = Array.from({ length: n }, (_, i): EtcdMember => {
        const name = `m${i + 1}`;
        return {
          name,
          endpoint: `127.0.0.1:${ports[2 * i]!}`,
          clientUrl: `http://127.0.0.1:${ports[2 * i]!}`,
          peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}`,
          dataDir: join(dir, name),
          logFile: join(dir, `${name}.log`),
        };
      });
      const cluster = new EtcdCluster(dir, members, o.etcdBinary ?? defaultBinary(), o.extraFlags ?? [], o.keepDir === true);
      try {
        for (let i = 0; i < n; i++) cluster.#spawn(i, 'new');
        await cluster.waitHealthy(o.startTimeoutMs ?? 20_000);
        return cluster;
      } catch (e) {
        lastError = e;
        await cluster.#killAll();
        for (const m of members) rmSync(m.dataDir, { recursive: true, force: true });
      }
    }
    if (o.dir === undefined && o.keepDir !== true) rmSync(dir, { recursive: true, force: true });
    throw new Error(`startEtcd: etcd did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
  }

  isRunning(i: number): boolean {
    return this.#processes[i] !== undefined;
  }

  /** Resolves once every running member answers /health with true. */
  async waitHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.members.filter((_, i) => this.#processes[i] !== undefined);
      if (running.length < this.members.filter((_, i) => this.#wanted(i)).length) {
        const dead = this.members.find((_, i) => this.#wanted(i) && this.#processes[i] === undefined)!;
        throw new Error(`etcd member ${dead.name} exited during startup:\n${logTail(dead.logFile)}`);
      }
      const answers = await Promise.all(running.map((m) => this.#healthy(m)));
      if (answers.every((a) => a === true)) return;
      if (Date.now() > deadline) throw new Error(`etcd not healthy within ${timeoutMs} ms (${answers.filter((a) => a !== true).join('; ')})`);
      await sleep(50);
    }
  }

  /** Stops member `i` with `signal` and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.#stopped.add(i);
    const child = this.#processes[i];
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Starts a killed member again on its data directory and waits for the cluster to be healthy. */
  async restart(i: number, timeoutMs = 20_000): Promise<void> {
    if (this.#processes[i] !== undefined) throw new Error(`etcd member ${i} is running`);
    this.#stopped.delete(i);
    this.#spawn(i, 'existing');
    await this.waitHealthy(timeoutMs);
  }

  /**
   * Stops every member and removes the directory unless kept. Data that is
   * about to be deleted needs no clean shutdown, so members are SIGKILLed
   * (a SIGTERMed etcd member first tries to hand over leadership to peers
   * that are stopping too, which takes seconds); with keepDir they get
   * SIGTERM and `graceMs` before SIGKILL.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.#keepDir) {
      await this.#killAll();
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    await Promise.all(
      this.members.map(async (_, i) => {
        const child = this.#processes[i];
        if (child === undefined) return;
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          await this.kill(i, 'SIGTERM');
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #wanted(i: number): boolean {
    return !this.#stopped.has(i);
  }

  async #healthy(m: EtcdMember): Promise<true | string> {
    try {
      const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = await res.text();
      return res.ok && body.includes('"true"') ? true : `${m.name}: ${res.status} ${body.trim()}`;
    } catch (e) {
      return `${m.name}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  async #killAll(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.kill(i)));
  }

  #spawn(i: number, state: 'new' | 'existing'): void {
    const m = this.members[i]!;
    const flags = [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', this.#initialCluster,
      '--initial-cluster-state', state,
      '--initial-cluster-token', this.#token,
      ...this.#flags,
    ];
    const log = openSync(m.logFile, 'a');
    try {
      // Own process group: a terminal's Ctrl-C reaches only the parent, which stops members in order.
      const child = spawn(this.#binary, flags, { stdio: ['ignore', log, log], detached: true });
      const gone = (): void => {
        live.delete(child);
        if (this.#processes[i] === child) this.#processes[i] = undefined;
      };
      live.add(child);
      child.once('exit', gone);
      // A failed spawn (no binary) may emit only 'error': waitHealthy then reports the member as exited.
      child.once('error', gone);
      this.#processes[i] = child;
    } finally {
      closeSync(log); // the child holds its own descriptor
    }
  }
}

/** Starts a real etcd cluster of `members` (1 by default); see EtcdCluster. */
export function startEtcd(o: StartEtcdOptions = {}): Promise<EtcdCluster> {
  return EtcdCluster.start(o);
}
