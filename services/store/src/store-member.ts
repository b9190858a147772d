// One running store member: the WAL-backed raft node, the LMDB backend under
// the MVCC state machine, the watch hub and lessor, the peer port (raft plus
// peer RPCs) and the client port (etcd's v3 gRPC API), wired together.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { LmdbBackend } from '@logbook/backend';
import { Lessor } from '@logbook/lease';
import { RaftNode, type Logger, type NodeId } from '@logbook/raft';
import { SnapshotCopies, StoreStateMachine, type StoreApplyResult } from '@logbook/store-machine';
import { GrpcTransport } from '@logbook/transport';
import { NatsPublisher } from '@logbook/nats-publisher';
import { DiskStorage, NodeFs, WalNotFoundError } from '@logbook/wal';
import { WatchHub } from '@logbook/watch';
import type { StoreConfig } from './config.ts';
import { clusterService } from './cluster-service.ts';
import { kvService } from './kv-service.ts';
import { leaseService } from './lease-service.ts';
import { maintenanceService } from './maintenance-service.ts';
import { MemberDirectory } from './member-directory.ts';
import { clusterIdFor, hostPortOf, memberIdFor } from './member-ids.ts';
import { PeerClients, peerService, type PeerInfo } from './peer-service.ts';
import { copySnapshotPayloads } from './snapshot-payloads.ts';
import { StoreNode, connectStateMachine, type LeadershipObserver } from './store-node.ts';
import { clientTlsOptions, peerCredentials } from './tls.ts';
import { grpcStatusOf, registerEtcdService } from './grpc-plumbing.ts';
import { GrpcServer } from '@logbook/grpc-server';
import { watchService } from './watch-service.ts';

const MiB = 1024 * 1024;
/** etcd lets gRPC messages exceed --max-request-bytes by this much, then refuses the proposal itself. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;
const JOIN_DISCOVERY_TIMEOUT_MS = 60_000;

export interface RunningStore {
  readonly id: NodeId;
  readonly store: StoreNode;
  /** The bound client URLs (real ports when 0 was asked for). */
  readonly clientUrls: readonly string[];
  readonly peerPort: number;
  /** Resolves when the member stopped: with the error that stopped it, if one did. */
  readonly closed: Promise<Error | undefined>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly observers?: readonly LeadershipObserver[];
  /** Called after each applied revision (the NATS publisher's notify). */
  readonly onApplied?: () => void;
}

const random = (n: number): number => randomInt(n);
const randomLeaseId = (): number => randomInt(1, 2 ** 48);

/** Ask the other listed members who we are (a member added with MemberAdd, started with --initial-cluster-state existing). */
async function discoverSelf(cfg: StoreConfig, peers: PeerClients, logger: Logger): Promise<{ id: NodeId; clusterId: number; addresses: Map<NodeId, string> }> {
  const me = new Set(cfg.initialAdvertisePeerUrls.map(hostPortOf));
  const others = cfg.initialCluster.filter((m) => m.name !== cfg.name).flatMap((m) => m.peerUrls.map(hostPortOf));
  const deadline = Date.now() + JOIN_DISCOVERY_TIMEOUT_MS;
  for (;;) {
    for (const address of others) {
      try {
        const info = await peers.call<PeerInfo & { clusterId: number }>(address, 'Info', {}, 1000);
        const mine = info.members.find((m) => me.has(m.address));
        if (mine === undefined) continue;
        const addresses = new Map(info.members.map((m) => [m.id as NodeId, m.address] as const));
        return { id: mine.id as NodeId, clusterId: info.clusterId, addresses };
      } catch {
        // try the next one
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no member of --initial-cluster lists this member's peer URLs ${[...me].join(',')}: add it with 'etcdctl member add' first`);
    }
    logger.info('waiting for the cluster to list this member', { peerUrls: [...me].join(',') });
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function startStore(cfg: StoreConfig, logger: Logger, opts: StartOptions = {}): Promise<RunningStore> {
  const memberDir = join(cfg.dataDir, 'member');
  mkdirSync(memberDir, { recursive: true, mode: 0o700 });
  const fs = new NodeFs();
  const walDir = join(memberDir, 'wal');
  const token = cfg.initialClusterToken;
  const initialIds = new Map<NodeId, { name: string; peerUrls: readonly string[] }>();
  for (const m of cfg.initialCluster) initialIds.set(memberIdFor(m.peerUrls, token), m);
  const initialAddresses = new Map([...initialIds].map(([id, m]) => [id, hostPortOf(m.peerUrls[0]!)] as const));
  const peerTls = peerCredentials(cfg.peerTls);
  const peers = new PeerClients(peerTls.channel);

  // WAL segments keep zeros written ahead of the tail (libs/wal DESIGN.md):
  // an fdatasync then flushes data only. etcd preallocates its segments too.
  const walOptions = { fs, logger, preallocate: true } as const;
  let storage: DiskStorage | undefined;
  try {
    storage = await DiskStorage.open(walDir, walOptions);
  } catch (err) {
    if (!(err instanceof WalNotFoundError)) throw err;
  }
  let id: NodeId;
  let clusterId: number;
  let addresses: Map<NodeId, string> = initialAddresses;
  if (storage !== undefined) {
    id = storage.metadata.memberId as NodeId;
    clusterId = storage.metadata.clusterId;
    logger.info('recovering member from its data dir', { nodeId: id, dataDir: cfg.dataDir });
  } else if (cfg.initialClusterState === 'new') {
    const self = [...initialIds].find(([, m]) => m.name === cfg.name);
    if (self === undefined) throw new Error(`--initial-cluster does not list --name ${cfg.name}`);
    id = self[0];
    clusterId = clusterIdFor([...initialIds.keys()], token);
    const voters = [...initialIds.keys()].sort((a, b) => a - b);
    logger.info('bootstrapping a new cluster member', { nodeId: id, voters: voters.join(',') });
    storage = await DiskStorage.bootstrap(walDir, { voters, learners: [] }, { ...walOptions, metadata: { memberId: id, clusterId } });
  } else {
    const found = await discoverSelf(cfg, peers, logger);
    ({ id, clusterId, addresses } = found);
    storage = await DiskStorage.open(walDir, { ...walOptions, createIfMissing: { memberId: id, clusterId } });
  }

  // Backend commits skip fsync: the WAL and the snapshot copies are the
  // durable record, and after a machine crash the backend is rebuilt from
  // them (the newest copy, then the WAL's entries after it). Applies share
  // one LMDB transaction for up to --backend-batch-interval (100 ms) or
  // --backend-batch-limit key writes (10,000), as etcd batches its bbolt
  // commits: a crashed member re-applies that much from its WAL (the MVCC
  // layer's applied index commits with the batch).
  const backend = LmdbBackend.open(join(memberDir, 'db'), {
    commitSync: 'none',
    batchMs: cfg.backendBatchIntervalMs,
    batchMaxKeyWrites: cfg.backendBatchLimit,
  });
  if (backend.discardedAfterMachineCrash) {
    logger.warn('backend had unsynced commits from before a machine restart: discarded; rebuilding it from the newest snapshot and the WAL', { dir: backend.path });
  }
  const copies = SnapshotCopies.open(join(memberDir, 'snap-db'), logger);
  const electionTicks = Math.max(2, Math.round(cfg.electionTimeoutMs / cfg.heartbeatIntervalMs));
  const sm = new StoreStateMachine({
    backend,
    mvcc: { maxTxnOps: cfg.maxTxnOps, minLeaseTtl: Math.ceil((1.5 * cfg.electionTimeoutMs) / 1000) },
    logger,
    copies,
  });
  const hub = new WatchHub(sm.mvcc, {
    maxResponseBytes: cfg.maxRequestBytes,
    progressIntervalMs: cfg.watchProgressNotifyIntervalMs,
    ticker: { every: (ms, fn) => { const t = setInterval(fn, ms); t.unref(); return { cancel: () => clearInterval(t) }; } },
  });
  const lessor = new Lessor();
  const now = (): number => performance.now();
  connectStateMachine(sm, hub, lessor, now);
  if (opts.onApplied !== undefined) sm.onApplied(opts.onApplied);
  // With --nats-url, every member runs a publisher: the leader publishes,
  // followers follow the leader's cursor so a new leader resumes without a gap.
  const publisher = cfg.natsUrl === undefined
    ? undefined
    : new NatsPublisher({ servers: cfg.natsUrl.split(','), prefix: cfg.natsSubjectPrefix, source: sm.mvcc, logger });
  if (publisher !== undefined) {
    sm.onApplied(() => publisher.notify());
    sm.onRestored(() => publisher.notify());
    await publisher.start();
  }

  // Late-bound: the peer service is registered with the transport before the node exists.
  const late: { store?: StoreNode; directory?: MemberDirectory } = {};
  const unavailable = (): never => {
    throw new Error('member is starting');
  };
  const transport = new GrpcTransport({
    id,
    listenAddress: hostPortOf(cfg.listenPeerUrls[0]!.url),
    peers: new Map([...addresses].filter(([m]) => m !== id)),
    logger,
    random,
    credentials: peerTls,
    snapshotPayloads: copySnapshotPayloads(copies),
    extraServices: [
      peerService({
        info: () => ({ ...(late.directory?.info() ?? unavailable()), clusterId }),
        leaseKeepAlive: async (lease) => ({ ttl: await (late.store ?? unavailable()).leaseKeepAlive(lease) }),
        leaseTimeToLive: (lease) => (late.store ?? unavailable()).leaseRemaining(lease),
      }),
    ],
  });
  const node = await RaftNode.start<StoreApplyResult>({
    config: {
      id,
      electionTicks,
      heartbeatTicks: 1,
      maxSizePerMsgBytes: 1 * MiB,
      maxInflightMsgs: 256,
      maxUncommittedEntriesBytes: 256 * MiB,
      maxProposalBytes: cfg.maxRequestBytes + 64 * 1024,
      checkQuorum: true,
      preVote: true,
    },
    persistence: storage,
    transport,
    stateMachine: sm,
    tickIntervalMs: cfg.heartbeatIntervalMs,
    snapshotCount: cfg.snapshotCount,
    snapshotCatchUpEntries: cfg.snapshotCatchUpEntries,
    maxPendingProposals: cfg.maxPendingProposals,
    addresses,
    logger,
    random,
  });
  const store = new StoreNode({
    node,
    sm,
    hub,
    lessor,
    peers,
    clusterId,
    limits: { maxRequestBytes: cfg.maxRequestBytes, quotaBackendBytes: cfg.quotaBackendBytes, requestTimeoutMs: cfg.requestTimeoutMs },
    electionTimeoutMs: cfg.electionTimeoutMs,
    tickMs: cfg.heartbeatIntervalMs,
    logger,
    randomLeaseId,
    now,
    observers: [...(opts.observers ?? []), ...(publisher === undefined ? [] : [publisher])],
  });
  const self = initialIds.get(id);
  const directory = new MemberDirectory(
    node,
    peers,
    {
      name: cfg.name,
      clientUrls: cfg.advertiseClientUrls,
      peerUrls: cfg.initialAdvertisePeerUrls.length > 0 ? cfg.initialAdvertisePeerUrls : (self?.peerUrls ?? []),
      peerScheme: cfg.peerTls === undefined ? 'http' : 'https',
    },
    new Map([...initialIds].map(([mid, m]) => [mid, m.peerUrls] as const)),
  );

  const server = new GrpcServer({
    maxReceiveMessageBytes: cfg.maxRequestBytes + GRPC_OVERHEAD_BYTES,
    toStatus: grpcStatusOf,
    // etcd's server keepalive defaults (--grpc-keepalive-interval/-timeout).
    keepaliveTimeMs: 2 * 60 * 60 * 1000,
    keepaliveTimeoutMs: 20_000,
    onError: (what, err) => logger.debug('client gRPC: connection or stream error', { what, error: String(err) }),
  });
  registerEtcdService(server, 'KV', kvService(store));
  registerEtcdService(server, 'Watch', watchService(store));
  registerEtcdService(server, 'Lease', leaseService(store));
  registerEtcdService(server, 'Cluster', clusterService(store, directory, token));
  registerEtcdService(server, 'Maintenance', maintenanceService(store));
  const clientUrls: string[] = [];
  try {
    const tls = clientTlsOptions(cfg.clientTls);
    for (const l of cfg.listenClientUrls) {
      const port = await server.listen(l.host, l.port, tls);
      clientUrls.push(`${l.scheme}://${l.host.includes(':') ? `[${l.host}]` : l.host}:${port}`);
    }
  } catch (err) {
    server.forceShutdown();
    store.close();
    await node.close();
    await publisher?.close();
    await backend.close();
    throw err;
  }
  late.store = store;
  late.directory = directory;
  logger.info('serving client requests', { nodeId: id, urls: clientUrls.join(','), name: cfg.name });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      store.close();
      server.forceShutdown();
      peers.close();
      await node.close();
      await publisher?.close();
      await backend.close();
    })();
    return closing;
  };
  const closed = node.closed.then(async (err) => {
    await close();
    return err;
  });
  return { id, store, clientUrls, peerPort: transport.port, closed, close };
}
