// The receiving side: a gRPC server with the Raft service, on
// @logbook/grpc-server (HTTP/2 framing of our own; grpc-js's server cost
// 16–30 µs of CPU per received Raft message, bare node:http2 11–13). Send
// streams feed decoded messages to the member; SendSnapshot streams are
// checked and their payload streamed into the application's SnapshotPayloads
// (see snapshot-receiver.ts), the MsgSnap handed over once complete.
// Messages for another member are dropped.

import { GRPC_STATUS, GrpcServer, GrpcStatusError, type GrpcMethod, type GrpcTls, type StreamCall } from '@logbook/grpc-server';
import { decodeMessage, encodeSendAck, RAFT_SERVICE_METHODS } from '@logbook/proto';
import type { Logger, Message, NodeId, TransportHandler } from '@logbook/raft';
import { splitHostPort } from './address.ts';
import { TransportError } from './errors.ts';
import type { TransportLimits, TransportTiming } from './options.ts';
import type { SnapshotPayloads } from './snapshot-payloads.ts';
import { SnapshotReceiver } from './snapshot-receiver.ts';

export interface RaftServerOptions {
  readonly localId: NodeId;
  readonly handler: TransportHandler;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly logger: Logger;
  readonly snapshotPayloads: SnapshotPayloads;
  readonly extraServices?: readonly ExtraService[];
}

/**
 * A service of the application hosted on the peer port beside raft's (e.g.
 * the store's lease forwarding): its methods by full path
 * (`/package.Service/Method`). A handler that throws a GrpcStatusError fails
 * its call with that status; any other error is UNKNOWN with its message.
 */
export interface ExtraService {
  readonly methods: Readonly<Record<string, GrpcMethod>>;
}

export class RaftServer {
  readonly #o: RaftServerOptions;
  readonly #server: GrpcServer;
  /** Snapshot calls holding a slot: from the call's start until its payload was completed or aborted. */
  #inboundSnapshots = 0;
  #shutDown = false;
  /** Messages dropped for naming another member; logged at 1, 2, 4, 8, ... to bound log volume. */
  #misrouted = 0;

  constructor(o: RaftServerOptions) {
    this.#o = o;
    this.#server = new GrpcServer({
      maxReceiveMessageBytes: o.limits.maxMessageBytes,
      keepaliveTimeMs: o.timing.keepaliveTimeMs,
      keepaliveTimeoutMs: o.timing.keepaliveTimeoutMs,
      toStatus: (err) => ({ code: GRPC_STATUS.UNKNOWN, message: err instanceof Error ? err.message : String(err) }),
      onError: (what, err) => o.logger.debug('raft transport: peer connection error', { what, error: err instanceof Error ? err.message : String(err) }),
    });
    this.#server.add(RAFT_SERVICE_METHODS.send.path, { kind: 'stream', handler: (call) => this.#onSend(call) });
    this.#server.add(RAFT_SERVICE_METHODS.sendSnapshot.path, { kind: 'stream', handler: (call) => this.#onSendSnapshot(call) });
    for (const extra of o.extraServices ?? []) for (const [path, method] of Object.entries(extra.methods)) this.#server.add(path, method);
  }

  /** Binds `address` (`host:port`) and returns the bound port (the ephemeral one when the address says port 0). */
  async bind(address: string, tls: GrpcTls | undefined): Promise<number> {
    const parts = splitHostPort(address);
    if (parts === undefined) throw new TransportError('bind-failed', `cannot listen on ${address}: not host:port`);
    try {
      return await this.#server.listen(parts.host === '' ? '0.0.0.0' : parts.host, parts.port, tls);
    } catch (err) {
      throw new TransportError('bind-failed', `cannot listen on ${address}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Cancels every inbound stream and closes the listener. Peers see UNAVAILABLE and reconnect later. */
  shutdown(): void {
    this.#shutDown = true;
    this.#server.forceShutdown();
  }

  #onSend(call: StreamCall): void {
    call.onMessage((bytes) => {
      let m: Message;
      try {
        m = decodeMessage(bytes);
      } catch (e) {
        this.#decodeFailed(RAFT_SERVICE_METHODS.send.name, e);
        call.end(new GrpcStatusError(GRPC_STATUS.INTERNAL, `undecodable ${RAFT_SERVICE_METHODS.send.name} request`));
        return;
      }
      if (m.to !== this.#o.localId) {
        this.#logMisrouted(m);
        return;
      }
      this.#o.handler.receive(m);
    });
    call.onHalfClose(() => {
      call.write(encodeSendAck({}));
      call.end();
    });
  }

  #onSendSnapshot(call: StreamCall): void {
    const { localId, limits, logger, handler } = this.#o;
    if (this.#inboundSnapshots >= limits.maxInboundSnapshots) {
      logger.warn('raft transport: rejecting a snapshot stream, too many in progress', { limit: limits.maxInboundSnapshots });
      call.end(new GrpcStatusError(GRPC_STATUS.RESOURCE_EXHAUSTED, `already receiving ${limits.maxInboundSnapshots} snapshots`));
      return;
    }
    this.#inboundSnapshots++;
    new SnapshotReceiver(call, {
      localId,
      maxSnapshotBytes: limits.maxSnapshotBytes,
      payloads: this.#o.snapshotPayloads,
      logger,
      // A payload may complete after close(): the member is gone by then, and raft's messages with it.
      deliver: (m) => {
        if (!this.#shutDown) handler.receive(m);
      },
      onDecodeError: (e) => this.#decodeFailed(RAFT_SERVICE_METHODS.sendSnapshot.name, e),
      // Held until the payload was aborted, even when the call died long before: the slot bounds what payloads hold, not calls.
      onReleased: () => this.#inboundSnapshots--,
    });
  }

  #decodeFailed(method: string, e: unknown): void {
    this.#o.logger.warn('raft transport: undecodable request from a peer; failing its stream', {
      method,
      error: e instanceof Error ? e.message : String(e),
      code: typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined,
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
