// The client side of one HTTP/2 connection (RFC 9113) on an already
// connected plain or TLS socket: what the Raft Send stream needs, on the
// same framing as the server (h2-connection.ts).
//
// Why not node:http2's client: it hands every frame to nghttp2, which writes
// in the event loop's check phase, so a Raft message sent from a Ready
// handler waited for the rest of the sender's loop turn before it left, and
// every hop of a put paid that wait. Here the frames made in one turn go out
// at the end of it (process.nextTick), in one socket write.
//
// What is here: the preface and SETTINGS (ACKed both ways), request HEADERS
// as HPACK literals (our encoder never indexes, so the server's table size
// does not concern it), response HEADERS + CONTINUATION decoded with HPACK,
// DATA with padding, flow control in both directions (received data is
// credited back at once: the caller reads whatever comes), RST_STREAM, PING
// (answered, and sent for keepalive), GOAWAY. Server push is disabled in our
// SETTINGS; a PUSH_PROMISE is a connection error.
//
// Bounds, and what happens at each:
// - A frame larger than our SETTINGS_MAX_FRAME_SIZE (16 KiB), or a header
//   block above MAX_HEADER_BLOCK_BYTES / MAX_HEADER_FRAMES frames: connection
//   error (GOAWAY, the socket closes, onClose reports it).
// - A stream's queued DATA (waiting for flow-control window) at or above its
//   high-water mark, or a socket that wants draining: write() returns false;
//   onDrain fires when both are clear.
// - More than MAX_UNREAD_OUTPUT bytes the kernel has not taken (a server that
//   stops reading while PINGs and WINDOW_UPDATEs pile up): destroyed.

import type { Duplex } from 'node:stream';
import { ConnectionError, DEFAULT_WINDOW, F, H2_ERROR, HeaderBlocks, MAX_HEADER_LIST_BYTES, PREFACE, Pings, S, SendFlow, SETTINGS_ACK, T, FrameReader, frameHeader, u32, unpad, windowIncrement, type DecodedHeaderBlock } from './h2-frames.ts';
import { encodeLiteralBlock, type HeaderField } from './hpack.ts';

export type H2ResponseHeaders = Record<string, string>;

const MAX_UNREAD_OUTPUT = 64 << 20;
/** What we let the server send before we credit it: all of it is consumed on arrival. */
const RECEIVE_WINDOW = 1 << 20;
const DEFAULT_HIGH_WATER_MARK = 256 * 1024;

export interface H2ClientOptions {
  /** The connection is over: the socket closed, a GOAWAY came, or a protocol error. Once. */
  readonly onClose: (reason: string) => void;
  /** Queued DATA per stream before write() reports back-pressure. Default 256 KiB. */
  readonly streamHighWaterMarkBytes?: number;
}

/** One request stream opened by request(). */
export class H2ClientStream {
  readonly id: number;
  readonly #session: H2ClientSession;
  sendWindow: number;
  /** Received bytes not yet credited back. */
  recvUnacked = 0;
  readonly queue: Buffer[] = [];
  queuedBytes = 0;
  /** end() was called: END_STREAM goes out after the queue. */
  ending = false;
  localClosed = false;
  remoteClosed = false;
  closed = false;
  needDrain = false;
  /** Response headers, then trailers (endStream true). */
  onHeaders: ((headers: H2ResponseHeaders, endStream: boolean) => void) | undefined;
  onData: ((chunk: Buffer) => void) | undefined;
  /** The stream is over; `resetCode` when it was reset (by either side) or the connection went. */
  onClose: ((resetCode: number | undefined) => void) | undefined;
  onDrain: (() => void) | undefined;

  constructor(session: H2ClientSession, id: number, sendWindow: number) {
    this.#session = session;
    this.id = id;
    this.sendWindow = sendWindow;
  }

  /** Queues DATA; false when the writer should wait for onDrain. */
  write(data: Buffer): boolean {
    if (this.closed || this.localClosed || this.ending) return false;
    if (data.byteLength > 0) {
      this.queue.push(data);
      this.queuedBytes += data.byteLength;
      this.#session.pump(this);
    }
    return this.writable();
  }

  writable(): boolean {
    const ok = !this.closed && this.queuedBytes < this.#session.streamHighWaterMark && !this.#session.blocked;
    if (!ok) this.needDrain = true;
    return ok;
  }

  /** Half-closes after every queued DATA frame. */
  end(): void {
    if (this.closed || this.localClosed || this.ending) return;
    this.ending = true;
    this.#session.pump(this);
  }

  /** Abandons the stream (RST_STREAM with `code`). */
  reset(code: number): void {
    this.#session.resetStream(this, code, true);
  }
}

export class H2ClientSession {
  readonly #socket: Duplex;
  readonly #o: H2ClientOptions;
  readonly #blocks = new HeaderBlocks();
  readonly #streams = new Map<number, H2ClientStream>();
  readonly streamHighWaterMark: number;
  #nextStreamId = 1;
  readonly #in = new FrameReader();
  #out: Buffer[] = [];
  #flushScheduled = false;
  #recvUnacked = 0;
  readonly #flow = new SendFlow<H2ClientStream>();
  /** #emit as a value, made once: the DATA pump runs on every write. */
  readonly #emitFrames = (...parts: Buffer[]): void => this.#emit(...parts);
  readonly #pings = new Pings();
  #goneAway = false;
  #destroyed = false;

  constructor(socket: Duplex, o: H2ClientOptions) {
    this.#socket = socket;
    this.#o = o;
    this.streamHighWaterMark = o.streamHighWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK;
    const settings = Buffer.allocUnsafe(18);
    settings.writeUInt16BE(S.ENABLE_PUSH, 0);
    settings.writeUInt32BE(0, 2);
    settings.writeUInt16BE(S.INITIAL_WINDOW_SIZE, 6);
    settings.writeUInt32BE(RECEIVE_WINDOW, 8);
    settings.writeUInt16BE(S.MAX_HEADER_LIST_SIZE, 12);
    settings.writeUInt32BE(MAX_HEADER_LIST_BYTES, 14);
    this.#emit(PREFACE);
    this.#emit(frameHeader(settings.length, T.SETTINGS, 0, 0), settings);
    this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, 0), u32(RECEIVE_WINDOW - DEFAULT_WINDOW));
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('drain', () => this.#drained());
    socket.on('error', (err: Error) => this.#gone(`connection failed: ${err.message}`));
    socket.on('close', () => this.#gone('connection closed'));
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The socket wants draining. */
  get blocked(): boolean {
    return this.#socket.writableNeedDrain;
  }

  /** Opens a stream with `fields` (pseudo-headers first) as its request headers. */
  request(fields: readonly HeaderField[]): H2ClientStream {
    if (this.#destroyed || this.#goneAway) throw new Error('h2 client: the connection is closed');
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const s = new H2ClientStream(this, id, this.#flow.initialWindow);
    this.#streams.set(id, s);
    let rest = Buffer.from(encodeLiteralBlock(fields));
    let type: number = T.HEADERS;
    for (;;) {
      const piece = rest.subarray(0, this.#flow.maxFrame);
      rest = rest.subarray(piece.length);
      const last = rest.length === 0;
      this.#emit(frameHeader(piece.length, type, last ? F.END_HEADERS : 0, id), piece);
      if (last) break;
      type = T.CONTINUATION;
    }
    return s;
  }

  /** Sends a PING; cb runs when it is answered. */
  ping(cb: () => void): void {
    if (this.#destroyed) return;
    this.#emit(...this.#pings.next(cb));
  }

  /** Says GOAWAY and ends the socket once what is queued was written. */
  close(): void {
    if (this.#destroyed || this.#goneAway) return;
    this.#goneAway = true;
    const payload = Buffer.alloc(8);
    this.#emit(frameHeader(8, T.GOAWAY, 0, 0), payload);
    this.#flush();
    this.#socket.end();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#socket.destroy();
    this.#gone('connection destroyed');
  }

  // ---------------------------------------------------------------- receive

  #receive(chunk: Buffer): void {
    if (this.#destroyed) return;
    const err = this.#in.push(chunk, () => !this.#destroyed, (type, flags, id, payload) => this.#frame(type, flags, id, payload));
    if (err !== undefined) this.#connectionError(err.code, err.message);
  }

  #frame(type: number, flags: number, id: number, payload: Buffer): void {
    this.#blocks.check(type, id);
    switch (type) {
      case T.DATA:
        return this.#onData(flags, id, payload);
      case T.HEADERS:
        return this.#headerBlock(this.#blocks.headers(flags, id, payload));
      case T.CONTINUATION:
        return this.#headerBlock(this.#blocks.continuation(flags, payload));
      case T.RST_STREAM: {
        if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
        if (payload.length !== 4) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'RST_STREAM not 4 bytes');
        const s = this.#streams.get(id);
        if (s !== undefined) this.#finishStream(s, payload.readUInt32BE(0));
        return;
      }
      case T.SETTINGS:
        return this.#onSettings(flags, id, payload);
      case T.PUSH_PROMISE:
        throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'PUSH_PROMISE with push disabled');
      case T.PING:
      {
        const ack = this.#pings.receive(flags, id, payload);
        if (ack !== undefined) this.#emit(...ack);
        return;
      }
      case T.GOAWAY: {
        if (id !== 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'GOAWAY on a stream');
        const code = payload.length >= 8 ? payload.readUInt32BE(4) : H2_ERROR.PROTOCOL_ERROR;
        this.#socket.destroy();
        this.#gone(`peer sent GOAWAY (code ${code})`);
        return;
      }
      case T.WINDOW_UPDATE:
        return this.#onWindowUpdate(id, payload);
      default:
        return; // PRIORITY and unknown frame types are ignored (§5.5).
    }
  }

  #onData(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'DATA on stream 0');
    // Consumed on arrival: credit goes back once half a window was used.
    this.#recvUnacked += payload.length;
    if (this.#recvUnacked >= RECEIVE_WINDOW / 2) {
      this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, 0), u32(this.#recvUnacked));
      this.#recvUnacked = 0;
    }
    const data = unpad(flags, payload);
    const s = this.#streams.get(id);
    if (s === undefined) {
      if (id >= this.#nextStreamId) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'DATA on an idle stream');
      return;
    }
    if (s.remoteClosed) {
      this.resetStream(s, H2_ERROR.STREAM_CLOSED, true);
      return;
    }
    s.recvUnacked += payload.length;
    if (s.recvUnacked >= RECEIVE_WINDOW / 2 && (flags & F.END_STREAM) === 0) {
      this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, s.id), u32(s.recvUnacked));
      s.recvUnacked = 0;
    }
    if (data.length > 0) s.onData?.(data);
    if ((flags & F.END_STREAM) !== 0) this.#remoteEnd(s);
  }

  #headerBlock(b: DecodedHeaderBlock | undefined): void {
    if (b === undefined) return;
    const s = this.#streams.get(b.id);
    if (s === undefined) {
      if (b.id >= this.#nextStreamId) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'HEADERS on an idle stream');
      return; // A stream we already closed.
    }
    const headers: H2ResponseHeaders = {};
    for (const [name, value] of b.fields) headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    s.onHeaders?.(headers, b.endStream);
    if (b.endStream && !s.closed) this.#remoteEnd(s);
  }

  #onSettings(flags: number, id: number, payload: Buffer): void {
    // HEADER_TABLE_SIZE: our encoder never indexes. MAX_CONCURRENT_STREAMS: we open one at a time.
    if (this.#flow.receiveSettings(flags, id, payload, () => this.#streams.values(), (s) => this.pump(s))) this.#emit(SETTINGS_ACK);
  }

  #onWindowUpdate(id: number, payload: Buffer): void {
    const increment = windowIncrement(payload);
    if (id === 0) {
      for (const s of this.#flow.growConnection(increment)) this.pump(s);
      return;
    }
    const s = this.#streams.get(id);
    if (s === undefined) return; // Closed, or never ours: allowed (§6.9).
    const error = this.#flow.growStream(s, increment);
    if (error !== undefined) this.resetStream(s, error, true);
    else this.pump(s);
  }

  // ------------------------------------------------------------------- send

  /** Sends what the windows allow of s's queue, then END_STREAM once it is empty and end() was called. */
  pump(s: H2ClientStream): void {
    if (s.closed || s.localClosed) return;
    if (!this.#flow.send(s, this.#emitFrames)) return;
    if (s.ending) {
      this.#emit(frameHeader(0, T.DATA, F.END_STREAM, s.id));
      s.localClosed = true;
      if (s.remoteClosed) this.#finishStream(s, undefined);
      return;
    }
    this.#maybeDrain(s);
  }

  #maybeDrain(s: H2ClientStream): void {
    if (!s.needDrain || s.closed || this.blocked || s.queuedBytes >= this.streamHighWaterMark) return;
    s.needDrain = false;
    s.onDrain?.();
  }

  #remoteEnd(s: H2ClientStream): void {
    s.remoteClosed = true;
    if (s.localClosed) this.#finishStream(s, undefined);
  }

  #finishStream(s: H2ClientStream, resetCode: number | undefined): void {
    if (s.closed) return;
    s.closed = true;
    this.#streams.delete(s.id);
    this.#flow.forget(s);
    s.queue.length = 0;
    s.queuedBytes = 0;
    s.onClose?.(resetCode);
  }

  /** Closes s; sends RST_STREAM with `code` when `send`. */
  resetStream(s: H2ClientStream, code: number, send: boolean): void {
    if (s.closed) return;
    if (send && !this.#destroyed) this.#emit(frameHeader(4, T.RST_STREAM, 0, s.id), u32(code));
    this.#finishStream(s, code);
  }

  #connectionError(code: number, message: string): void {
    if (this.#destroyed) return;
    const payload = Buffer.allocUnsafe(8 + Buffer.byteLength(message));
    payload.writeUInt32BE(0, 0);
    payload.writeUInt32BE(code, 4);
    payload.write(message, 8);
    this.#emit(frameHeader(payload.length, T.GOAWAY, 0, 0), payload);
    this.#flush();
    this.#socket.destroy();
    this.#gone(`HTTP/2 protocol error: ${message}`);
  }

  #emit(...parts: Buffer[]): void {
    if (this.#destroyed) return;
    for (const p of parts) this.#out.push(p);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(() => this.#flush());
    }
  }

  /** Writes this turn's frames as one buffer. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#destroyed || this.#out.length === 0) return;
    const parts = this.#out;
    this.#out = [];
    this.#socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    if (this.#socket.writableLength > MAX_UNREAD_OUTPUT) {
      this.#socket.destroy();
      this.#gone(`the peer took none of ${this.#socket.writableLength} bytes written`);
    }
  }

  #drained(): void {
    for (const s of [...this.#streams.values()]) this.#maybeDrain(s);
  }

  /** The connection is over: its reason is reported before its streams close (with CANCEL). */
  #gone(reason: string): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#out = [];
    this.#pings.clear();
    this.#o.onClose(reason);
    for (const s of [...this.#streams.values()]) this.#finishStream(s, H2_ERROR.CANCEL);
  }
}
