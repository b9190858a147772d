// Construction-time options of the gRPC transport: limits (each with a rule
// for what happens at the bound, see DESIGN.md) and timing constants.
// Validated once; every problem is reported together.

import type { Logger, NodeId, RandomInt } from '@logbook/raft';
import { insecureCredentials } from './credentials.ts';
import type { TransportCredentials } from './credentials.ts';
import { TransportConfigError } from './errors.ts';
import type { ExtraService } from './raft-server.ts';
import { inMemorySnapshotPayloads } from './snapshot-payloads.ts';
import type { SnapshotPayloads } from './snapshot-payloads.ts';

const MiB = 1024 * 1024;

export interface TransportLimits {
  /** Per peer: messages waiting for the Send stream. At the bound, new messages are dropped and the peer reported unreachable. */
  readonly maxQueuedMessages: number;
  /** Per peer: estimated encoded bytes waiting for the Send stream. Same rule as maxQueuedMessages. */
  readonly maxQueuedBytes: number;
  /** Largest message the server accepts on either stream (grpc.max_receive_message_length); a bigger one fails that stream. */
  readonly maxMessageBytes: number;
  /** Snapshot payload per SendSnapshot chunk: every chunk but the last carries exactly this much. */
  readonly snapshotChunkBytes: number;
  /** Largest snapshot payload the server accepts; a bigger one is rejected before SnapshotPayloads.receive() is called. */
  readonly maxSnapshotBytes: number;
  /** Snapshots the server receives at once (each until its payload completed or aborted); more are rejected (the sender reports 'failure' and raft retries). */
  readonly maxInboundSnapshots: number;
}

export interface TransportTiming {
  /** First reconnect delay after a peer's stream fails; doubles per failure up to reconnectMaxMs, with jitter. */
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  /** How long one connection attempt may take before it counts as failed. */
  readonly connectTimeoutMs: number;
  /** Deadline of a whole SendSnapshot call. */
  readonly snapshotTimeoutMs: number;
  /** HTTP/2 keepalive: ping an idle connection this often, and drop it when a ping goes unanswered for keepaliveTimeoutMs. */
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: TransportLimits = {
  maxQueuedMessages: 4096,
  maxQueuedBytes: 64 * MiB,
  maxMessageBytes: 16 * MiB,
  snapshotChunkBytes: 1 * MiB,
  maxSnapshotBytes: 1024 * MiB,
  maxInboundSnapshots: 2,
};

export const DEFAULT_TIMING: TransportTiming = {
  reconnectInitialMs: 100,
  reconnectMaxMs: 5_000,
  connectTimeoutMs: 5_000,
  snapshotTimeoutMs: 10 * 60_000,
  keepaliveTimeMs: 10_000,
  keepaliveTimeoutMs: 5_000,
};

/**
 * Room for a chunk's framing and its MsgSnap header (whose configuration
 * lists every member) on top of snapshotChunkBytes.
 */
export const CHUNK_OVERHEAD_BYTES = 64 * 1024;

export interface GrpcTransportOptions {
  readonly id: NodeId;
  /** `host:port`; port 0 binds an ephemeral port (read it back with GrpcTransport.port). */
  readonly listenAddress: string;
  /** The other members and their `host:port` addresses. */
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly logger: Logger;
  /** Jitter for reconnect delays: an integer in [0, n). Seeded in tests. */
  readonly random: RandomInt;
  readonly limits?: Partial<TransportLimits>;
  readonly timing?: Partial<TransportTiming>;
  /** Defaults to insecure (plaintext); TLS plugs in here. */
  readonly credentials?: TransportCredentials;
  /** Application services served on the same port (and credentials) as raft's. */
  readonly extraServices?: readonly ExtraService[];
  /** Where snapshot payloads are read from and written to; defaults to inMemorySnapshotPayloads (the payload is the MsgSnap's data). */
  readonly snapshotPayloads?: SnapshotPayloads;
}

export interface ValidOptions {
  readonly id: NodeId;
  readonly listenAddress: string;
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly logger: Logger;
  readonly random: RandomInt;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly credentials: TransportCredentials;
  readonly extraServices: readonly ExtraService[];
  readonly snapshotPayloads: SnapshotPayloads;
}

export function validateOptions(o: GrpcTransportOptions): ValidOptions {
  const problems: string[] = [];
  const limits: TransportLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const timing: TransportTiming = { ...DEFAULT_TIMING, ...o.timing };
  const posInt = (v: number, name: string): void => {
    if (!Number.isSafeInteger(v) || v <= 0) problems.push(`${name} must be a positive integer (got ${v})`);
  };
  if (!Number.isSafeInteger(o.id) || o.id <= 0) problems.push(`id must be a positive integer (got ${o.id})`);
  if (!isHostPort(o.listenAddress)) problems.push(`listenAddress must be host:port (got "${o.listenAddress}")`);
  for (const [id, address] of o.peers) {
    if (!Number.isSafeInteger(id) || id <= 0) problems.push(`peer id must be a positive integer (got ${id})`);
    if (id === o.id) problems.push(`peers must not include this member (${id})`);
    if (!isHostPort(address)) problems.push(`peer ${id} address must be host:port (got "${address}")`);
  }
  for (const [name, v] of Object.entries(limits)) posInt(v as number, `limits.${name}`);
  for (const [name, v] of Object.entries(timing)) posInt(v as number, `timing.${name}`);
  if (limits.snapshotChunkBytes + CHUNK_OVERHEAD_BYTES > limits.maxMessageBytes) {
    problems.push(`limits.snapshotChunkBytes + ${CHUNK_OVERHEAD_BYTES} must not exceed limits.maxMessageBytes`);
  }
  if (timing.reconnectInitialMs > timing.reconnectMaxMs) {
    problems.push('timing.reconnectInitialMs must not exceed timing.reconnectMaxMs');
  }
  if (problems.length > 0) throw new TransportConfigError(problems);
  return {
    id: o.id,
    listenAddress: o.listenAddress,
    peers: o.peers,
    logger: o.logger,
    random: o.random,
    limits,
    timing,
    credentials: o.credentials ?? insecureCredentials(),
    extraServices: o.extraServices ?? [],
    snapshotPayloads: o.snapshotPayloads ?? inMemorySnapshotPayloads,
  };
}

/** `host:port` or `[v6]:port`, port 0..65535. */
export function isHostPort(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s);
  return m !== null && Number(m[2]) <= 65535;
}
