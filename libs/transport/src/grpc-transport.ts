// Transport between store members over gRPC: one server per member, one
// long-lived Send stream per peer for ordinary messages, one SendSnapshot
// call per MsgSnap. See DESIGN.md for the stream layout, the limits and what
// happens at each, and the reconnect policy.

import { isNetworkMessageType } from '@logbook/proto';
import type { Message, NodeId, SnapshotStatus, Transport, TransportHandler } from '@logbook/raft';
import { Backoff } from './backoff.ts';
import { assert, TransportError } from './errors.ts';
import { minEncodedBytes } from './message-size.ts';
import { isHostPort, validateOptions } from './options.ts';
import type { GrpcTransportOptions, ValidOptions } from './options.ts';
import { PeerStream } from './peer-stream.ts';
import { RaftServer } from './raft-server.ts';
import { raftServiceDefinition } from './service-definition.ts';
import type { RaftServiceDefinition } from './service-definition.ts';
import { SnapshotSender } from './snapshot-sender.ts';

type Phase = 'new' | 'starting' | 'running' | 'closed';

export class GrpcTransport implements Transport {
  readonly #o: ValidOptions;
  readonly #service: RaftServiceDefinition = raftServiceDefinition();
  /** Known peers and their addresses; streams exist only while running. */
  readonly #addresses = new Map<NodeId, string>();
  readonly #streams = new Map<NodeId, PeerStream>();
  /** At most one snapshot in flight per peer. */
  readonly #snapshots = new Map<NodeId, SnapshotSender>();
  #phase: Phase = 'new';
  #handler: TransportHandler | undefined;
  #server: RaftServer | undefined;
  #port = 0;
  #closing: Promise<void> | undefined;

  constructor(options: GrpcTransportOptions) {
    this.#o = validateOptions(options);
    for (const [id, address] of this.#o.peers) this.#addresses.set(id, address);
  }

  /** The port the server is bound to (the ephemeral one when listenAddress asked for port 0). */
  get port(): number {
    assert(this.#phase === 'running', 'port is known once start() resolved');
    return this.#port;
  }

  async start(handler: TransportHandler): Promise<void> {
    if (this.#phase !== 'new') throw new TransportError('already-started', `start() called in phase ${this.#phase}`);
    this.#phase = 'starting';
    this.#handler = handler;
    const { id, limits, timing, logger, credentials, listenAddress } = this.#o;
    const { extraServices, snapshotPayloads } = this.#o;
    const server = new RaftServer({ localId: id, handler, limits, timing, logger, snapshotPayloads, extraServices });
    this.#server = server;
    try {
      this.#port = await server.bind(listenAddress, credentials.serverTls);
    } catch (e) {
      server.shutdown();
      this.#phase = 'closed';
      throw e;
    }
    if (this.#phase !== 'starting') {
      // close() ran while binding.
      server.shutdown();
      return;
    }
    this.#phase = 'running';
    logger.info('raft transport: listening', { nodeId: id, address: listenAddress, port: this.#port });
    for (const [peer, address] of this.#addresses) this.#startStream(peer, address);
  }

  send(messages: readonly Message[]): void {
    if (this.#phase === 'closed') return; // shutting down: raft's messages are moot
    if (this.#phase !== 'running') throw new TransportError('not-started', 'send() before start() resolved');
    const unreachable = new Set<NodeId>();
    for (const m of messages) {
      assert(isNetworkMessageType(m.type), () => `local message ${m.type} handed to the transport`);
      assert(m.from === this.#o.id, () => `message from ${m.from} sent by member ${this.#o.id}`);
      assert(m.to !== this.#o.id, () => `member ${this.#o.id} sending ${m.type} to itself`);
      if (m.type === 'MsgSnap') {
        this.#sendSnapshot(m);
        continue;
      }
      const stream = this.#streams.get(m.to);
      if (stream === undefined) {
        this.#o.logger.warn('raft transport: dropping message for unknown peer', { peer: m.to, type: m.type });
        unreachable.add(m.to);
      } else if (minEncodedBytes(m) > this.#o.limits.maxMessageBytes) {
        // It can never fit a peer configured like this member; sending it would only kill the stream.
        this.#o.logger.error('raft transport: dropping message larger than maxMessageBytes', {
          peer: m.to,
          type: m.type,
          bytes: minEncodedBytes(m),
          limit: this.#o.limits.maxMessageBytes,
        });
        unreachable.add(m.to);
      } else if (!stream.enqueue(m)) {
        unreachable.add(m.to);
      }
    }
    // One report per peer per batch, however many of its messages were dropped.
    for (const peer of unreachable) this.#handler?.reportUnreachable(peer);
  }

  addPeer(id: NodeId, address: string): void {
    assert(Number.isSafeInteger(id) && id > 0, `peer id ${id}`);
    if (id === this.#o.id || this.#phase === 'closed') return;
    if (!isHostPort(address)) {
      // Addresses arrive in conf-change contexts from the log: a bad one must not crash the member.
      // Without an address the peer stays unknown; sends to it are dropped and reported unreachable.
      this.#o.logger.error('raft transport: ignoring peer with an invalid address', { peer: id, address });
      return;
    }
    if (this.#addresses.get(id) === address) return;
    this.removePeer(id);
    this.#addresses.set(id, address);
    if (this.#phase === 'running') this.#startStream(id, address);
  }

  removePeer(id: NodeId): void {
    this.#addresses.delete(id);
    this.#streams.get(id)?.close();
    this.#streams.delete(id);
    // A removed member's snapshot outcome no longer matters to raft.
    const snap = this.#snapshots.get(id);
    this.#snapshots.delete(id);
    snap?.cancel();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  #close(): Promise<void> {
    this.#phase = 'closed';
    for (const id of [...this.#addresses.keys()]) this.removePeer(id);
    this.#server?.shutdown();
    this.#server = undefined;
    this.#o.logger.info('raft transport: closed', { nodeId: this.#o.id });
    return Promise.resolve();
  }

  #startStream(peer: NodeId, address: string): void {
    const { id, limits, timing, logger, credentials, random } = this.#o;
    const stream = new PeerStream({
      localId: id,
      peerId: peer,
      address,
      service: this.#service,
      credentials,
      limits,
      timing,
      backoff: new Backoff(timing.reconnectInitialMs, timing.reconnectMaxMs, random),
      logger,
      onUnreachable: () => {
        if (this.#streams.get(peer) === stream) this.#handler?.reportUnreachable(peer);
      },
    });
    this.#streams.set(peer, stream);
    stream.start();
  }

  #sendSnapshot(m: Message): void {
    const peer = m.to;
    const address = this.#addresses.get(peer);
    if (address === undefined) {
      this.#o.logger.warn('raft transport: dropping snapshot for unknown peer', { peer });
      this.#reportSnapshot(peer, 'failure');
      return;
    }
    if (this.#snapshots.has(peer)) {
      // Raft sends one snapshot per peer and waits for its outcome; a second one means
      // the first is stale from raft's point of view. Refuse the newcomer and say so.
      this.#o.logger.warn('raft transport: a snapshot to this peer is already in flight; dropping the new one', { peer });
      this.#reportSnapshot(peer, 'failure');
      return;
    }
    const { limits, timing, logger, credentials, snapshotPayloads: payloads } = this.#o;
    const sender = new SnapshotSender({ address, service: this.#service, credentials, limits, timing, logger, payloads });
    this.#snapshots.set(peer, sender);
    void sender.send(m).then((status) => {
      if (this.#snapshots.get(peer) !== sender) return; // cancelled by removePeer/close
      this.#snapshots.delete(peer);
      this.#reportSnapshot(peer, status);
    });
  }

  #reportSnapshot(peer: NodeId, status: SnapshotStatus): void {
    if (this.#phase === 'closed') return;
    this.#handler?.reportSnapshot(peer, status);
  }
}
