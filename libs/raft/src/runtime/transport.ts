// How a running member exchanges messages with its peers. Implementations
// (gRPC between processes, the simulator's network) live outside this package.

import type { Message, NodeId } from '../core/types.ts';

export type SnapshotStatus = 'finish' | 'failure';

/** What the transport calls back into the member that owns it. */
export interface TransportHandler {
  /** A message arrived from a peer. Must not block; the member queues it (bounded). */
  receive(m: Message): void;
  /** A peer could not be reached (send failed, or its queue was full and messages were dropped). */
  reportUnreachable(id: NodeId): void;
  /** A MsgSnap finished streaming to `id`, or failed. */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void;
}

export interface Transport {
  start(handler: TransportHandler): Promise<void>;
  /**
   * Queue messages for delivery; never blocks. Each peer has a bounded queue;
   * at the bound messages are dropped and reportUnreachable() is called
   * (raft retransmits). MsgSnap is streamed in chunks on its own stream.
   */
  send(messages: readonly Message[]): void;
  addPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  close(): Promise<void>;
}
