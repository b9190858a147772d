// One apiserver replica: storage (etcd v3 client → Etcd3Storage, a watch cache
// per resource), the registry, the HTTPS front end, the bootstrap namespaces
// and the namespace controller. Wiring only; the logic lives in libs.

import { builtinSchemas } from '@logbook/schemas';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { StatusError } from '@logbook/apimachinery';
import { Cacher, Etcd3Storage, realClock, type Storage } from '@logbook/apistorage';
import type { Logger } from '@logbook/raft';
import { EtcdClient } from '@logbook/etcd-client';
import { ApiServer, ApiserverMetrics, HealthEndpoints, versionInfo, type HealthCheck } from '@logbook/endpoints';
import { ensureCertDir } from '@logbook/pki';
import { Registry, type Environment } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import type { ApiserverConfig } from './config.ts';
import { APISERVER_VERSION } from './config.ts';
import { LoopbackClient } from './loopback-client.ts';
import { NamespaceController } from './namespace-controller.ts';

export interface RunningApiserver {
  readonly port: number;
  /** The CA and admin client material (self-signed mode), for kubeconfigs. */
  readonly caPem: string;
  readonly admin: { readonly certPem: string; readonly keyPem: string } | undefined;
  readonly closed: Promise<Error | undefined>;
  close(): Promise<void>;
}

/** Namespaces kube-apiserver creates at start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

const MAX_BODY_BYTES = 3 * 1024 * 1024;

function firstNonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

export async function startApiserver(cfg: ApiserverConfig, logger: Logger, opts: { readonly etcdServers?: readonly string[] } = {}): Promise<RunningApiserver> {
  const endpoints = opts.etcdServers ?? cfg.etcdServers;
  if (endpoints.length === 0) throw new Error('--etcd-servers must be set');
  const client = EtcdClient.connect({ endpoints: endpoints.map((e) => e.replace(/^https?:\/\//, '')) });
  const etcd = new Etcd3Storage({ client, ownsClient: true });
  const cachers: Cacher[] = [];
  const storageFor = (keyRoot: string, info: { plural: string; group: string; version: string; kind: string }): Storage => {
    const name = info.group === '' ? info.plural : `${info.plural}.${info.group}`;
    const size = cfg.watchCacheSizes[name] ?? cfg.defaultWatchCacheSize;
    if (!cfg.watchCache || size === 0) return etcd;
    const bookmarkKind = { apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`, kind: info.kind };
    const cacher = new Cacher({ underlying: etcd, prefix: `${keyRoot}/`, clock: realClock, logger, eventCapacity: size, bookmarkKind });
    cachers.push(cacher);
    return cacher;
  };
  const env: Environment = { now: () => Date.now(), uuid: () => randomUUID(), randomInt: (n) => randomInt(n) };
  const resources = catalogue();
  const { base, size } = cfg.serviceNodePortRange;
  const registry = new Registry({
    etcdPrefix: cfg.etcdPrefix, resources, storageFor, env, schemas: builtinSchemas(),
    // The allocation keys are read and written directly (no watch cache: every allocation reads the latest).
    serviceRanges: { storage: etcd, clusterIpRange: cfg.serviceClusterIpRanges[0]!.cidr, nodePortRange: `${base}-${base + size - 1}` },
  });

  // TLS: the given certificate, or kube-apiserver's self-signed set in --cert-dir.
  const advertise = cfg.advertiseAddress ?? firstNonLoopbackAddress() ?? '127.0.0.1';
  const hosts = [advertise, ...cfg.serviceClusterIpRanges.map((r) => r.apiServerServiceIp)];
  let certPem: string;
  let keyPem: string;
  let caPem: string;
  let admin: RunningApiserver['admin'];
  if (cfg.tlsCertFile !== undefined && cfg.tlsPrivateKeyFile !== undefined) {
    certPem = readFileSync(cfg.tlsCertFile, 'utf8');
    keyPem = readFileSync(cfg.tlsPrivateKeyFile, 'utf8');
    caPem = cfg.clientCaFile !== undefined ? readFileSync(cfg.clientCaFile, 'utf8') : '';
  } else {
    const dir = await ensureCertDir(cfg.certDir, { hosts, now: new Date() });
    certPem = dir.serving.certPem;
    keyPem = dir.serving.keyPem;
    caPem = cfg.clientCaFile !== undefined ? readFileSync(cfg.clientCaFile, 'utf8') : dir.ca.certPem;
    admin = { certPem: dir.admin.certPem, keyPem: dir.admin.keyPem };
    if (dir.generated.length > 0) logger.info('generated self-signed certificates', { dir: cfg.certDir, files: dir.generated.join(',') });
  }

  const checks: HealthCheck[] = [
    { name: 'ping', check: () => Promise.resolve() },
    { name: 'etcd', check: async (signal) => void (await etcd.currentRevision(signal)) },
  ];
  const informerSync: HealthCheck = { name: 'informer-sync', check: () => (cachers.every((c) => c.ready) ? Promise.resolve() : Promise.reject(new Error('watch caches not synced'))) };
  let shuttingDown = false;
  const shutdown: HealthCheck = { name: 'shutdown', check: () => (shuttingDown ? Promise.reject(new Error('shutting down')) : Promise.resolve()) };
  const health = new HealthEndpoints({ checks: { healthz: checks, livez: checks, readyz: [...checks, informerSync, shutdown] } });
  const metrics = new ApiserverMetrics();
  const loopbackToken = randomBytes(32).toString('base64url');
  const server = new ApiServer({
    loopbackToken,
    registry,
    resources,
    tls: { certPem, keyPem, clientCaPem: caPem },
    serverAddress: `${advertise}:${cfg.securePort}`,
    schemas: builtinSchemas,
    version: versionInfo({
      gitVersion: APISERVER_VERSION.kubernetes, gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`, goVersion: `node${process.versions.node}`, compiler: 'logbook',
    }),
    health,
    metrics,
    maxRequestsInflight: cfg.maxRequestsInflight,
    maxMutatingRequestsInflight: cfg.maxMutatingRequestsInflight,
    minRequestTimeoutSeconds: cfg.minRequestTimeoutSeconds,
    requestTimeoutMs: cfg.requestTimeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
    random: Math.random,
    logger,
  });

  await ensureSystemNamespaces(registry, logger);
  const port = await server.listen(cfg.securePort, cfg.bindAddress);
  const loopback = new LoopbackClient({ port, token: loopbackToken, servingCertPem: certPem });
  const controller = new NamespaceController(loopback, resources, logger);
  controller.start();
  logger.info('apiserver serving', { address: `https://${cfg.bindAddress}:${port}`, etcd: endpoints.join(',') });

  let resolveClosed: (e: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      controller.stop();
      loopback.close();
      await server.close();
      await Promise.all(cachers.map((c) => c.close()));
      await etcd.close();
      resolveClosed(undefined);
    })();
    return closing;
  };
  return { port, caPem, admin, closed, close };
}

/** How long start-up waits for the store to answer (it may still be electing a leader). */
const STORE_WAIT_MS = 60_000;

/** default, kube-system, kube-public, kube-node-lease exist from the start (created if absent). */
async function ensureSystemNamespaces(registry: Registry, logger: Logger): Promise<void> {
  const namespaces = registry.lookup('', 'v1', 'namespaces');
  if (namespaces === undefined) return;
  const deadline = Date.now() + STORE_WAIT_MS;
  for (const name of SYSTEM_NAMESPACES) {
    for (;;) {
      try {
        await namespaces.create({ namespace: '', ctx: { user: 'system:apiserver', groups: ['system:masters'], verb: 'create', resource: 'namespaces', name, auditId: randomUUID() } }, { metadata: { name } });
        logger.info('created system namespace', { name });
        break;
      } catch (err) {
        if (err instanceof StatusError && err.status.reason === 'AlreadyExists') break;
        // The store is not serving yet (no leader, starting): wait for it, as kube-apiserver waits for etcd.
        if (!(err instanceof StatusError && err.status.code === 503) || Date.now() > deadline) throw err;
        logger.info('waiting for the store', { error: err.message });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}
