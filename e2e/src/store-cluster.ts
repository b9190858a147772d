// A store cluster of real processes on loopback, for end-to-end tests with
// etcd's own client. Both implementations take exactly etcd's flags, so the
// same test runs against `logbook store` and against a real etcd: the
// expected outputs come from etcd, and Logbook has to match them.
//
// Each member gets two free loopback ports and a data directory under one
// temporary directory, removed by stop(). Member output stays in memory
// (bounded) and is only shown when a test fails (see withStoreCluster).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

import { BoundedLog } from './bounded-log.ts';
import { EtcdctlStream, runEtcdctl, type EtcdctlResult } from './etcdctl.ts';
import { asBigInt, field, parseEtcdJson } from './etcd-json.ts';
import { freeLoopbackPorts } from './free-ports.ts';
import type { StoreImpl } from './store-impls.ts';
import { until } from './until.ts';

const LOGBOOK_CLI = fileURLToPath(new URL('../../services/cli/bin/logbook.js', import.meta.url));
const ETCD = 'etcd';
const MEMBER_LOG_BYTES = 1024 * 1024;

export interface StoreClusterOptions {
  readonly impl: StoreImpl;
  readonly members: 1 | 3;
  readonly heartbeatIntervalMs?: number;
  readonly electionTimeoutMs?: number;
  /** More etcd flags, passed to every member (e.g. ['--max-request-bytes', '65536']). */
  readonly extraFlags?: readonly string[];
  /** Until every member agrees on a leader. */
  readonly startTimeoutMs?: number;
}

export interface EtcdctlCallOptions {
  readonly stdin?: string | Uint8Array;
  readonly timeoutMs?: number;
  /** Default: every member's client URL, as a user would configure etcdctl. */
  readonly endpoints?: readonly string[];
}

export interface StoreMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** The current process's pid; undefined while the member is down. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the member again with the same flags and data directory; does not wait for it to serve. */
  restart(): Promise<void>;
}

export interface StoreCluster extends AsyncDisposable {
  readonly impl: StoreImpl;
  /** Client URLs of all members (running or not), in member order. */
  readonly endpoints: readonly string[];
  readonly members: readonly StoreMember[];
  etcdctl(args: readonly string[], options?: EtcdctlCallOptions): Promise<EtcdctlResult>;
  /** A long-running etcdctl (watch, lease keep-alive), read line by line; close it when done. */
  etcdctlStream(args: readonly string[], options?: { readonly endpoints?: readonly string[] }): EtcdctlStream;
  /** Waits until every running member reports the same leader; returns that member. */
  waitForLeader(timeoutMs: number, signal?: AbortSignal): Promise<StoreMember>;
  /** The members' recent output, for a failure report. */
  logs(linesPerMember: number): string;
  /** Members that exited without being killed by the test: each is a crash to report. */
  unexpectedExits(): string[];
  stop(): Promise<void>;
}

interface MemberSpec {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
}

class MemberProcess implements StoreMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly #command: string;
  readonly #args: readonly string[];
  readonly #log = new BoundedLog(MEMBER_LOG_BYTES);
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #expectExit = false;
  /** Set when the process exits without being asked to: a crash the test must hear about. */
  unexpectedExit: string | undefined;

  constructor(spec: MemberSpec, command: string, args: readonly string[]) {
    this.name = spec.name;
    this.clientUrl = spec.clientUrl;
    this.peerUrl = spec.peerUrl;
    this.dataDir = spec.dataDir;
    this.#command = command;
    this.#args = args;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  start(): void {
    if (this.#child !== undefined) throw new Error(`member ${this.name} is already running`);
    const env: NodeJS.ProcessEnv = {};
    // etcd reads every flag from an ETCD_* variable too; none may leak in from the test's environment.
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_') && !k.startsWith('ETCDCTL_')) env[k] = v;
    const child = spawn(this.#command, this.#args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#expectExit = false;
    this.#log.append(`--- ${this.name}: ${this.#command} ${this.#args.join(' ')}\n`);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (t: string) => this.#log.append(t));
    child.stderr.on('data', (t: string) => this.#log.append(t));
    this.#exited = new Promise((resolve) => {
      child.once('error', (e) => this.#log.append(`--- ${this.name}: spawn error: ${e.message}\n`));
      child.once('close', (code, signal) => {
        this.#log.append(`--- ${this.name}: exited (code ${code}, signal ${signal})\n`);
        if (!this.#expectExit) this.unexpectedExit = `member ${this.name} exited by itself (code ${code}, signal ${signal})`;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined) throw new Error(`member ${this.name} is not running`);
    this.#expectExit = true;
    child.kill(signal);
    await this.#exited;
  }

  async restart(): Promise<void> {
    if (this.#child !== undefined) await this.kill('SIGKILL');
    this.start();
  }

  /**
   * SIGKILL: the data goes away with the test, and a graceful stop costs
   * seconds (an etcd leader that gets SIGTERM tries to hand leadership to
   * peers that are stopping too). Graceful shutdown is not what these tests check.
   */
  async stop(): Promise<void> {
    if (this.#child === undefined) return;
    await this.kill('SIGKILL');
  }

  logTail(lines: number): string {
    return this.#log.tail(lines);
  }
}

function memberArgs(spec: MemberSpec, initialCluster: string, token: string, options: StoreClusterOptions): string[] {
  return [
    '--name', spec.name,
    '--data-dir', spec.dataDir,
    '--listen-client-urls', spec.clientUrl,
    '--advertise-client-urls', spec.clientUrl,
    '--listen-peer-urls', spec.peerUrl,
    '--initial-advertise-peer-urls', spec.peerUrl,
    '--initial-cluster', initialCluster,
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', token,
    '--heartbeat-interval', String(options.heartbeatIntervalMs ?? 50),
    '--election-timeout', String(options.electionTimeoutMs ?? 500),
    ...(options.extraFlags ?? []),
  ];
}

let clusterCounter = 0;

class ProcessCluster implements StoreCluster {
  readonly impl: StoreImpl;
  readonly endpoints: readonly string[];
  readonly members: readonly MemberProcess[];
  readonly #baseDir: string;
  readonly #streams = new Set<EtcdctlStream>();
  #stopped = false;

  constructor(impl: StoreImpl, members: readonly MemberProcess[], baseDir: string) {
    this.impl = impl;
    this.members = members;
    this.endpoints = members.map((m) => m.clientUrl.replace(/^https?:\/\//, ''));
    this.#baseDir = baseDir;
  }

  etcdctl(args: readonly string[], options: EtcdctlCallOptions = {}): Promise<EtcdctlResult> {
    return runEtcdctl(args, {
      endpoints: options.endpoints ?? this.endpoints,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  etcdctlStream(args: readonly string[], options: { readonly endpoints?: readonly string[] } = {}): EtcdctlStream {
    const stream = new EtcdctlStream(args, options.endpoints ?? this.endpoints);
    this.#streams.add(stream);
    void stream.exited.then(() => this.#streams.delete(stream));
    return stream;
  }

  async waitForLeader(timeoutMs: number, signal?: AbortSignal): Promise<StoreMember> {
    const options = { timeoutMs, intervalMs: 100, ...(signal === undefined ? {} : { signal }) };
    return until('every running member to report the same leader', options, async () => {
      const running = this.members.filter((m) => m.running);
      const r = await this.etcdctl(['endpoint', 'status', '-w', 'json', '--dial-timeout=500ms', '--command-timeout=1s'], { endpoints: running.map((m) => m.clientUrl), timeoutMs: 5_000 });
      if (r.code !== 0) return undefined;
      const statuses = parseEtcdJson(r.stdout);
      if (!Array.isArray(statuses) || statuses.length !== running.length) return undefined;
      const leaders = new Set<bigint>();
      const byId = new Map<bigint, StoreMember>();
      for (const s of statuses) {
        const status = field(s, 'Status');
        leaders.add(asBigInt(field(status, 'leader') ?? 0, 'leader'));
        const endpoint = String(field(s, 'Endpoint'));
        const member = running.find((m) => m.clientUrl === endpoint || m.clientUrl === `http://${endpoint}`);
        if (member !== undefined) byId.set(asBigInt(field(field(status, 'header'), 'member_id'), 'member_id'), member);
      }
      const [leader] = leaders;
      if (leaders.size !== 1 || leader === undefined || leader === 0n) return undefined;
      return byId.get(leader);
    });
  }

  logs(linesPerMember: number): string {
    return this.members.map((m) => `===== ${this.impl} member ${m.name} (${m.clientUrl})\n${m.logTail(linesPerMember)}`).join('\n');
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all([...this.#streams].map((s) => s.close()));
    await Promise.all(this.members.map((m) => m.stop()));
    rmSync(this.#baseDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  unexpectedExits(): string[] {
    return this.members.flatMap((m) => (m.unexpectedExit === undefined ? [] : [m.unexpectedExit]));
  }
}

/** A leader agreed by all, or the first member that exits by itself (no point waiting out the timeout). */
async function waitForStart(cluster: ProcessCluster, timeoutMs: number): Promise<void> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const crashed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const exits = cluster.unexpectedExits();
      if (exits.length > 0) reject(new Error(exits.join('; ')));
    }, 50);
  });
  try {
    await Promise.race([cluster.waitForLeader(timeoutMs, abort.signal), crashed]);
  } finally {
    clearInterval(timer);
    abort.abort(new Error('start-up is over'));
  }
}

/** Starts the members and waits until they agree on a leader. */
export async function startStoreCluster(options: StoreClusterOptions): Promise<StoreCluster> {
  const count = options.members;
  const ports = await freeLoopbackPorts(2 * count);
  const baseDir = mkdtempSync(join(tmpdir(), `logbook-e2e-${options.impl}-`));
  const specs: MemberSpec[] = Array.from({ length: count }, (_, i) => ({
    name: `s${i + 1}`,
    clientUrl: `http://127.0.0.1:${ports[2 * i]!}`,
    peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}`,
    dataDir: join(baseDir, `s${i + 1}`),
  }));
  const initialCluster = specs.map((s) => `${s.name}=${s.peerUrl}`).join(',');
  const token = `e2e-${process.pid}-${++clusterCounter}`;
  const members = specs.map((spec) => {
    const args = memberArgs(spec, initialCluster, token, options);
    return options.impl === 'etcd' ? new MemberProcess(spec, ETCD, args) : new MemberProcess(spec, process.execPath, [LOGBOOK_CLI, 'store', ...args]);
  });
  const cluster = new ProcessCluster(options.impl, members, baseDir);
  for (const m of members) m.start();
  try {
    await waitForStart(cluster, options.startTimeoutMs ?? 20_000);
  } catch (err) {
    const logs = cluster.logs(60);
    await cluster.stop();
    throw new Error(`the ${options.impl} store cluster did not start: ${(err as Error).message}\n${logs}`, { cause: err });
  }
  return cluster;
}

/** Runs one check as a subtest of the cluster's test; see withStoreCluster. */
export type Step = (name: string, check: () => Promise<void>) => Promise<void>;

/**
 * Runs `body` against a fresh cluster. `step` runs a check as a subtest (a
 * failed subtest does not throw in its parent, so failures are counted here);
 * after any failure the members' output goes to the test's diagnostics. The
 * cluster is stopped and its directory removed either way.
 */
export async function withStoreCluster(
  t: TestContext,
  options: StoreClusterOptions,
  body: (cluster: StoreCluster, step: Step) => Promise<void>,
): Promise<void> {
  const cluster = await startStoreCluster(options);
  let failed = false;
  const step: Step = (name, check) =>
    t.test(name, async () => {
      try {
        await check();
      } catch (err) {
        failed = true;
        throw err;
      }
    });
  try {
    await body(cluster, step);
    const exits = cluster.unexpectedExits();
    if (exits.length > 0) throw new Error(`members crashed during the test: ${exits.join('; ')}`);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    if (failed) t.diagnostic(cluster.logs(150));
    await cluster.stop();
  }
}
