// What `logbook cluster` needs from the machine, gathered once in the command's
// entry point and passed down: binaries, the environment for children, the
// clock. Nothing below reads process.env or the real clock by itself.

import { accessSync, closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterError } from './cluster-error.ts';
import type { Timer } from './cluster-processes.ts';

export interface ClusterHost {
  /** Node able to run the CLI (this process's own). */
  readonly nodeBin: string;
  readonly cliBin: string;
  /** The environment children get. */
  readonly env: NodeJS.ProcessEnv;
  readonly timer: Timer;
  now(): Date;
}

export const CLI_BIN = fileURLToPath(new URL('../bin/logbook.js', import.meta.url));

const TAIL_BYTES = 16 * 1024;
/** Debian installs nats-server and haproxy in /usr/sbin, which many users' PATH lacks. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];
const PACKAGES = { 'nats-server': 'nats-server', haproxy: 'haproxy' } as const;

export function findBinary(name: keyof typeof PACKAGES, env: NodeJS.ProcessEnv, extraDirs: readonly string[] = EXTRA_DIRS): string {
  const dirs = [...(env['PATH'] ?? '').split(delimiter), ...extraDirs].filter((d) => d !== '');
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'ENOTDIR') throw e;
    }
  }
  throw new ClusterError('missing-binary', `${name} not found on PATH or in ${extraDirs.join(', ')}: install the Debian package ${PACKAGES[name]} (scripts/ensure-system-deps.sh does)`);
}

/**
 * The environment of the cluster's children: the caller's, minus ETCD_* and
 * ETCDCTL_* (the store reads etcd's flags from those too, and a user's own
 * etcd settings must not reconfigure it) and KUBECONFIG.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ETCD_') && !k.startsWith('ETCDCTL_') && k !== 'KUBECONFIG') out[k] = v;
  return out;
}

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * `count` distinct loopback ports chosen by the OS, all held open together so
 * none repeats. Another process can take one before our child binds it; the
 * child then fails and `up` reports which and why.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnAnyPort());
    return servers.map((s) => {
      const a = s.address();
      if (a === null || typeof a === 'string') throw new Error('expected a TCP address');
      return a.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** The last `lines` lines of a log file, reading at most its last 16 KiB (logs grow without bound). */
export function tailFile(path: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '(no log)';
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8').split('\n').slice(-lines - 1).join('\n').trimEnd();
  } finally {
    closeSync(fd);
  }
}
