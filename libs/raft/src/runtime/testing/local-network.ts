// An in-process network connecting several members' transports, for tests.
// Delivery is asynchronous (after the current turn of the event loop), in
// order per sender/receiver pair; tests can cut a member off. What a real
// transport guarantees is all it offers: messages to unknown, closed or
// isolated peers are dropped and reported unreachable.

import type { Message, NodeId } from '../../core/types.ts';
import type { SnapshotStatus, Transport, TransportHandler } from '../transport.ts';

/** Per-network bound on undelivered messages; beyond it messages are dropped (as a full peer queue would). */
const MAX_IN_FLIGHT = 65_536;

export class LocalNetwork {
  readonly #members = new Map<NodeId, LocalTransport>();
  readonly #isolated = new Set<NodeId>();
  #inFlight: Message[] = [];
  #flushScheduled = false;
  delivered = 0;
  dropped = 0;

  /** A transport for member `id` that knows `peers` (id → address) from the start. */
  transport(id: NodeId, peers: ReadonlyMap<NodeId, string> = new Map()): LocalTransport {
    return new LocalTransport(this, id, peers);
  }

  /** Drops every message to or from `id` until heal(). */
  isolate(id: NodeId): void {
    this.#isolated.add(id);
  }

  heal(id: NodeId): void {
    this.#isolated.delete(id);
  }

  /** @internal */
  register(t: LocalTransport): void {
    this.#members.set(t.id, t);
  }

  /** @internal */
  unregister(t: LocalTransport): void {
    if (this.#members.get(t.id) === t) this.#members.delete(t.id);
  }

  /** @internal */
  enqueue(from: LocalTransport, m: Message): void {
    if (this.#inFlight.length >= MAX_IN_FLIGHT) {
      this.#drop(from, m);
      return;
    }
    this.#inFlight.push(m);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#inFlight;
    this.#inFlight = [];
    for (const m of batch) {
      const from = this.#members.get(m.from);
      const to = this.#members.get(m.to);
      if (to === undefined || this.#isolated.has(m.to) || this.#isolated.has(m.from)) {
        if (from !== undefined) this.#drop(from, m);
        continue;
      }
      this.delivered++;
      to.deliver(m);
      if (m.type === 'MsgSnap') from?.snapshotDone(m.to, 'finish');
    }
  }

  #drop(from: LocalTransport, m: Message): void {
    this.dropped++;
    from.unreachable(m.to);
    if (m.type === 'MsgSnap') from.snapshotDone(m.to, 'failure');
  }
}

export class LocalTransport implements Transport {
  readonly id: NodeId;
  readonly #network: LocalNetwork;
  readonly #peers: Map<NodeId, string>;
  #handler: TransportHandler | undefined;

  constructor(network: LocalNetwork, id: NodeId, peers: ReadonlyMap<NodeId, string>) {
    this.#network = network;
    this.id = id;
    this.#peers = new Map([...peers].filter(([p]) => p !== id));
  }

  /** Peers and the addresses they were added with (tests check conf-change addresses arrive). */
  get peers(): ReadonlyMap<NodeId, string> {
    return this.#peers;
  }

  start(handler: TransportHandler): Promise<void> {
    this.#handler = handler;
    this.#network.register(this);
    return Promise.resolve();
  }

  send(messages: readonly Message[]): void {
    if (this.#handler === undefined) return;
    for (const m of messages) {
      if (!this.#peers.has(m.to)) {
        this.unreachable(m.to);
        continue;
      }
      this.#network.enqueue(this, m);
    }
  }

  addPeer(id: NodeId, address: string): void {
    this.#peers.set(id, address);
  }

  removePeer(id: NodeId): void {
    this.#peers.delete(id);
  }

  close(): Promise<void> {
    this.#network.unregister(this);
    this.#handler = undefined;
    return Promise.resolve();
  }

  /** @internal */
  deliver(m: Message): void {
    this.#handler?.receive(m);
  }

  /** @internal */
  unreachable(id: NodeId): void {
    this.#handler?.reportUnreachable(id);
  }

  /** @internal */
  snapshotDone(id: NodeId, status: SnapshotStatus): void {
    this.#handler?.reportSnapshot(id, status);
  }
}
