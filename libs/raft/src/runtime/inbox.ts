// What arrives for the core between two turns of the loop: ticks from the
// timer, messages and reports from the transport. Queued here, handed to the
// core all at once by the loop (messages first, then ticks).
//
// Bounds: at most `maxMessages` messages wait; beyond that new ones are
// dropped and counted (raft retransmits whatever is lost). Ticks that pile up
// while the loop waits on the disk are replayed, but at most `maxTicks` (one
// election timeout): a stalled disk must not look like a much longer silence
// from the leader. Reports coalesce per peer.

import type { RawNode } from '../core/raw-node.ts';
import type { Message, NodeId } from '../core/types.ts';
import type { SnapshotStatus } from './transport.ts';

export class Inbox {
  readonly #maxMessages: number;
  readonly #maxTicks: number;
  #messages: Message[] = [];
  #ticks = 0;
  readonly #unreachable = new Set<NodeId>();
  readonly #snapshotReports = new Map<NodeId, SnapshotStatus>();
  /** Messages dropped at the bound, ever. */
  dropped = 0;

  constructor(maxMessages: number, maxTicks: number) {
    this.#maxMessages = maxMessages;
    this.#maxTicks = maxTicks;
  }

  /** Returns false when the message was dropped at the bound. */
  message(m: Message): boolean {
    if (this.#messages.length >= this.#maxMessages) {
      this.dropped++;
      return false;
    }
    this.#messages.push(m);
    return true;
  }

  tick(): void {
    if (this.#ticks < this.#maxTicks) this.#ticks++;
  }

  unreachable(id: NodeId): void {
    this.#unreachable.add(id);
  }

  snapshotStatus(id: NodeId, status: SnapshotStatus): void {
    this.#snapshotReports.set(id, status);
  }

  /**
   * Feeds everything queued to the core (messages through `step`); returns
   * the number of ticks fed. Messages go first: after a stall, what peers
   * sent meanwhile is heard before the stalled time is counted, so a leader's
   * quorum check sees the followers that did answer, and a follower the
   * heartbeats that did arrive (raft's safety does not depend on the order).
   */
  feed(raw: RawNode, step: (m: Message) => void): number {
    const messages = this.#messages;
    this.#messages = [];
    for (const m of messages) step(m);
    for (const id of this.#unreachable) raw.reportUnreachable(id);
    this.#unreachable.clear();
    for (const [id, status] of this.#snapshotReports) raw.reportSnapshot(id, status);
    this.#snapshotReports.clear();
    const ticks = this.#ticks;
    for (; this.#ticks > 0; this.#ticks--) raw.tick();
    return ticks;
  }
}
