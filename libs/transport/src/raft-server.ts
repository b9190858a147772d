// The receiving side: a gRPC server with the Raft service. Send streams feed
// decoded messages to the member; SendSnapshot streams are checked and their
// payload streamed into the application's SnapshotPayloads (see
// snapshot-receiver.ts), the MsgSnap handed over once complete. Messages for
// another member are dropped.

import * as grpc from '@grpc/grpc-js';
import type { SendAck, SnapshotAck, SnapshotChunk } from '@logbook/proto';
import type { Logger, Message, NodeId, TransportHandler } from '@logbook/raft';
import type { TransportCredentials } from './credentials.ts';
import { TransportError } from './errors.ts';
import type { TransportLimits, TransportTiming } from './options.ts';
import { describeError } from './peer-client.ts';
import type { SnapshotPayloads } from './snapshot-payloads.ts';
import { SnapshotReceiver } from './snapshot-receiver.ts';
import { raftServiceDefinition } from './service-definition.ts';

export interface RaftServerOptions {
  readonly localId: NodeId;
  readonly handler: TransportHandler;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly logger: Logger;
  readonly snapshotPayloads: SnapshotPayloads;
  readonly extraServices?: readonly ExtraService[];
}

/** A service of the application hosted on the peer port beside raft's (e.g. the store's lease forwarding). */
export interface ExtraService {
  readonly definition: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

export class RaftServer {
  readonly #o: RaftServerOptions;
  readonly #server: grpc.Server;
  /** Snapshot calls holding a slot: from the call's start until its payload was completed or aborted. */
  #inboundSnapshots = 0;
  #shutDown = false;
  /** Messages dropped for naming another member; logged at 1, 2, 4, 8, ... to bound log volume. */
  #misrouted = 0;

  constructor(o: RaftServerOptions) {
    this.#o = o;
    this.#server = new grpc.Server({
      'grpc.max_receive_message_length': o.limits.maxMessageBytes,
      'grpc.keepalive_time_ms': o.timing.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': o.timing.keepaliveTimeoutMs,
    });
    const service = raftServiceDefinition((method, e) => {
      o.logger.warn('raft transport: undecodable request from a peer; failing its stream', {
        method,
        error: e instanceof Error ? e.message : String(e),
        code: typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined,
      });
    });
    this.#server.addService(service, {
      send: (call: grpc.ServerReadableStream<Message, SendAck>, callback: grpc.sendUnaryData<SendAck>) =>
        this.#onSend(call, callback),
      sendSnapshot: (call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>, callback: grpc.sendUnaryData<SnapshotAck>) =>
        this.#onSendSnapshot(call, callback),
    });
    for (const extra of o.extraServices ?? []) this.#server.addService(extra.definition, extra.implementation);
  }

  /** Binds `address` and returns the bound port (the ephemeral one when the address says port 0). */
  bind(address: string, credentials: TransportCredentials): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(address, credentials.server, (err, port) => {
        if (err !== null) reject(new TransportError('bind-failed', `cannot listen on ${address}: ${err.message}`, { cause: err }));
        else resolve(port);
      });
    });
  }

  /** Cancels every inbound stream and closes the listener. Peers see UNAVAILABLE and reconnect later. */
  shutdown(): void {
    this.#shutDown = true;
    this.#server.forceShutdown();
  }

  #onSend(call: grpc.ServerReadableStream<Message, SendAck>, callback: grpc.sendUnaryData<SendAck>): void {
    call.on('data', (m: Message) => {
      if (m.to !== this.#o.localId) {
        this.#logMisrouted(m);
        return;
      }
      this.#o.handler.receive(m);
    });
    call.on('end', () => callback(null, {}));
    call.on('error', (e: unknown) => {
      this.#o.logger.debug('raft transport: inbound send stream failed', { peerAddress: call.getPeer(), ...describeError(e) });
    });
  }

  #onSendSnapshot(
    call: grpc.ServerReadableStream<SnapshotChunk, SnapshotAck>,
    callback: grpc.sendUnaryData<SnapshotAck>,
  ): void {
    const { localId, limits, logger, handler } = this.#o;
    if (this.#inboundSnapshots >= limits.maxInboundSnapshots) {
      logger.warn('raft transport: rejecting a snapshot stream, too many in progress', { limit: limits.maxInboundSnapshots });
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `already receiving ${limits.maxInboundSnapshots} snapshots` });
      return;
    }
    this.#inboundSnapshots++;
    new SnapshotReceiver(call, callback, {
      localId,
      maxSnapshotBytes: limits.maxSnapshotBytes,
      payloads: this.#o.snapshotPayloads,
      logger,
      // A payload may complete after close(): the member is gone by then, and raft's messages with it.
      deliver: (m) => {
        if (!this.#shutDown) handler.receive(m);
      },
      // Held until the payload was aborted, even when the call died long before: the slot bounds what payloads hold, not calls.
      onReleased: () => this.#inboundSnapshots--,
    });
  }

  #logMisrouted(m: Message): void {
    this.#misrouted++;
    if ((this.#misrouted & (this.#misrouted - 1)) !== 0) return;
    this.#o.logger.warn('raft transport: dropped messages addressed to another member', {
      nodeId: this.#o.localId,
      to: m.to,
      from: m.from,
      type: m.type,
      dropped: this.#misrouted,
    });
  }
}
