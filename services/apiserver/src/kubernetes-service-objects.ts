// The objects that advertise the apiserver replicas inside the cluster, as
// kube-apiserver writes them: each replica's Lease in kube-system, and the
// `kubernetes` Service with its Endpoints and EndpointSlices in default.
// Pure: given the live replicas, what those objects must say.
//
// The Lease takes the apiserver identity lease's shape (`apiserver-<id>`,
// label apiserver.kubernetes.io/identity=kube-apiserver) because that is the
// Lease kube-apiserver already keeps in kube-system and tools look for; the
// liveness rule is the master-lease reconciler's (a short TTL, renewed), since
// the identity lease's hour-long duration would keep a crashed replica in the
// endpoints for an hour. The address and port ride in annotations: an
// identity lease has no field for them.

/** Where replicas keep their leases, and the label that finds them (kube's identity leases). */
export const LEASE_NAMESPACE = 'kube-system';
export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const IDENTITY_VALUE = 'kube-apiserver';
export const ADDRESS_ANNOTATION = 'logbook.dev/advertise-address';
export const PORT_ANNOTATION = 'logbook.dev/secure-port';

export const SERVICE_NAMESPACE = 'default';
export const SERVICE_NAME = 'kubernetes';
/** discovery.k8s.io's label tying a slice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Set by kube on the kubernetes Endpoints: the EndpointSlice mirroring controller must not copy it (we write the slices). */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

export interface Replica {
  /** The lease name, `apiserver-<id>`. */
  readonly identity: string;
  readonly address: string;
  readonly port: number;
}

export interface ReplicaLease extends Replica {
  /** When the lease runs out (ms since the epoch): renewTime + leaseDurationSeconds. */
  readonly expiresAtMs: number;
  readonly resourceVersion: string;
}

/** metav1.MicroTime: RFC 3339 with microseconds, UTC. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function leaseObject(r: Replica, nowMs: number, leaseDurationSeconds: number, acquireTime?: string): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: r.identity,
      namespace: LEASE_NAMESPACE,
      labels: { [IDENTITY_LABEL]: IDENTITY_VALUE },
      annotations: { [ADDRESS_ANNOTATION]: r.address, [PORT_ANNOTATION]: String(r.port) },
    },
    spec: { holderIdentity: r.identity, leaseDurationSeconds, acquireTime: acquireTime ?? microTime(nowMs), renewTime: microTime(nowMs) },
  };
}

/** A replica's lease as read back, or undefined when it is not one (missing fields, bad values): such a lease is ignored. */
export function parseLease(obj: unknown): ReplicaLease | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as { metadata?: { name?: unknown; resourceVersion?: unknown; annotations?: Record<string, unknown> }; spec?: { renewTime?: unknown; leaseDurationSeconds?: unknown } };
  const name = o.metadata?.name;
  const address = o.metadata?.annotations?.[ADDRESS_ANNOTATION];
  const port = Number(o.metadata?.annotations?.[PORT_ANNOTATION]);
  const renewMs = typeof o.spec?.renewTime === 'string' ? Date.parse(o.spec.renewTime) : Number.NaN;
  const seconds = o.spec?.leaseDurationSeconds;
  if (typeof name !== 'string' || typeof address !== 'string' || addressType(address) === undefined) return undefined;
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !Number.isFinite(renewMs)) return undefined;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) return undefined;
  return { identity: name, address, port, expiresAtMs: renewMs + seconds * 1000, resourceVersion: typeof o.metadata?.resourceVersion === 'string' ? o.metadata.resourceVersion : '' };
}

export function addressType(ip: string): 'IPv4' | 'IPv6' | undefined {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return 'IPv6';
  return undefined;
}

const HTTPS_PORT = (port: number): Record<string, unknown> => ({ name: 'https', port, protocol: 'TCP' });

/** Replicas grouped by port (each group sorted by address), ports ascending: one Endpoints subset per distinct port. */
function byPort(replicas: readonly Replica[]): [number, string[]][] {
  const groups = new Map<number, Set<string>>();
  for (const r of replicas) {
    let g = groups.get(r.port);
    if (g === undefined) groups.set(r.port, (g = new Set()));
    g.add(r.address);
  }
  return [...groups].sort((a, b) => a[0] - b[0]).map(([port, set]) => [port, [...set].sort()]);
}

/**
 * Endpoints default/kubernetes. Replicas on one machine differ by port;
 * Endpoints expresses that as one subset per distinct port (a subset's ports
 * apply to all of its addresses).
 */
export function endpointsSubsets(replicas: readonly Replica[]): Record<string, unknown>[] {
  return byPort(replicas).map(([port, addresses]) => ({ addresses: addresses.map((ip) => ({ ip })), ports: [HTTPS_PORT(port)] }));
}

export function endpointsObject(replicas: readonly Replica[]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: SERVICE_NAME, namespace: SERVICE_NAMESPACE, labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets: endpointsSubsets(replicas),
  };
}

/**
 * EndpointSlices for the kubernetes Service. A slice's ports apply to all of
 * its endpoints, and it holds one address family, so there is one slice per
 * (family, port): the first is named `kubernetes` as kube names its single
 * slice, the others `kubernetes-<family>-<port>`.
 */
export function endpointSlices(replicas: readonly Replica[]): Record<string, unknown>[] {
  const groups: { type: 'IPv4' | 'IPv6'; port: number; addresses: string[] }[] = [];
  for (const type of ['IPv4', 'IPv6'] as const) {
    for (const [port, addresses] of byPort(replicas.filter((r) => addressType(r.address) === type))) groups.push({ type, port, addresses });
  }
  return groups.map((g, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: i === 0 ? SERVICE_NAME : `${SERVICE_NAME}-${g.type.toLowerCase()}-${g.port}`,
      namespace: SERVICE_NAMESPACE,
      labels: { [SERVICE_NAME_LABEL]: SERVICE_NAME },
    },
    addressType: g.type,
    endpoints: g.addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [HTTPS_PORT(g.port)],
  }));
}

/** Service default/kubernetes: the first IP of the service range, 443 → the creating replica's secure port. */
export function serviceObject(clusterIp: string, targetPort: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: SERVICE_NAME, namespace: SERVICE_NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: clusterIp,
      clusterIPs: [clusterIp],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort }],
      sessionAffinity: 'None',
    },
  };
}
