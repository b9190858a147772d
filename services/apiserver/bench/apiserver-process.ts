// `logbook apiserver` as an operator starts it, over the bench's store:
// kube-apiserver's flags, self-signed material in --cert-dir, inflight
// limits off (the bench measures the server, not its 429s). Ready when it
// logs "apiserver serving" (after the system namespaces exist). Its stderr
// goes to a log file in the scratch directory; the last lines are kept in
// memory for the error when it fails to start.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@logbook/etcd-client/testing';
import type { KubeTls } from './kube-session.ts';

const CLI = fileURLToPath(new URL('../../cli/bin/logbook.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
/** Log kept in memory for a start-up failure's message; the file has everything. */
const TAIL_BYTES = 16 * 1024;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface ApiserverProcess {
  readonly server: string;
  readonly pid: number;
  readonly tls: KubeTls;
  readonly logFile: string;
  /** Whether it exited on its own (a crash mid-bench fails the remaining workloads). */
  readonly exited: () => boolean;
  stop(): Promise<void>;
}

/** Reads the CA and admin client pair a --cert-dir holds (kube-apiserver's file names). */
export function readCertDir(dir: string): KubeTls {
  return {
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    certPem: readFileSync(join(dir, 'admin.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'admin.key'), 'utf8'),
  };
}

export async function startApiserverProcess(o: { readonly etcdServers: readonly string[]; readonly dir: string; readonly extraArgs?: readonly string[] }): Promise<ApiserverProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  const [port] = await freePorts(1);
  const certDir = join(o.dir, 'pki');
  const logFile = join(o.dir, 'apiserver.log');
  const args = [
    CLI, 'apiserver',
    '--etcd-servers', o.etcdServers.map((e) => (e.startsWith('http') ? e : `http://${e}`)).join(','),
    '--cert-dir', certDir,
    '--secure-port', String(port),
    '--bind-address', '127.0.0.1',
    '--advertise-address', '127.0.0.1',
    '--max-requests-inflight', '0',
    '--max-mutating-requests-inflight', '0',
    ...(o.extraArgs ?? []),
  ];
  // Own process group: Ctrl-C reaches only the bench, which stops the apiserver before the store.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  live.add(child);
  const log = createWriteStream(logFile);
  let tail = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
    live.delete(child);
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`logbook apiserver did not serve within ${READY_TIMEOUT_MS} ms (log: ${logFile}):\n${tail}`)), READY_TIMEOUT_MS);
    child.stderr.on('data', (c: Buffer) => {
      log.write(c);
      tail = (tail + c.toString('utf8')).slice(-TAIL_BYTES);
      if (tail.includes('"apiserver serving"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`logbook apiserver exited (${child.exitCode ?? child.signalCode}) before serving (log: ${logFile}):\n${tail}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (!exited) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exit;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(() => resolve()));
  };
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  return { server: `https://127.0.0.1:${port!}`, pid: child.pid!, tls: readCertDir(certDir), logFile, exited: () => exited, stop };
}
