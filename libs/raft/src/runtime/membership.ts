// Who the member talks to: the current ConfState, the address of every member
// it has heard of, and keeping the transport's peer set in step with both.
//
// Addresses come from three places: the options (the operator's
// --initial-cluster), conf-change entries (the runtime puts the new member's
// address in ConfChange.context) and snapshots (which carry the address book,
// see snapshot-data.ts). The operator's and the log's addresses win over a
// snapshot's, which may be older. Peers are dropped from the transport only by
// an applied remove-node: a joining member starts with an empty ConfState but
// must still reach the peers it was told about.

import type { ConfChange, ConfState, NodeId } from '../core/types.ts';
import type { Logger } from '../core/logger.ts';
import type { Transport } from './transport.ts';

export class Membership {
  readonly #self: NodeId;
  readonly #transport: Transport;
  readonly #logger: Logger;
  readonly #addresses: Map<NodeId, string>;
  /** Peers currently registered with the transport, with the address they were registered under. */
  readonly #connected: Map<NodeId, string>;
  #confState: ConfState;

  constructor(
    self: NodeId,
    transport: Transport,
    logger: Logger,
    confState: ConfState,
    addresses: ReadonlyMap<NodeId, string>,
  ) {
    this.#self = self;
    this.#transport = transport;
    this.#logger = logger;
    this.#confState = confState;
    this.#addresses = new Map(addresses);
    // The transport was constructed with these peers already.
    this.#connected = new Map([...addresses].filter(([id]) => id !== self));
  }

  get confState(): ConfState {
    return this.#confState;
  }

  addresses(): ReadonlyMap<NodeId, string> {
    return this.#addresses;
  }

  isMember(id: NodeId): boolean {
    return this.#confState.voters.includes(id) || this.#confState.learners.includes(id);
  }

  /** A conf change was applied; `cs` is what the core returned for it. */
  applied(cc: ConfChange, address: string, cs: ConfState): void {
    this.#confState = cs;
    if (cc.type === 'remove-node') {
      this.#addresses.delete(cc.nodeId);
      if (this.#connected.delete(cc.nodeId)) this.#transport.removePeer(cc.nodeId);
      if (cc.nodeId === this.#self) this.#logger.warn('this member was removed from the cluster', { nodeId: this.#self });
      return;
    }
    if (address !== '') this.#addresses.set(cc.nodeId, address);
    this.#sync();
  }

  /** A snapshot replaced the state: adopt its ConfState and learn the addresses it carries. */
  restored(cs: ConfState, addresses: ReadonlyMap<NodeId, string>): void {
    this.#confState = cs;
    for (const [id, address] of addresses) {
      if (!this.#addresses.has(id)) this.#addresses.set(id, address);
    }
    this.#sync();
  }

  #sync(): void {
    for (const id of [...this.#confState.voters, ...this.#confState.learners]) {
      if (id === this.#self) continue;
      const address = this.#addresses.get(id);
      if (address === undefined) {
        this.#logger.warn('no address known for member', { nodeId: this.#self, peer: id });
        continue;
      }
      const current = this.#connected.get(id);
      if (current === address) continue;
      if (current !== undefined) this.#transport.removePeer(id);
      this.#transport.addPeer(id, address);
      this.#connected.set(id, address);
    }
  }
}
