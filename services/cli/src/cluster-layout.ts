// The topology of `logbook cluster`: which processes exist, on which host and
// ports, with which flags, and where their files live. Pure data and pure
// functions: `up` spawns what this describes, `status` and `down` read it
// back from D/cluster.json, and the same layout with container host names
// (`composeLayout`) is what docker-compose.yml runs, which a unit test checks.

import { join } from 'node:path';
import { ClusterError } from './cluster-error.ts';

export const PROCESS_KINDS = ['nats', 'proxy', 'store', 'apiserver', 'haproxy'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** Each tier starts after the one it depends on (a member's peers reach it through its proxy)... */
export const START_ORDER: readonly ProcessKind[] = ['nats', 'proxy', 'store', 'apiserver', 'haproxy'];
/**
 * ...and stops before it, except that the apiservers go first: a replica
 * that is shutting down must still reach the store to finish its requests,
 * and HAProxy must still be there to see its /readyz go unready.
 */
export const STOP_ORDER: readonly ProcessKind[] = ['apiserver', 'haproxy', 'store', 'proxy', 'nats'];

export interface ClusterCounts {
  readonly replicas: number;
  readonly storeMembers: number;
  readonly natsServers: number;
}

/** Raft needs a majority, so an even member count only adds a failure without adding tolerance. */
export const COUNT_LIMITS = {
  replicas: { min: 1, max: 9 },
  storeMembers: { min: 1, max: 7 },
  natsServers: { min: 1, max: 7 },
} as const;

export interface NatsSpec { readonly name: string; readonly host: string; readonly clientPort: number; readonly clusterPort: number }
export interface StoreSpec { readonly name: string; readonly host: string; readonly clientPort: number; readonly peerPort: number }
export interface ApiserverSpec { readonly name: string; readonly host: string; readonly securePort: number }
/**
 * `--peer-proxies`: a TCP forwarder in front of a store member's peer port.
 * The member's peer URL in --initial-cluster (and its advertised one) is the
 * proxy's, so every message another member sends it passes the proxy, while
 * what it sends goes out through the other members' proxies. Stopping
 * proxy-store-N therefore cuts member N's inbound peer traffic only: see
 * e2e/test/ha-failover.test.ts for what Raft (PreVote, CheckQuorum) does then.
 */
export interface PeerProxySpec { readonly name: string; readonly host: string; readonly port: number; readonly store: string }
export interface HaproxySpec { readonly name: 'haproxy'; readonly host: string; readonly port: number }

export interface ClusterLayout {
  readonly format: 'logbook-cluster/v1';
  readonly mode: 'local' | 'compose';
  /** Absolute; every file of the cluster lives under it. */
  readonly dir: string;
  /** Where every process listens: loopback for `up`, all interfaces in containers. */
  readonly bindHost: string;
  /** The address clients outside use to reach HAProxy (the kubeconfig's server). */
  readonly publicServer: string;
  readonly nats: readonly NatsSpec[];
  readonly store: readonly StoreSpec[];
  readonly apiservers: readonly ApiserverSpec[];
  readonly haproxy: HaproxySpec;
  /** Absent: members reach each other directly. One per store member, in member order, when present. */
  readonly peerProxies?: readonly PeerProxySpec[];
}

export interface LayoutOptions {
  readonly peerProxies?: boolean;
}

/** One process as `up` runs it and `status` shows it. */
export interface ProcessSpec {
  readonly name: string;
  readonly kind: ProcessKind;
  /** `logbook` means this repository's CLI; the other two are looked up on PATH. */
  readonly program: 'logbook' | 'nats-server' | 'haproxy';
  readonly args: readonly string[];
  readonly ports: Readonly<Record<string, number>>;
}

export function checkCounts(c: ClusterCounts): string[] {
  const problems: string[] = [];
  for (const [key, flag] of [['replicas', 'replicas'], ['storeMembers', 'store-members'], ['natsServers', 'nats-servers']] as const) {
    const n = c[key];
    const { min, max } = COUNT_LIMITS[key];
    if (!Number.isSafeInteger(n) || n < min || n > max) problems.push(`--${flag} must be an integer in [${min}, ${max}] (got ${n})`);
  }
  if (c.storeMembers % 2 === 0) problems.push(`--store-members must be odd (got ${c.storeMembers}): an even member count tolerates no more failures than one fewer`);
  return problems;
}

/** Ports needed by `localLayout` for these counts. */
export function portCount(c: ClusterCounts, o: LayoutOptions = {}): number {
  return 2 * c.natsServers + 2 * c.storeMembers + c.replicas + 1 + (o.peerProxies === true ? c.storeMembers : 0);
}

const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Every process on 127.0.0.1, each on its own port from `ports` (taken in order; the proxies' last). */
export function localLayout(dir: string, c: ClusterCounts, ports: readonly number[], o: LayoutOptions = {}): ClusterLayout {
  const problems = checkCounts(c);
  if (problems.length > 0) throw new ClusterError('invalid', problems.join('; '));
  if (ports.length !== portCount(c, o)) throw new ClusterError('invalid', `need ${portCount(c, o)} ports, got ${ports.length}`);
  if (new Set(ports).size !== ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new ClusterError('invalid', `ports must be distinct integers in [1, 65535]: ${ports.join(',')}`);
  }
  let next = 0;
  const take = (): number => ports[next++]!;
  const host = '127.0.0.1';
  const nats = names('nats', c.natsServers).map((name) => ({ name, host, clientPort: take(), clusterPort: take() }));
  const store = names('store', c.storeMembers).map((name) => ({ name, host, clientPort: take(), peerPort: take() }));
  const apiservers = names('apiserver', c.replicas).map((name) => ({ name, host, securePort: take() }));
  const port = take();
  const layout: ClusterLayout = { format: 'logbook-cluster/v1', mode: 'local', dir, bindHost: host, publicServer: `https://127.0.0.1:${port}`, nats, store, apiservers, haproxy: { name: 'haproxy', host, port } };
  if (o.peerProxies !== true) return layout;
  return { ...layout, peerProxies: store.map((s) => ({ name: `proxy-${s.name}`, host, port: take(), store: s.name })) };
}

/** The compose topology: one container per process, service name = process name, well-known ports. */
export function composeLayout(c: ClusterCounts, dir = '/cluster'): ClusterLayout {
  const problems = checkCounts(c);
  if (problems.length > 0) throw new ClusterError('invalid', problems.join('; '));
  return {
    format: 'logbook-cluster/v1',
    mode: 'compose',
    dir,
    bindHost: '0.0.0.0',
    // docker-compose.yml publishes HAProxy's 6443 on the host's loopback.
    publicServer: 'https://127.0.0.1:6443',
    nats: names('nats', c.natsServers).map((name) => ({ name, host: name, clientPort: 4222, clusterPort: 6222 })),
    store: names('store', c.storeMembers).map((name) => ({ name, host: name, clientPort: 2379, peerPort: 2380 })),
    apiservers: names('apiserver', c.replicas).map((name) => ({ name, host: name, securePort: 6443 })),
    haproxy: { name: 'haproxy', host: 'haproxy', port: 6443 },
  };
}

export function clusterPaths(dir: string) {
  const pki = join(dir, 'pki');
  return {
    state: join(dir, 'cluster.json'),
    kubeconfig: join(dir, 'admin.kubeconfig'),
    pki,
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    servingCert: join(pki, 'apiserver.crt'),
    servingKey: join(pki, 'apiserver.key'),
    adminCert: join(pki, 'admin.crt'),
    adminKey: join(pki, 'admin.key'),
    /** Service-account tokens' signing key, shared by every replica. */
    saKey: join(pki, 'sa.key'),
    pids: join(dir, 'pids'),
    logs: join(dir, 'logs'),
    haproxyConfig: join(dir, 'haproxy', 'haproxy.cfg'),
    pidFile: (name: string) => join(dir, 'pids', `${name}.pid`),
    logFile: (name: string) => join(dir, 'logs', `${name}.log`),
    natsConfig: (name: string) => join(dir, 'nats', `${name}.conf`),
    storeData: (name: string) => join(dir, 'data', name),
  };
}

export const natsUrls = (l: ClusterLayout): string => l.nats.map((n) => `nats://${n.host}:${n.clientPort}`).join(',');
export const storeClientUrls = (l: ClusterLayout): string[] => l.store.map((s) => `http://${s.host}:${s.clientPort}`);

export function natsArgs(l: ClusterLayout, n: NatsSpec): string[] {
  return ['-c', clusterPaths(l.dir).natsConfig(n.name)];
}

/** Where the other members send to `s`: its proxy when there is one. */
export function advertisedPeerUrl(l: ClusterLayout, s: StoreSpec): string {
  const proxy = l.peerProxies?.find((p) => p.store === s.name);
  return proxy === undefined ? `http://${s.host}:${s.peerPort}` : `http://${proxy.host}:${proxy.port}`;
}

export function peerProxyArgs(l: ClusterLayout, p: PeerProxySpec): string[] {
  const s = l.store.find((m) => m.name === p.store);
  if (s === undefined) throw new ClusterError('invalid', `${p.name} fronts ${p.store}, which is not a store member of this layout`);
  return ['tcp-proxy', '--listen', `${l.bindHost}:${p.port}`, '--target', `${s.host}:${s.peerPort}`];
}

/** etcd's flags; every member knows every NATS server so it can fail over to another. */
export function storeArgs(l: ClusterLayout, s: StoreSpec): string[] {
  const initialCluster = l.store.map((m) => `${m.name}=${advertisedPeerUrl(l, m)}`).join(',');
  return [
    'store',
    '--name', s.name,
    '--data-dir', clusterPaths(l.dir).storeData(s.name),
    '--listen-client-urls', `http://${l.bindHost}:${s.clientPort}`,
    '--advertise-client-urls', `http://${s.host}:${s.clientPort}`,
    '--listen-peer-urls', `http://${l.bindHost}:${s.peerPort}`,
    '--initial-advertise-peer-urls', advertisedPeerUrl(l, s),
    '--initial-cluster', initialCluster,
    '--initial-cluster-state', 'new',
    '--initial-cluster-token', 'logbook-cluster',
    '--nats-url', natsUrls(l),
  ];
}

/** kube-apiserver's flags; the replicas share one serving certificate, so any of them answers for HAProxy's address. */
export function apiserverArgs(l: ClusterLayout, a: ApiserverSpec): string[] {
  const p = clusterPaths(l.dir);
  return [
    'apiserver',
    '--etcd-servers', storeClientUrls(l).join(','),
    '--secure-port', String(a.securePort),
    '--bind-address', l.bindHost,
    // An IP only: in containers the replica learns its own address at run time.
    ...(l.mode === 'local' ? ['--advertise-address', a.host] : []),
    '--tls-cert-file', p.servingCert,
    '--tls-private-key-file', p.servingKey,
    '--client-ca-file', p.caCert,
    '--authorization-mode', 'Node,RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
    '--service-account-signing-key-file', p.saKey,
    '--nats-url', natsUrls(l),
    // HAProxy marks a replica down after two failed /readyz checks a second apart: a replica told to stop keeps
    // serving that long (unready) so no client is sent to a closed port; GOAWAY now and then spreads HTTP/2 clients.
    '--shutdown-delay-duration', '3s',
    '--goaway-chance', '0.001',
  ];
}

export function haproxyArgs(l: ClusterLayout): string[] {
  // -db: stay in the foreground, so the pid `up` records is HAProxy's own and its log goes to our file.
  return ['-db', '-f', clusterPaths(l.dir).haproxyConfig];
}

/** Every process of the layout, in START_ORDER. */
export function processSpecs(l: ClusterLayout): ProcessSpec[] {
  return [
    ...l.nats.map((n): ProcessSpec => ({ name: n.name, kind: 'nats', program: 'nats-server', args: natsArgs(l, n), ports: { client: n.clientPort, cluster: n.clusterPort } })),
    ...(l.peerProxies ?? []).map((p): ProcessSpec => ({ name: p.name, kind: 'proxy', program: 'logbook', args: peerProxyArgs(l, p), ports: { listen: p.port } })),
    ...l.store.map((s): ProcessSpec => ({ name: s.name, kind: 'store', program: 'logbook', args: storeArgs(l, s), ports: { client: s.clientPort, peer: s.peerPort } })),
    ...l.apiservers.map((a): ProcessSpec => ({ name: a.name, kind: 'apiserver', program: 'logbook', args: apiserverArgs(l, a), ports: { secure: a.securePort } })),
    { name: 'haproxy', kind: 'haproxy', program: 'haproxy', args: haproxyArgs(l), ports: { frontend: l.haproxy.port } },
  ];
}
