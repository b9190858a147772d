// One apiserver replica: storage (etcd v3 client → Etcd3Storage, a watch cache
// per resource), the registry, the HTTPS front end, the bootstrap namespaces
// and the namespace controller. Wiring only; the logic lives in libs.

import { builtinSchemas } from '@logbook/schemas';
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { StatusError } from '@logbook/apimachinery';
import { Cacher, Etcd3Storage, realClock, type Storage } from '@logbook/apistorage';
import { NatsFeed, NatsWatchHub } from '@logbook/nats-watch';
import type { Logger } from '@logbook/raft';
import { EtcdClient } from '@logbook/etcd-client';
import { ApiServer, ApiserverMetrics, defaultAuthorizer, HealthEndpoints, SYSTEM_TIMERS, versionInfo, type HealthCheck } from '@logbook/endpoints';
import { resolveAdmissionPlugins } from '@logbook/admission';
import { ensureCertDir } from '@logbook/pki';
import { AdmissionChain, Registry, type AdmissionPlugin, type Environment } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import type { ApiserverConfig } from './config.ts';
import { APISERVER_VERSION } from './config.ts';
import { LoopbackClient } from './loopback-client.ts';
import { buildAuthorization, reconcileBootstrapRbac, type Authorization } from './authorization.ts';
import { buildAuthentication } from './authentication.ts';
import { NamespaceController } from './namespace-controller.ts';
import { ControlLoops } from './control-loops.ts';
import { buildAdmission, type Admission } from './admission.ts';
import { registryObjectReader } from './admission-reader.ts';
import { EncryptionAtRest } from './encryption.ts';
import { buildAuditor } from './audit.ts';
import { ReplicaEndpoints } from './replica-endpoints.ts';

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
  // --encryption-provider-config: one transformer for the one storage, per collection by key (registered below as collections are made).
  const encryption = cfg.encryptionProviderConfig !== undefined ? EncryptionAtRest.fromFile(cfg.encryptionProviderConfig, logger) : undefined;
  const etcd = new Etcd3Storage({ client, ownsClient: true, ...(encryption !== undefined ? { transformer: encryption.transformer } : {}) });
  const cachers: Cacher[] = [];
  // --nats-url: the caches follow the store's published changes, reading the store itself whenever NATS may have lost some.
  const hub = cfg.natsUrl !== undefined
    ? NatsWatchHub.start({ servers: cfg.natsUrl.split(','), subjectPrefix: cfg.natsSubjectPrefix, logger, storeRevision: (signal) => etcd.currentRevision(signal) })
    : undefined;
  const feed = hub !== undefined
    ? new NatsFeed({
      hub, logger,
      store: { storage: etcd, requestWatchProgress: (signal) => etcd.requestWatchProgress(signal) },
      ...(encryption !== undefined ? { transformer: encryption.transformer } : {}),
      onPhase: (resource, phase, why) => logger.info(phase === 'nats' ? 'nats watch: following NATS' : 'nats watch: reading the store', { resource, why }),
    })
    : undefined;
  const storageFor = (keyRoot: string, info: { plural: string; group: string; version: string; kind: string }): Storage => {
    encryption?.register(keyRoot, info.group, info.plural);
    const name = info.group === '' ? info.plural : `${info.plural}.${info.group}`;
    const size = cfg.watchCacheSizes[name] ?? cfg.defaultWatchCacheSize;
    if (!cfg.watchCache || size === 0) return etcd;
    const bookmarkKind = { apiVersion: info.group === '' ? info.version : `${info.group}/${info.version}`, kind: info.kind };
    const cacher = new Cacher({ underlying: etcd, prefix: `${keyRoot}/`, clock: realClock, logger, eventCapacity: size, bookmarkKind, ...(feed !== undefined ? { feed } : {}) });
    cachers.push(cacher);
    return cacher;
  };
  const env: Environment = { now: () => Date.now(), uuid: () => randomUUID(), randomInt: (n) => randomInt(n) };
  const resources = catalogue();
  const { base, size } = cfg.serviceNodePortRange;
  // The admission plugins and the RBAC escalation checks read the registry they guard: bound once both exist.
  const late: { authorization?: Authorization | undefined; admission?: Admission | undefined } = {};
  const configured: AdmissionPlugin = {
    name: 'configured',
    admit: async (a, signal) => {
      for (const p of late.admission?.plugins ?? []) if (p.admit !== undefined) await p.admit(a, signal);
    },
    validate: async (a, signal) => {
      for (const p of late.admission?.plugins ?? []) if (p.validate !== undefined) await p.validate(a, signal);
    },
  };
  const rbacEscalation: AdmissionPlugin = { name: 'RBACEscalation', validate: (a, signal) => late.authorization?.admission?.validate?.(a, signal) };
  const pluginNames = resolveAdmissionPlugins({ enable: cfg.admission.enable, disable: cfg.admission.disable });
  const registry = new Registry({
    etcdPrefix: cfg.etcdPrefix, resources, storageFor, env, schemas: builtinSchemas(),
    admission: new AdmissionChain([configured, rbacEscalation]), namespaceLifecycle: pluginNames.includes('NamespaceLifecycle'),
    // The allocation keys are read and written directly (no watch cache: every allocation reads the latest).
    serviceRanges: { storage: etcd, clusterIpRange: cfg.serviceClusterIpRanges[0]!.cidr, nodePortRange: `${base}-${base + size - 1}` },
  });

  // TLS: the given certificate, or kube-apiserver's self-signed set in --cert-dir.
  const advertise = cfg.advertiseAddress ?? firstNonLoopbackAddress() ?? '127.0.0.1';
  const hosts = [advertise, ...cfg.serviceClusterIpRanges.map((r) => r.apiServerServiceIp)];
  let certPem: string;
  let keyPem: string;
  let caPem: string;
  /** What verifies this server (published as kube-root-ca.crt): the serving chain's issuers, else the client CA. */
  let rootCaPem: string;
  let admin: RunningApiserver['admin'];
  if (cfg.tlsCertFile !== undefined && cfg.tlsPrivateKeyFile !== undefined) {
    certPem = readFileSync(cfg.tlsCertFile, 'utf8');
    keyPem = readFileSync(cfg.tlsPrivateKeyFile, 'utf8');
    caPem = cfg.clientCaFile !== undefined ? readFileSync(cfg.clientCaFile, 'utf8') : '';
    const chain = certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    rootCaPem = chain.length > 1 ? `${chain.slice(1).join('\n')}\n` : caPem;
  } else {
    const dir = await ensureCertDir(cfg.certDir, { hosts, now: new Date() });
    certPem = dir.serving.certPem;
    keyPem = dir.serving.keyPem;
    caPem = cfg.clientCaFile !== undefined ? readFileSync(cfg.clientCaFile, 'utf8') : dir.ca.certPem;
    rootCaPem = dir.ca.certPem;
    admin = { certPem: dir.admin.certPem, keyPem: dir.admin.keyPem };
    if (dir.generated.length > 0) logger.info('generated self-signed certificates', { dir: cfg.certDir, files: dir.generated.join(',') });
  }

  const checks: HealthCheck[] = [
    { name: 'ping', check: () => Promise.resolve() },
    { name: 'etcd', check: async (signal) => void (await etcd.currentRevision(signal)) },
  ];
  const informerSync: HealthCheck = { name: 'informer-sync', check: () => (cachers.every((c) => c.ready) ? Promise.resolve() : Promise.reject(new Error('watch caches not synced'))) };
  // Fails from the moment shutdown starts, so the load balancer drains this replica during --shutdown-delay-duration.
  // (Only probed once the server listens, so `server` below exists by then.)
  const shutdown: HealthCheck = { name: 'shutdown', check: () => (server.phase !== 'serving' ? Promise.reject(new Error('shutting down')) : Promise.resolve()) };
  const health = new HealthEndpoints({ checks: { healthz: checks, livez: checks, readyz: [...checks, informerSync, shutdown] } });
  const metrics = new ApiserverMetrics();
  const loopbackToken = randomBytes(32).toString('base64url');
  // Without --authorization-mode the server's own default applies (authenticated: anything; anonymous: health and version).
  const authentication = buildAuthentication(cfg, logger, registry);
  const authorization = cfg.authorizationModes.length > 0 ? await buildAuthorization(cfg, registry, logger) : undefined;
  late.authorization = authorization;
  const fallbackAuthorizer = defaultAuthorizer();
  const admission = await buildAdmission(cfg, {
    registry, reader: registryObjectReader(registry), resources, logger, authorizer: () => authorization?.authorizer ?? fallbackAuthorizer,
  });
  late.admission = admission;
  const informers = [...admission.informers, ...(authorization?.informers ?? [])];
  for (const i of informers) i.start();
  const auditor = buildAuditor(cfg.audit, logger);
  const server = new ApiServer({
    loopbackToken,
    ...(auditor.enabled ? { auditor } : {}),
    ...(authorization !== undefined ? { authorizer: authorization.authorizer } : {}),
    authenticator: authentication.authenticator,
    connectionIdentity: cfg.requestHeader === undefined,
    ...(cfg.serviceAccounts !== undefined ? { apiAudiences: cfg.serviceAccounts.apiAudiences } : {}),
    ...(authentication.tokens !== undefined ? { serviceAccountTokens: authentication.tokens } : {}),
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
    goawayChance: cfg.goawayChance,
    logger,
  });

  // kube's informer-sync: admission and the Node graph decide from complete copies before the first request.
  await Promise.all(informers.map((i) => i.waitForSync()));
  await ensureSystemNamespaces(registry, logger);
  if (authorization?.chain.rbac !== undefined) await reconcileBootstrapRbac(registry, logger);
  const port = await server.listen(cfg.securePort, cfg.bindAddress);
  const loopback = new LoopbackClient({ port, token: loopbackToken, servingCertPem: certPem });
  const controller = new NamespaceController(loopback, resources, logger);
  controller.start();
  const loops = new ControlLoops(loopback, { rootCaPem, resources, logger });
  loops.start();
  const self = { identity: replicaIdentity(advertise, port), address: advertise, port };
  const replicas = new ReplicaEndpoints({
    registry, self, clusterIp: cfg.serviceClusterIpRanges[0]!.apiServerServiceIp, clock: { now: () => Date.now(), ...SYSTEM_TIMERS }, logger,
  });
  replicas.start();
  logger.info('apiserver serving', { address: `https://${cfg.bindAddress}:${port}`, etcd: endpoints.join(',') });

  let resolveClosed: (e: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((r) => (resolveClosed = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // kube's order: unready at once (the shutdown check), this replica out of the kubernetes endpoints
      // while it still serves, then the HTTP sequence (delay, no new requests, drain, end watches).
      const stopping = server.shutdown({ delayMs: cfg.shutdownDelayMs });
      await leaveWithin(replicas, LEAVE_TIMEOUT_MS, logger);
      controller.stop();
      loops.stop();
      for (const i of informers) i.stop();
      authorization?.close();
      loopback.close();
      await stopping;
      await auditor.shutdown();
      await Promise.all(cachers.map((c) => c.close()));
      await hub?.close();
      await etcd.close();
      resolveClosed(undefined);
    })();
    return closing;
  };
  return { port, caPem, admin, closed, close };
}

/** How long a graceful leave may take before shutdown goes on without it (the lease then expires on its own). */
const LEAVE_TIMEOUT_MS = 5_000;

async function leaveWithin(replicas: ReplicaEndpoints, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    const r = await Promise.race([replicas.leave().then(() => 'left' as const), timedOut]);
    if (r === 'timeout') logger.warn('leaving the kubernetes endpoints timed out; the lease will expire', { timeoutMs: ms });
  } catch (err) {
    logger.warn('leaving the kubernetes endpoints failed; the lease will expire', { error: err instanceof Error ? err.message : String(err) });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * kube names identity leases `apiserver-<hash of the hostname>`; replicas share
 * a host here (one port each), so the hash covers address and port. Stable
 * across restarts: a restarted replica takes over its own lease.
 */
export function replicaIdentity(address: string, port: number): string {
  return `apiserver-${createHash('sha256').update(`${address}:${port}`).digest('hex').slice(0, 26)}`;
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
