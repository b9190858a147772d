// The long-lived Send stream to one peer: a bounded queue in front of it, a
// pump that respects the stream's back-pressure, and reconnection with capped
// exponential backoff when the connection or the stream fails.
//
//   idle --start--> connecting --READY--> streaming --failure--> backoff --timer--> connecting
//                       |                                           ^
//                       +-------------------failure-----------------+
//   any state --close--> closed
//
// Messages wait in the queue only for a connection that is up or being
// opened. When an attempt or the stream fails, what is queued is dropped, and
// while backing off new messages are refused (the caller reports the peer
// unreachable), as etcd's rafthttp drops messages for a peer it cannot reach.
// Raft retransmits what it needs (appends, heartbeats, votes). Holding them
// instead would deliver them whenever the peer comes back, possibly seconds
// later: a proposal a follower forwarded to a leader that then died would
// reach the restarted member, be forwarded on, and commit long after its
// client was told it timed out.

import { encodeMessage } from '@logbook/proto';
import type { Logger, Message, NodeId } from '@logbook/raft';
import type { Backoff } from './backoff.ts';
import type { TransportCredentials } from './credentials.ts';
import { assert } from './errors.ts';
import { MessageQueue } from './message-queue.ts';
import { maxEncodedBytes } from './message-size.ts';
import type { TransportLimits, TransportTiming } from './options.ts';
import { describeError } from './peer-client.ts';
import { H2Connection, type ClientStreamCall } from './h2-send-call.ts';
import type { RaftServiceDefinition } from './service-definition.ts';

/** Small messages share a write up to about this many bytes. */
const BATCH_BYTES = 256 * 1024;
/** A message larger than this is written on its own. */
const ALONE_BYTES = 64 * 1024;

export type PeerStreamState = 'idle' | 'connecting' | 'streaming' | 'backoff' | 'closed';

export interface PeerStreamOptions {
  readonly localId: NodeId;
  readonly peerId: NodeId;
  readonly address: string;
  readonly service: RaftServiceDefinition;
  readonly credentials: TransportCredentials;
  readonly limits: TransportLimits;
  readonly timing: TransportTiming;
  readonly backoff: Backoff;
  readonly logger: Logger;
  /** The stream failed or a connection attempt failed: messages may have been lost. */
  readonly onUnreachable: () => void;
}

export class PeerStream {
  readonly peerId: NodeId;
  readonly address: string;
  readonly #o: PeerStreamOptions;
  readonly #queue: MessageQueue;
  #state: PeerStreamState = 'idle';
  #client: H2Connection | undefined;
  #stream: ClientStreamCall | undefined;
  /** Bumped per connection attempt: callbacks of an older attempt are ignored. */
  #attempt = 0;
  /** The stream's write() returned false: wait for 'drain' before writing more. */
  #blocked = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: PeerStreamOptions) {
    this.#o = o;
    this.peerId = o.peerId;
    this.address = o.address;
    this.#queue = new MessageQueue(o.limits.maxQueuedMessages, o.limits.maxQueuedBytes);
  }

  get state(): PeerStreamState {
    return this.#state;
  }

  get queuedMessages(): number {
    return this.#queue.length;
  }

  start(): void {
    assert(this.#state === 'idle', `start() in state ${this.#state}`);
    this.#connect();
  }

  /**
   * Queues `m` for the peer. False when the queue is at a bound: the message
   * was dropped and the caller reports the peer unreachable.
   */
  enqueue(m: Message): boolean {
    if (this.#state === 'closed' || this.#state === 'backoff') return false;
    if (!this.#queue.push(m, maxEncodedBytes(m))) return false;
    this.#pump();
    return true;
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.clear();
    this.#teardown();
  }

  #connect(): void {
    this.#state = 'connecting';
    const attempt = ++this.#attempt;
    const { timing } = this.#o;
    void H2Connection.connect({
      address: this.address,
      tls: this.#o.credentials.clientTls,
      connectTimeoutMs: timing.connectTimeoutMs,
      keepaliveTimeMs: timing.keepaliveTimeMs,
      keepaliveTimeoutMs: timing.keepaliveTimeoutMs,
      onClose: (e) => {
        if (this.#attempt === attempt && this.#state === 'streaming') this.#fail('stream', e);
      },
    }).then(
      (conn) => {
        if (this.#attempt !== attempt || this.#state !== 'connecting') {
          conn.close(); // closed or superseded meanwhile
          return;
        }
        this.#open(conn);
      },
      (e: unknown) => {
        if (this.#attempt !== attempt || this.#state !== 'connecting') return;
        this.#fail('connect', e);
      },
    );
  }

  #open(conn: H2Connection): void {
    const stream = conn.call(this.#o.service.send.path);
    stream.onEnd((err) => {
      if (this.#stream !== stream) return;
      // Send only completes when one side shuts down; either way the peer is gone for now.
      this.#fail('stream', err ?? new Error('peer ended the stream'));
    });
    stream.onDrain(() => {
      if (this.#stream !== stream) return;
      this.#blocked = false;
      this.#pump();
    });
    this.#client = conn;
    this.#stream = stream;
    this.#blocked = false;
    this.#state = 'streaming';
    this.#o.backoff.reset();
    this.#o.logger.info('raft transport: connected to peer', { peer: this.peerId, address: this.address });
    this.#pump();
  }

  /**
   * Writes what is queued: small messages together, as one chunk per
   * BATCH_BYTES (one HTTP/2 write for a turn's worth of appends and acks); a
   * large one on its own, so that if the peer refuses it (over its
   * maxMessageBytes) the messages before it still arrive.
   */
  #pump(): void {
    const stream = this.#stream;
    if (this.#state !== 'streaming' || stream === undefined) return;
    let batch: Uint8Array[] = [];
    let bytes = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      if (!stream.writeBatch(batch)) this.#blocked = true;
      batch = [];
      bytes = 0;
    };
    while (!this.#blocked) {
      const m = this.#queue.shift();
      if (m === undefined) break;
      const encoded = encodeMessage(m);
      if (encoded.byteLength > ALONE_BYTES) {
        flush();
        batch.push(encoded);
        flush();
        continue;
      }
      batch.push(encoded);
      bytes += encoded.byteLength;
      if (bytes >= BATCH_BYTES) flush();
    }
    flush();
  }

  #fail(stage: 'connect' | 'stream', e: unknown): void {
    assert(this.#state === 'connecting' || this.#state === 'streaming', `failure in state ${this.#state}`);
    const wasStreaming = this.#state === 'streaming';
    this.#teardown();
    this.#queue.clear();
    const delayMs = this.#o.backoff.next();
    this.#state = 'backoff';
    const { code, details } = describeError(e);
    const fields = { peer: this.peerId, address: this.address, code, details, retryInMs: delayMs, attempt: this.#o.backoff.attempt };
    if (code === 'RESOURCE_EXHAUSTED') {
      // The peer's server refused a message over its max message size; the stream died with it.
      this.#o.logger.error('raft transport: peer rejected an oversized message (raise its maxMessageBytes or lower raft maxSizePerMsgBytes)', fields);
    } else if (wasStreaming) {
      this.#o.logger.warn('raft transport: stream to peer failed', fields);
    } else {
      this.#o.logger.debug(`raft transport: ${stage} to peer failed`, fields);
    }
    this.#o.onUnreachable();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state === 'backoff') this.#connect();
    }, delayMs);
  }

  #teardown(): void {
    const stream = this.#stream;
    const client = this.#client;
    this.#stream = undefined;
    this.#client = undefined;
    this.#blocked = false;
    if (stream !== undefined) {
      // Half-close: the peer's server finishes the call; closing the connection below then ends it.
      stream.end();
    }
    client?.close();
  }
}
