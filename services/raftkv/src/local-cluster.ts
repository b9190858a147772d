// A cluster of real member processes on loopback, for the demo, the
// end-to-end tests and the benchmark: free ports, one data directory per
// member, each member's stderr (its JSON log) in a file, kill/restart by id.
// Children are SIGKILLed if this process exits without stopping them.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeId, NodeStatus } from '@logbook/raft';
import { KvClient } from './kv-client.ts';

const MEMBER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface LocalClusterOptions {
  readonly size: number;
  /** Member i keeps its data in <baseDir>/member-<i> and its log in <baseDir>/member-<i>.log. */
  readonly baseDir: string;
  readonly host?: string;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  /** Further member flags, e.g. ['--snapshot-count', '100']. */
  readonly extraFlags?: readonly string[];
  /** argv that runs a member (flags are appended); `node raftkv/src/main.ts member` by default. */
  readonly command?: readonly string[];
  /** Options for node itself, e.g. ['--cpu-prof'] when profiling members. */
  readonly nodeArgs?: readonly string[];
}

export interface ClusterMember {
  readonly id: NodeId;
  readonly peerAddress: string;
  readonly clientUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly client: KvClient;
  process: ChildProcess | undefined;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Ports the OS reports free right now (all held open together so none repeats). */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, host, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export class LocalCluster {
  readonly members: readonly ClusterMember[];
  readonly #opts: LocalClusterOptions;
  readonly #initialCluster: string;

  private constructor(opts: LocalClusterOptions, members: ClusterMember[]) {
    this.#opts = opts;
    this.members = members;
    this.#initialCluster = members.map((m) => `${m.id}=${m.peerAddress}`).join(',');
  }

  static async start(opts: LocalClusterOptions): Promise<LocalCluster> {
    installExitHook();
    const host = opts.host ?? '127.0.0.1';
    const ports = await freePorts(opts.size * 2, host);
    const members: ClusterMember[] = [];
    for (let i = 0; i < opts.size; i++) {
      const id = (i + 1) as NodeId;
      const clientUrl = `http://${host}:${ports[2 * i + 1]}`;
      members.push({
        id,
        peerAddress: `${host}:${ports[2 * i]}`,
        clientUrl,
        dataDir: join(opts.baseDir, `member-${id}`),
        logFile: join(opts.baseDir, `member-${id}.log`),
        client: new KvClient(clientUrl),
        process: undefined,
      });
    }
    mkdirSync(opts.baseDir, { recursive: true });
    const cluster = new LocalCluster(opts, members);
    for (const m of members) cluster.#spawn(m);
    return cluster;
  }

  member(id: number): ClusterMember {
    const m = this.members.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  running(): ClusterMember[] {
    return this.members.filter((m) => m.process !== undefined);
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(id: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.member(id);
    const child = m.process;
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    }
    if (m.process === child) m.process = undefined;
  }

  /** Starts a stopped member again with the same flags and data directory. */
  restart(id: number): void {
    const m = this.member(id);
    if (m.process !== undefined) throw new Error(`member ${id} is running`);
    this.#spawn(m);
  }

  /** Polls running members' /status until they agree on one leader. */
  async waitForLeader(timeoutMs = 10_000): Promise<ClusterMember> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      const statuses = await Promise.all(
        this.running().map(async (m) => {
          try {
            return await m.client.status();
          } catch (err) {
            last = String(err);
            return undefined;
          }
        }),
      );
      const ok = statuses.filter((s): s is NodeStatus => s !== undefined);
      const leaders = ok.filter((s) => s.raftState === 'leader');
      const leader = leaders[0];
      if (leaders.length === 1 && leader !== undefined && ok.length === statuses.length && ok.every((s) => s.lead === leader.id)) {
        return this.member(leader.id);
      }
      last = JSON.stringify(ok.map((s) => ({ id: s.id, state: s.raftState, lead: s.lead, term: s.term })));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no leader within ${timeoutMs} ms (${last})`);
  }

  /** SIGTERM every member, SIGKILL any still running after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    await Promise.all(
      this.running().map(async (m) => {
        const timer = setTimeout(() => m.process?.kill('SIGKILL'), graceMs);
        try {
          await this.kill(m.id, 'SIGTERM');
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    for (const m of this.members) m.client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #spawn(m: ClusterMember): void {
    const o = this.#opts;
    const flags = [
      '--id', String(m.id),
      '--data-dir', m.dataDir,
      '--listen-peer', m.peerAddress,
      '--listen-client', new URL(m.clientUrl).host,
      '--initial-cluster', this.#initialCluster,
      '--tick-ms', String(o.tickMs ?? 50),
      '--election-ticks', String(o.electionTicks ?? 10),
      ...(o.extraFlags ?? []),
    ];
    const argv = [...(o.nodeArgs ?? []), ...(o.command ?? [MEMBER_MAIN, 'member']), ...flags];
    const log = openSync(m.logFile, 'a');
    try {
      // Own process group: a terminal's Ctrl-C reaches only the parent, which stops members in order.
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', log], detached: true });
      live.add(child);
      child.once('exit', () => {
        live.delete(child);
        if (m.process === child) m.process = undefined;
      });
      m.process = child;
    } finally {
      closeSync(log); // the child holds its own descriptor
    }
  }
}
