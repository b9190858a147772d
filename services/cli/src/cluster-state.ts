// D/cluster.json: the layout `up` chose (so `status`, `down` and a later `up`
// use the same ports and paths) and, per process, the start time the kernel
// gave it. A pid alone can be reused after the process is gone; pid plus
// start time names one process, so `down` never signals a stranger.

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './cluster-files.ts';
import { ClusterError } from './cluster-error.ts';
import type { ApiserverSpec, ClusterLayout, NatsSpec, PeerProxySpec, StoreSpec } from './cluster-layout.ts';

export interface ClusterState {
  readonly layout: ClusterLayout;
  /** name → the /proc start time (clock ticks since boot) of the process `up` spawned. */
  readonly startTimes: Readonly<Record<string, string>>;
}

export async function writeState(path: string, state: ClusterState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o644);
}

/** undefined when there is no cluster.json; a ClusterError when it is not one of ours. */
export function readState(path: string): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ClusterError('invalid', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return decodeState(JSON.parse(text));
  } catch (e) {
    throw new ClusterError('invalid', `${path} is not a logbook cluster state file: ${(e as Error).message}`, { cause: e });
  }
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
function port(o: Obj, k: string, what: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new Error(`${what}.${k} must be a port`);
  return v;
}
function list<T>(o: Obj, k: string, each: (e: Obj, what: string) => T): T[] {
  const v = o[k];
  if (!Array.isArray(v) || v.length === 0) throw new Error(`layout.${k} must be a non-empty array`);
  return v.map((e, i) => each(obj(e, `layout.${k}[${i}]`), `layout.${k}[${i}]`));
}

export function decodeState(raw: unknown): ClusterState {
  const root = obj(raw, 'the file');
  const l = obj(root['layout'], 'layout');
  if (l['format'] !== 'logbook-cluster/v1') throw new Error(`layout.format must be "logbook-cluster/v1"`);
  const mode = l['mode'];
  if (mode !== 'local' && mode !== 'compose') throw new Error('layout.mode must be "local" or "compose"');
  const nats = list(l, 'nats', (e, w): NatsSpec => ({ name: str(e, 'name', w), host: str(e, 'host', w), clientPort: port(e, 'clientPort', w), clusterPort: port(e, 'clusterPort', w) }));
  const store = list(l, 'store', (e, w): StoreSpec => ({ name: str(e, 'name', w), host: str(e, 'host', w), clientPort: port(e, 'clientPort', w), peerPort: port(e, 'peerPort', w) }));
  const apiservers = list(l, 'apiservers', (e, w): ApiserverSpec => ({ name: str(e, 'name', w), host: str(e, 'host', w), securePort: port(e, 'securePort', w) }));
  const h = obj(l['haproxy'], 'layout.haproxy');
  const peerProxies = l['peerProxies'] === undefined ? undefined : list(l, 'peerProxies', (e, w): PeerProxySpec => ({ name: str(e, 'name', w), host: str(e, 'host', w), port: port(e, 'port', w), store: str(e, 'store', w) }));
  if (peerProxies !== undefined && (peerProxies.length !== store.length || peerProxies.some((p, i) => p.store !== store[i]!.name))) {
    throw new Error('layout.peerProxies must name each store member once, in member order');
  }
  const layout: ClusterLayout = {
    format: 'logbook-cluster/v1',
    mode,
    dir: str(l, 'dir', 'layout'),
    bindHost: str(l, 'bindHost', 'layout'),
    publicServer: str(l, 'publicServer', 'layout'),
    nats,
    store,
    apiservers,
    haproxy: { name: 'haproxy', host: str(h, 'host', 'layout.haproxy'), port: port(h, 'port', 'layout.haproxy') },
    ...(peerProxies === undefined ? {} : { peerProxies }),
  };
  const startTimes: Record<string, string> = {};
  const st = root['startTimes'] === undefined ? {} : obj(root['startTimes'], 'startTimes');
  for (const [k, v] of Object.entries(st)) {
    if (typeof v !== 'string') throw new Error(`startTimes.${k} must be a string`);
    startTimes[k] = v;
  }
  return { layout, startTimes };
}
