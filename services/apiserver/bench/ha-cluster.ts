// `logbook cluster up|down` as a user runs them (the real CLI in a child
// process), and the part of D/cluster.json the HA bench needs: HAProxy's
// address and each apiserver replica's name and port. The CLI's own decoder
// is internal to services/cli, so this reads only those fields, decoded once
// here at the boundary.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HaBenchError } from './ha-bench-error.ts';

const CLI = fileURLToPath(new URL('../../cli/bin/logbook.js', import.meta.url));
/** Output kept from one CLI run: the tail is what explains a failure. */
const MAX_OUTPUT_CHARS = 64 * 1024;

export interface ReplicaAddress {
  readonly name: string;
  readonly host: string;
  readonly securePort: number;
}

export interface ClusterAddresses {
  /** https://HOST:PORT of HAProxy: what every measured request goes to. */
  readonly publicServer: string;
  readonly replicas: readonly ReplicaAddress[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} must be an object`);
  return v as Obj;
}

function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new Error(`${what}.${k} must be a non-empty string`);
  return v;
}

/** HAProxy's address and the replicas from a parsed D/cluster.json; throws on anything else. */
export function decodeClusterAddresses(raw: unknown): ClusterAddresses {
  const layout = obj(obj(raw, 'cluster.json')['layout'], 'layout');
  const publicServer = str(layout, 'publicServer', 'layout');
  if (!/^https:\/\/[^/\s]+$/.test(publicServer)) throw new Error(`layout.publicServer must be https://HOST:PORT (got "${publicServer}")`);
  const list = layout['apiservers'];
  if (!Array.isArray(list) || list.length === 0) throw new Error('layout.apiservers must be a non-empty array');
  const replicas = list.map((e, i): ReplicaAddress => {
    const what = `layout.apiservers[${i}]`;
    const a = obj(e, what);
    const port = a['securePort'];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}.securePort must be a port`);
    return { name: str(a, 'name', what), host: str(a, 'host', what), securePort: port };
  });
  if (new Set(replicas.map((r) => r.name)).size !== replicas.length) throw new Error('layout.apiservers has duplicate names');
  return { publicServer, replicas };
}

export function readClusterAddresses(dir: string): ClusterAddresses {
  const path = join(dir, 'cluster.json');
  try {
    return decodeClusterAddresses(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new HaBenchError('cluster-state', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The pid `cluster up` recorded for a process (D/pids/NAME.pid). */
export function readClusterPid(dir: string, name: string): number {
  const path = join(dir, 'pids', `${name}.pid`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new HaBenchError('cluster-state', `cannot read ${path}`, { cause: e });
  }
  const pid = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(pid) || pid < 1) throw new HaBenchError('cluster-state', `${path} holds ${JSON.stringify(text)}, not a pid`);
  return pid;
}

interface CliResult {
  readonly code: number | null;
  readonly output: string;
}

function runCli(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Without KUBECONFIG: a developer's own cluster must never be what the bench talks to.
    const env = { ...process.env };
    delete env['KUBECONFIG'];
    const child = spawn(process.execPath, [CLI, 'cluster', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer): void => void (output = (output + c.toString('utf8')).slice(-MAX_OUTPUT_CHARS));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** `logbook cluster up --dir DIR --replicas N`; resolves once HAProxy serves (the CLI waits for that). */
export async function clusterUp(dir: string, replicas: number, startTimeoutMs: number): Promise<ClusterAddresses> {
  const args = ['up', '--dir', dir, '--replicas', String(replicas), '--start-timeout', `${Math.ceil(startTimeoutMs / 1000)}s`];
  // The CLI enforces its own bound; ours only catches a CLI that hangs past it.
  const r = await runCli(args, startTimeoutMs + 30_000);
  if (r.code !== 0) throw new HaBenchError('cluster-up', `logbook cluster ${args.join(' ')} exited ${r.code}:\n${r.output.slice(-4000)}`);
  return readClusterAddresses(dir);
}

/** `logbook cluster down --dir DIR`: stops what `up` started (SIGTERM, then SIGKILL). */
export async function clusterDown(dir: string): Promise<void> {
  const r = await runCli(['down', '--dir', dir, '--grace-period', '10s'], 120_000);
  if (r.code !== 0) throw new HaBenchError('cluster-down', `logbook cluster down --dir ${dir} exited ${r.code}:\n${r.output.slice(-4000)}`);
}
