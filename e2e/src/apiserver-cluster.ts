// `logbook apiserver` over a store cluster (Logbook's or real etcd), as an
// operator runs it: kube-apiserver's flags, its self-signed certificates in a
// --cert-dir, an admin kubeconfig built from them. For tests that need the
// production shape rather than `logbook up`.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeKubeconfig } from '@logbook/pki';
import { BoundedLog } from './bounded-log.ts';
import { freeLoopbackPorts } from './free-ports.ts';
import { runKubectl, type KubectlResult } from './logbook-up.ts';
import { startStoreCluster, type StoreCluster } from './store-cluster.ts';
import type { StoreImpl } from './store-impls.ts';

const CLI = resolve(import.meta.dirname, '../../services/cli/bin/logbook.js');

export interface ApiserverClusterOptions {
  readonly impl: StoreImpl;
  readonly storeMembers: 1 | 3;
  /** More kube-apiserver flags. */
  readonly extraFlags?: readonly string[];
  /** More flags for every store member (e.g. --nats-url). */
  readonly storeExtraFlags?: readonly string[];
}

export class ApiserverCluster implements AsyncDisposable {
  readonly store: StoreCluster;
  readonly dir: string;
  readonly kubeconfig: string;
  readonly port: number;
  /** PEMs a client needs: the CA and the admin client certificate. */
  readonly caPem: string;
  readonly adminCertPem: string;
  readonly adminKeyPem: string;
  readonly #child: ChildProcess;
  readonly #log: BoundedLog;

  private constructor(o: { store: StoreCluster; dir: string; port: number; child: ChildProcess; log: BoundedLog }) {
    this.store = o.store;
    this.dir = o.dir;
    this.port = o.port;
    this.#child = o.child;
    this.#log = o.log;
    this.kubeconfig = join(o.dir, 'admin.kubeconfig');
    this.caPem = readFileSync(join(o.dir, 'pki', 'ca.crt'), 'utf8');
    this.adminCertPem = readFileSync(join(o.dir, 'pki', 'admin.crt'), 'utf8');
    this.adminKeyPem = readFileSync(join(o.dir, 'pki', 'admin.key'), 'utf8');
  }

  static async start(o: ApiserverClusterOptions): Promise<ApiserverCluster> {
    const store = await startStoreCluster({ impl: o.impl, members: o.storeMembers, ...(o.storeExtraFlags !== undefined ? { extraFlags: o.storeExtraFlags } : {}) });
    const dir = mkdtempSync(join(tmpdir(), `logbook-apiserver-${o.impl}-`));
    const [port] = await freeLoopbackPorts(1);
    const log = new BoundedLog(256 * 1024);
    const args = [
      CLI, 'apiserver', '--etcd-servers', store.endpoints.map((e) => (e.startsWith('http') ? e : `http://${e}`)).join(','), '--cert-dir', join(dir, 'pki'),
      '--secure-port', String(port), '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', ...(o.extraFlags ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => log.append(c.toString()));
    child.stderr.on('data', (c: Buffer) => log.append(c.toString()));
    try {
      await waitForServing(child, log);
      const cluster = new ApiserverCluster({ store, dir, port: port!, child, log });
      await writeKubeconfig(cluster.kubeconfig, {
        server: `https://127.0.0.1:${port}`, caPem: cluster.caPem, clientCertPem: cluster.adminCertPem, clientKeyPem: cluster.adminKeyPem,
        clusterName: 'e2e', userName: 'e2e-admin', contextName: 'e2e',
      });
      return cluster;
    } catch (err) {
      child.kill('SIGKILL');
      await store.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get server(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** The apiserver's log lines that match (from the last 256 KiB it wrote). */
  apiserverLogLines(pattern: RegExp): string[] {
    return this.#log.tail(100_000).split('\n').filter((l) => pattern.test(l));
  }

  logs(): string {
    return `apiserver:\n${this.#log.tail(60)}\nstore:\n${this.store.logs(20)}`;
  }

  kubectl(args: readonly string[], opts: { readonly stdin?: string; readonly timeoutMs?: number } = {}): Promise<KubectlResult> {
    return runKubectl(this.kubeconfig, args, opts);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#child.exitCode === null) {
      const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await this.store.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Until the apiserver logs that it serves (it creates the system namespaces first). */
function waitForServing(child: ChildProcess, log: BoundedLog): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`logbook apiserver did not serve within 30 s\n${log.tail(40)}`)), 30_000);
    const onData = (c: Buffer): void => {
      seen += c.toString();
      if (seen.includes('"apiserver serving"')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolveReady();
      }
      if (seen.length > 1 << 20) seen = seen.slice(-4096);
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`logbook apiserver exited (${code ?? signal}) before serving\n${log.tail(40)}`));
    });
  });
}
