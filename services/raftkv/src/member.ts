// One running key/value member: WAL-backed persistence, the gRPC transport,
// the raft runtime, the state machine and the HTTP client API, wired together.

import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { RaftNode, type Logger, type NodeId } from '@logbook/raft';
import { GrpcTransport } from '@logbook/transport';
import { createHttpApi } from './http-api.ts';
import type { KvResult } from './kv-command.ts';
import { KvService } from './kv-service.ts';
import { KvStateMachine } from './kv-state-machine.ts';
import type { MemberConfig } from './member-config.ts';
import { openMemberStorage } from './member-storage.ts';

const MiB = 1024 * 1024;

export interface RunningMember {
  readonly id: NodeId;
  /** http://host:port of the client API (the real port when 0 was asked for). */
  readonly clientUrl: string;
  readonly node: RaftNode<KvResult>;
  /** Resolves when the member stopped: with the error that stopped it, if one did. */
  readonly closed: Promise<Error | undefined>;
  close(): Promise<void>;
}

/** Crypto-strength randomness for election jitter and the proposal boot nonce. */
const random = (n: number): number => randomInt(n);

export async function startMember(cfg: MemberConfig, logger: Logger): Promise<RunningMember> {
  const persistence = await openMemberStorage(cfg, logger);
  const peers = new Map([...cfg.initialCluster].filter(([id]) => id !== cfg.id));
  const transport = new GrpcTransport({ id: cfg.id, listenAddress: cfg.listenPeer, peers, logger, random });
  const sm = new KvStateMachine();
  const node = await RaftNode.start<KvResult>({
    config: {
      id: cfg.id,
      electionTicks: cfg.electionTicks,
      heartbeatTicks: cfg.heartbeatTicks,
      maxSizePerMsgBytes: 1 * MiB,
      maxInflightMsgs: 256,
      maxUncommittedEntriesBytes: 64 * MiB,
      maxProposalBytes: 2 * MiB,
      checkQuorum: true,
      preVote: true,
    },
    persistence,
    transport,
    stateMachine: sm,
    tickIntervalMs: cfg.tickMs,
    snapshotCount: cfg.snapshotCount,
    snapshotCatchUpEntries: cfg.snapshotCatchUpEntries,
    maxPendingProposals: cfg.maxPendingProposals,
    addresses: cfg.initialCluster,
    logger,
    random,
  });

  const server = createHttpApi({
    service: new KvService(node, sm),
    logger,
    requestTimeoutMs: cfg.requestTimeoutMs,
    maxBodyBytes: 1 * MiB,
    maxPipelineInFlight: 1024,
  });
  try {
    await listen(server, cfg.listenClient.host, cfg.listenClient.port);
  } catch (err) {
    await node.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = cfg.listenClient.host.includes(':') ? `[${cfg.listenClient.host}]` : cfg.listenClient.host;
  const clientUrl = `http://${host}:${port}`;
  logger.info('client API listening', { nodeId: cfg.id, url: clientUrl });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      server.close();
      server.closeAllConnections();
      await node.close();
    })();
    return closing;
  };
  // When raft stops on its own (a fatal error), stop serving too.
  const closed = node.closed.then(async (err) => {
    await close();
    return err;
  });
  return { id: cfg.id, clientUrl, node, closed, close };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
