// Linearizable reads without a log write (ReadIndex, Raft thesis §6.4): the
// leader records its commit index for a request, confirms it is still leader
// with a heartbeat round acknowledged by a quorum, then the request may be
// served once the state machine has applied that index.

import type { LogIndex, Message, NodeId } from './types.ts';

export interface ReadIndexStatus {
  readonly req: Message;
  readonly index: LogIndex;
  readonly acks: Set<NodeId>;
}

/** At most this many reads wait for a heartbeat round; more are dropped (the caller retries). */
export const MAX_PENDING_READ_INDEX = 4096;

// Hex, without node:buffer: the core imports no node modules.
function key(ctx: Uint8Array): string {
  let s = '';
  for (const b of ctx) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Returns false when the request is a duplicate or the queue is full. */
  addRequest(index: LogIndex, m: Message): boolean {
    const k = key(m.context);
    if (this.pending.has(k) || this.queue.length >= MAX_PENDING_READ_INDEX) return false;
    this.pending.set(k, { req: m, index, acks: new Set() });
    this.queue.push(k);
    return true;
  }

  /** Record a heartbeat acknowledgement carrying ctx; returns the acks so far (including the leader's). */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(key(ctx));
    if (rs === undefined) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /**
   * The request with ctx has a quorum: it and every request queued before it
   * are confirmed (a heartbeat round confirms all earlier reads too).
   */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const k = key(ctx);
    const at = this.queue.indexOf(k);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const rk of released) {
      const rs = this.pending.get(rk);
      if (rs !== undefined) out.push(rs);
      this.pending.delete(rk);
    }
    return out;
  }

  lastPendingRequestCtx(): Uint8Array | undefined {
    const k = this.queue[this.queue.length - 1];
    if (k === undefined) return undefined;
    const rs = this.pending.get(k);
    return rs?.req.context;
  }
}
