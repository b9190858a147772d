// The members' transport over the simulated network: what a real transport
// does besides carrying bytes. It tells a sender when a peer is unreachable
// (a partition, a down peer, a full queue: reportUnreachable, at most once
// per peer per tick) and how a snapshot stream ended (reportSnapshot:
// 'finish' when the MsgSnap was delivered, 'failure' when it was lost or
// cut off). A silently lost message is reported to nobody: Raft's retries
// cover it.

import type { Message, NodeId } from '@logbook/raft';
import type { SimMember } from './member.ts';
import type { SimNetwork } from './network.ts';
import { codeOf, describeDelivery, type Trace } from './trace.ts';

export class SimTransport {
  readonly #network: SimNetwork;
  /** Every member id of the run; index = id - 1. */
  readonly #members: readonly SimMember[];
  readonly #trace: Trace;
  /** (sender, peer) pairs already reported unreachable this tick. */
  readonly #reportedUnreachable = new Set<number>();
  /** Which messages the network may duplicate (the workload decides). */
  readonly #mayDuplicate: (from: NodeId, m: Message) => boolean;

  constructor(network: SimNetwork, members: readonly SimMember[], trace: Trace, mayDuplicate: (from: NodeId, m: Message) => boolean) {
    this.#network = network;
    this.#members = members;
    this.#trace = trace;
    this.#mayDuplicate = mayDuplicate;
  }

  /** A new tick: unreachable peers may be reported again. */
  beginTick(): void {
    this.#reportedUnreachable.clear();
  }

  send(from: NodeId, m: Message, now: number): void {
    if (!this.#network.send(from, m, now, this.#mayDuplicate(from, m))) this.#unreachable(from, m);
  }

  /** Steps every message due at `now` into its target (if up), reporting failures to senders. */
  deliver(now: number): void {
    for (const d of this.#network.takeDue(now)) {
      const { from, message: m } = d;
      const target = this.#members[m.to - 1];
      const fate = target === undefined || !target.up ? 'down' : d.fate;
      this.#trace.event(now, 10, from, m.to, codeOf(m.type), m.term, m.index, codeOf(fate));
      if (this.#trace.wantsLines) this.#trace.line(() => describeDelivery(now, from, m, fate));
      if (fate === 'lost') {
        const sender = this.#members[from - 1];
        if (m.type === 'MsgSnap' && sender?.up === true) sender.reportSnapshot(m.to, 'failure');
        continue;
      }
      if (fate !== 'deliver') {
        this.#unreachable(from, m);
        continue;
      }
      target!.receive(m);
      if (m.type === 'MsgSnap') {
        const sender = this.#members[from - 1];
        if (sender?.up === true) sender.reportSnapshot(m.to, 'finish');
      }
    }
  }

  /** The transport could not get `m` through: tell the sender, as a real transport does. */
  #unreachable(from: NodeId, m: Message): void {
    const sender = this.#members[from - 1];
    if (sender === undefined || !sender.up) return;
    if (m.type === 'MsgSnap') sender.reportSnapshot(m.to, 'failure');
    const key = from * 1024 + m.to;
    if (this.#reportedUnreachable.has(key)) return;
    this.#reportedUnreachable.add(key);
    sender.reportUnreachable(m.to);
  }
}
