// A 3-member (or n-member) Logbook store on loopback for the benchmark,
// started exactly as etcd is: `logbook store` with etcd's flags, one data
// directory and one log file per member. Ready when every member answers
// Maintenance/Status and all name the same leader.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtcdClient } from '@logbook/etcd-client';
import { freePorts } from '@logbook/etcd-client/testing';

const CLI = fileURLToPath(new URL('../../cli/bin/logbook.js', import.meta.url));

export interface LogbookMember {
  readonly name: string;
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(no log: ${String(e)})`;
  }
}

export class LogbookCluster {
  readonly members: readonly LogbookMember[];
  readonly #processes: (ChildProcess | undefined)[];

  private constructor(members: LogbookMember[]) {
    this.members = members;
    this.#processes = members.map(() => undefined);
  }

  get endpoints(): readonly string[] {
    return this.members.map((m) => m.endpoint);
  }

  static async start(o: { readonly size: number; readonly dir: string; readonly readyTimeoutMs?: number }): Promise<LogbookCluster> {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const c of live) c.kill('SIGKILL');
      });
    }
    mkdirSync(o.dir, { recursive: true });
    const ports = await freePorts(2 * o.size);
    const members = Array.from({ length: o.size }, (_, i): LogbookMember => ({
      name: `s${i + 1}`,
      endpoint: `127.0.0.1:${ports[2 * i]!}`,
      clientUrl: `http://127.0.0.1:${ports[2 * i]!}`,
      peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}`,
      dataDir: join(o.dir, `s${i + 1}`),
      logFile: join(o.dir, `s${i + 1}.log`),
    }));
    const cluster = new LogbookCluster(members);
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    members.forEach((m, i) => cluster.#spawn(i, initialCluster));
    try {
      await cluster.#waitReady(o.readyTimeoutMs ?? 30_000);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    await Promise.all(
      this.#processes.map(async (child) => {
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  #spawn(i: number, initialCluster: string): void {
    const m = this.members[i]!;
    const args = [
      CLI, 'store',
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initialCluster,
      '--initial-cluster-state', 'new',
    ];
    const log = openSync(m.logFile, 'a');
    try {
      // Own process group: Ctrl-C reaches only the bench, which stops members in order.
      const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: true });
      const gone = (): void => {
        live.delete(child);
        if (this.#processes[i] === child) this.#processes[i] = undefined;
      };
      live.add(child);
      child.once('exit', gone);
      child.once('error', gone);
      this.#processes[i] = child;
    } finally {
      closeSync(log);
    }
  }

  async #waitReady(timeoutMs: number): Promise<void> {
    const client = EtcdClient.connect({ endpoints: this.endpoints, requestTimeoutMs: 1_000 });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        let last: string;
        const dead = this.members.findIndex((_, i) => this.#processes[i] === undefined);
        if (dead >= 0) {
          const m = this.members[dead]!;
          throw new Error(`logbook store ${m.name} exited during startup (log: ${m.logFile}):\n${logTail(m.logFile)}`);
        }
        try {
          const statuses = await Promise.all(this.endpoints.map((e) => client.status(e)));
          const leaders = new Set(statuses.map((s) => s.leader));
          if (leaders.size === 1 && !leaders.has(0n)) return;
          last = `leaders seen: ${[...leaders].join(', ')}`;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() > deadline) throw new Error(`logbook store not ready within ${timeoutMs} ms (${last}); logs in ${this.members[0]!.logFile} and siblings`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      client.close();
    }
  }
}
