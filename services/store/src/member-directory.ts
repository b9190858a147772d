// What MemberList shows about each member: raft's membership (ids, learner
// or voter, peer address) joined with each member's own name and client
// URLs, which only that member knows (etcd publishes them through its log;
// here each member is asked over the peer port and the answer cached). A
// member that has not answered yet is listed without a name or client URLs,
// exactly as etcd lists a member that has not started.

import type { Member } from '@logbook/etcd-api';
import type { NodeId, RaftNode } from '@logbook/raft';
import type { StoreApplyResult } from '@logbook/store-machine';
import type { PeerClients, PeerInfo } from './peer-service.ts';

export interface SelfDescription {
  readonly name: string;
  readonly clientUrls: readonly string[];
  readonly peerUrls: readonly string[];
  readonly peerScheme: 'http' | 'https';
}

const INFO_TIMEOUT_MS = 1000;

export class MemberDirectory {
  readonly #node: RaftNode<StoreApplyResult>;
  readonly #peers: PeerClients;
  readonly #self: SelfDescription;
  /** The initial cluster's peer URLs by member id (an added member's come from its address). */
  readonly #initialPeerUrls: ReadonlyMap<NodeId, readonly string[]>;
  readonly #known = new Map<NodeId, PeerInfo>();

  constructor(node: RaftNode<StoreApplyResult>, peers: PeerClients, self: SelfDescription, initialPeerUrls: ReadonlyMap<NodeId, readonly string[]>) {
    this.#node = node;
    this.#peers = peers;
    this.#self = self;
    this.#initialPeerUrls = initialPeerUrls;
  }

  info(): PeerInfo {
    const cs = this.#node.status().confState;
    const addresses = this.#node.addresses();
    const members = [
      ...cs.voters.map((id) => ({ id, address: addresses.get(id) ?? '', isLearner: false })),
      ...cs.learners.map((id) => ({ id, address: addresses.get(id) ?? '', isLearner: true })),
    ];
    return { id: this.#node.id, name: this.#self.name, clientUrls: this.#self.clientUrls, peerUrls: this.#self.peerUrls, members };
  }

  /** Ask every other member for its name and client URLs (bounded by a short timeout each). */
  async refresh(): Promise<void> {
    const addresses = this.#node.addresses();
    await Promise.all(
      this.members().filter((m) => m.id !== this.#node.id).map(async (m) => {
        const address = addresses.get(m.id as NodeId);
        if (address === undefined || address === '') return;
        try {
          const info = await this.#peers.call<PeerInfo>(address, 'Info', {}, INFO_TIMEOUT_MS);
          if (info.id === m.id) this.#known.set(m.id as NodeId, info);
        } catch {
          // Not started or unreachable: listed without name and client URLs.
        }
      }),
    );
  }

  members(): Member[] {
    const cs = this.#node.status().confState;
    const addresses = this.#node.addresses();
    const entry = (id: NodeId, isLearner: boolean): Member => {
      if (id === this.#node.id) {
        return { id, name: this.#self.name, peerUrls: this.#self.peerUrls, clientUrls: this.#self.clientUrls, isLearner };
      }
      const known = this.#known.get(id);
      const address = addresses.get(id);
      const peerUrls = this.#initialPeerUrls.get(id) ?? known?.peerUrls ?? (address === undefined ? [] : [`${this.#self.peerScheme}://${address}`]);
      return { id, name: known?.name ?? '', peerUrls, clientUrls: known?.clientUrls ?? [], isLearner };
    };
    return [...cs.voters.map((id) => entry(id, false)), ...cs.learners.map((id) => entry(id, true))];
  }
}
