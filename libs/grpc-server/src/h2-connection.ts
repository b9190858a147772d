// The server side of one HTTP/2 connection (RFC 9113), on a plain or TLS
// socket, for the gRPC server (grpc-server.ts).
//
// Why not node:http2: a scratch probe answering unary gRPC calls from a
// grpc-js client, one at a time, measured the server's CPU per call at
// ~100 µs with node:http2 (a bare 'stream' handler), ~120 µs with this
// server's gRPC layer on top, and ~29 µs for the same frames handled here.
// Node's per-stream JavaScript (a Duplex per stream, header objects,
// 'wantTrailers', nextTick hops) is most of a small request's cost. A gRPC
// server needs a small part of HTTP/2: requests come in, responses go out;
// no push, no priorities, no server-initiated streams.
//
// What is here: the connection preface and SETTINGS exchange (ACKed both
// ways), HEADERS + CONTINUATION decoded with HPACK (hpack.ts, the client's
// dynamic table), DATA with padding, flow control in both directions
// (WINDOW_UPDATE, SETTINGS_INITIAL_WINDOW_SIZE changes), RST_STREAM, PING
// (answered, and sent for keepalive), GOAWAY (received: no new streams; sent
// on a connection error, then the socket closes), PRIORITY ignored, unknown
// frame types ignored. Stream and connection errors follow RFC 9113 §5.4.
// Response headers are written as HPACK literals without indexing, so the
// client's decoder table is never touched.
//
// Bounds, and what happens at each:
// - A frame larger than our SETTINGS_MAX_FRAME_SIZE (16 KiB): connection
//   error FRAME_SIZE_ERROR.
// - A header block above MAX_HEADER_BLOCK_BYTES, or a decoded header list
//   above MAX_HEADER_LIST_BYTES: connection error (the HPACK state cannot be
//   trusted after an undecoded block).
// - A header block in more than MAX_HEADER_FRAMES frames (a CONTINUATION
//   flood): connection error ENHANCE_YOUR_CALM.
// - More than maxConcurrentStreams open streams: the new one is refused
//   (RST_STREAM REFUSED_STREAM), as the SETTINGS we sent announce.
// - Client RST_STREAMs beyond RESETS_PER_SECOND (a token bucket: the "rapid
//   reset" attack opens and cancels streams to make the server work for
//   nothing): connection error ENHANCE_YOUR_CALM.
// - More than maxUnreadOutputBytes written to the socket and not yet taken
//   by the kernel (a client that stops reading while answers, PING or
//   SETTINGS ACKs pile up): the connection is destroyed.
// - Received data is credited back (WINDOW_UPDATE) as it is handed to the
//   stream's reader, which buffers at most one message (the gRPC layer's
//   receive limit): a client can never have more than the windows in flight.
//   A reader that pauses its stream holds the stream's credit back, so it
//   buffers at most one stream window (1 MiB) more before the client waits.
// - Output: frames made in one turn are written to the socket together. A
//   stream's write() returns false once the socket wants draining or more
//   than its high-water mark waits for the peer's flow-control window; the
//   writer waits for onDrain.
// - DATA is written as the writer's own bytes (frames are views of them).
//   A writer that wants its buffer back asks whenSent(): called once the
//   stream is closed and the socket reported every write issued until then
//   done (or failed, when the connection went): no frame of the stream is
//   read again.

import type { Duplex } from 'node:stream';
import { ConnectionError, DEFAULT_WINDOW, F, H2_ERROR, HeaderBlocks, MAX_HEADER_LIST_BYTES, PREFACE, Pings, S, SendFlow, SETTINGS_ACK, T, FrameReader, frameHeader, u32, unpad, windowIncrement, type DecodedHeaderBlock } from './h2-frames.ts';
import { encodeLiteralBlock, type HeaderField } from './hpack.ts';

export { H2_ERROR, MAX_HEADER_BLOCK_BYTES, MAX_HEADER_FRAMES, MAX_HEADER_LIST_BYTES } from './h2-frames.ts';

export const RESETS_PER_SECOND = 1000;
const DEFAULT_MAX_UNREAD_OUTPUT = 64 << 20;
/** What we grant each stream and the connection; credited back in pieces of at least half. */
const STREAM_WINDOW = 1 << 20;
const CONNECTION_WINDOW = 16 << 20;
/**
 * A turn's frames up to this size, or averaging under 2 KiB, are copied into
 * one buffer; larger output (DATA of a big answer) is written without a copy.
 * A 3 MB answer sent in ~40 KB steps as a grpc-js client's window opened
 * cost 5.9 ms of server CPU copied, 2.4 ms written in place (scratch probe;
 * node:http2 before: 2.0 ms).
 */
const COALESCE_BYTES = 16 * 1024;

/** Headers as node:http2 presents them: lower-case names, a repeated field's values joined with ", ". */
export type H2Headers = Record<string, string>;

export interface H2ConnectionOptions {
  /** A new request stream: register its handlers before returning. */
  readonly onStream: (stream: H2Stream, headers: H2Headers) => void;
  /** Protocol errors, socket errors: logged by the caller, never thrown. */
  readonly onError: (what: string, err: unknown) => void;
  /** Announced in SETTINGS_MAX_CONCURRENT_STREAMS; a stream beyond it is refused. */
  readonly maxConcurrentStreams: number;
  /** A stream's bytes waiting for flow-control window before its write() says false. */
  readonly streamHighWaterMarkBytes: number;
  /** Output the client has not read (the socket's backlog) before the connection is dropped. Default 64 MiB. */
  readonly maxUnreadOutputBytes?: number;
}

/** Header fields to send, or a block already encoded by encodeHeaderBlock (for fixed ones). */
export type HeaderBlock = readonly HeaderField[] | Buffer;

/** Encodes fields once, for headers sent unchanged on every response. */
export function encodeHeaderBlock(fields: readonly HeaderField[]): Buffer {
  const b = encodeLiteralBlock(fields);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function encodeBlock(fields: HeaderBlock): Buffer {
  return Buffer.isBuffer(fields) ? fields : encodeHeaderBlock(fields);
}

/** Connection-specific fields a request must not carry (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** One request stream. Events fire at most once each, except data. */
export class H2Stream {
  readonly id: number;
  readonly #conn: H2Connection;
  /** Our send window for this stream (the peer's receive window). */
  sendWindow: number;
  /** Bytes the peer may still send before we credit it. */
  recvWindow = STREAM_WINDOW;
  /** Received bytes not yet credited back. */
  recvUnacked = 0;
  /** The reader asked for no more data: credit is held back until it resumes (pause()). */
  paused = false;
  /** DATA waiting for window, then (when set) the trailers that end the stream. */
  readonly queue: Buffer[] = [];
  queuedBytes = 0;
  trailers: Buffer | undefined;
  headersSent = false;
  /** We sent END_STREAM. */
  localClosed = false;
  /** The peer sent END_STREAM. */
  remoteClosed = false;
  closed = false;
  needDrain = false;
  onData: ((chunk: Buffer) => void) | undefined;
  onEnd: (() => void) | undefined;
  onClose: (() => void) | undefined;
  onDrain: (() => void) | undefined;
  /** whenSent's callback, taken by the connection when the stream closes. */
  onSent: (() => void) | undefined;
  #sentAsked = false;

  constructor(conn: H2Connection, id: number, sendWindow: number) {
    this.#conn = conn;
    this.id = id;
    this.sendWindow = sendWindow;
  }

  /** Response headers (`:status` first); endStream makes them the whole response. */
  respond(fields: HeaderBlock, endStream: boolean): void {
    if (this.closed || this.headersSent) throw new Error(`h2: stream ${this.id} cannot send headers now`);
    this.headersSent = true;
    this.#conn.sendHeaders(this, encodeBlock(fields), endStream);
  }

  /** Queues DATA; false when the writer should wait for onDrain. */
  write(data: Buffer): boolean {
    if (this.closed || this.localClosed || this.trailers !== undefined) return false;
    if (data.byteLength > 0) {
      this.queue.push(data);
      this.queuedBytes += data.byteLength;
      this.#conn.pump(this);
    }
    return this.writable();
  }

  writable(): boolean {
    const ok = !this.closed && this.queuedBytes < this.#conn.streamHighWaterMark && !this.#conn.blocked;
    if (!ok) this.needDrain = true;
    return ok;
  }

  /** Ends the response with trailers, after every queued DATA frame. */
  end(fields: HeaderBlock): void {
    if (this.closed || this.localClosed || this.trailers !== undefined) return;
    if (!this.headersSent) throw new Error(`h2: stream ${this.id} has no response headers`);
    this.trailers = encodeBlock(fields);
    this.#conn.pump(this);
  }

  /**
   * Stops crediting received bytes back: the client can send what its
   * window still allows (at most the stream window, 1 MiB) and then waits.
   * Data keeps arriving through onData until then; the reader buffers it.
   */
  pause(): void {
    this.paused = true;
  }

  /** Credits back what was held while paused. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.#conn.releaseCredit(this);
  }

  /**
   * Calls fn (once) when nothing written to this stream is read any more:
   * the stream is closed and every socket write issued by then has
   * completed or failed. One callback per stream.
   */
  whenSent(fn: () => void): void {
    if (this.#sentAsked) throw new Error(`h2: stream ${this.id} already has a whenSent callback`);
    this.#sentAsked = true;
    if (this.closed) this.#conn.afterWrites(fn);
    else this.onSent = fn;
  }

  /** Abandons the stream (RST_STREAM). */
  reset(code: number): void {
    this.#conn.resetStream(this, code, true);
  }
}

export class H2Connection {
  readonly #socket: Duplex;
  readonly #o: H2ConnectionOptions;
  readonly #blocks = new HeaderBlocks();
  readonly #streams = new Map<number, H2Stream>();
  #prefaceLeft = PREFACE.length;
  readonly #in = new FrameReader();
  #out: Buffer[] = [];
  /** Bytes in #out. */
  #outBytes = 0;
  #flushScheduled = false;
  /** The client's SETTINGS. */
  /** A HEADERS_TABLE_SIZE setting arrived: the next block we send starts with a size update to 0. */
  #tableSizeUpdate = false;
  #recvWindow = CONNECTION_WINDOW;
  #recvUnacked = 0;
  readonly #flow = new SendFlow<H2Stream>();
  /** #emit as a value, made once: the DATA pump runs on every write. */
  readonly #emitFrames = (...parts: Buffer[]): void => this.#emit(...parts);
  #lastStreamId = 0;
  /** Socket writes issued by #flush (numbered from 1), and the highest n with writes 1..n all completed. */
  #writesIssued = 0;
  #writesDone = 0;
  /** Writes that completed before an earlier one (possible only as the socket fails). */
  readonly #doneEarly = new Set<number>();
  /** afterWrites callbacks, in order of the write each waits for. */
  #afterWrites: { readonly seq: number; readonly fn: () => void }[] = [];
  /** A header block in progress: its stream, END_STREAM, and fragments so far. */
  /** Client resets allowed now; refills at RESETS_PER_SECOND. */
  #resetTokens = RESETS_PER_SECOND;
  #resetRefilled = performance.now();
  readonly #pings = new Pings();
  #goingAway = false;
  #destroyed = false;
  readonly streamHighWaterMark: number;
  #onClose: (() => void) | undefined;

  constructor(socket: Duplex, o: H2ConnectionOptions) {
    this.#socket = socket;
    this.#o = o;
    this.streamHighWaterMark = o.streamHighWaterMarkBytes;
    const settings = Buffer.allocUnsafe(18);
    settings.writeUInt16BE(S.MAX_CONCURRENT_STREAMS, 0);
    settings.writeUInt32BE(o.maxConcurrentStreams, 2);
    settings.writeUInt16BE(S.INITIAL_WINDOW_SIZE, 6);
    settings.writeUInt32BE(STREAM_WINDOW, 8);
    settings.writeUInt16BE(S.MAX_HEADER_LIST_SIZE, 12);
    settings.writeUInt32BE(MAX_HEADER_LIST_BYTES, 14);
    this.#emit(frameHeader(settings.length, T.SETTINGS, 0, 0), settings);
    this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, 0), u32(CONNECTION_WINDOW - DEFAULT_WINDOW));
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('drain', () => this.#drained());
    socket.on('error', (err) => this.#o.onError('socket', err));
    socket.on('close', () => this.#closed());
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The socket wants draining (its last write returned false and 'drain' has not come). */
  get blocked(): boolean {
    return this.#socket.writableNeedDrain;
  }

  onClose(fn: () => void): void {
    this.#onClose = fn;
  }

  /** Sends a PING; cb runs when it is answered. */
  ping(cb: () => void): void {
    if (this.#destroyed) return;
    this.#emit(...this.#pings.next(cb));
  }

  /** Closes the socket at once; open streams close. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#socket.destroy();
    this.#closed();
  }

  // ---------------------------------------------------------------- receive

  #receive(chunk: Buffer): void {
    if (this.#destroyed) return;
    if (this.#prefaceLeft > 0) {
      const seen = PREFACE.length - this.#prefaceLeft;
      const take = Math.min(this.#prefaceLeft, chunk.length);
      if (!chunk.subarray(0, take).equals(PREFACE.subarray(seen, seen + take))) {
        this.#o.onError('connection', new Error('not an HTTP/2 client preface'));
        this.destroy();
        return;
      }
      this.#prefaceLeft -= take;
      chunk = chunk.subarray(take);
    }
    // A handler's own bug ends the connection (INTERNAL_ERROR), not the process.
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
      case T.PRIORITY:
        if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'PRIORITY on stream 0');
        if (payload.length !== 5) this.#streamError(id, H2_ERROR.FRAME_SIZE_ERROR);
        return;
      case T.RST_STREAM:
        return this.#onRstStream(id, payload);
      case T.SETTINGS:
        return this.#onSettings(flags, id, payload);
      case T.PUSH_PROMISE:
        throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'PUSH_PROMISE from a client');
      case T.PING:
      {
        const ack = this.#pings.receive(flags, id, payload);
        if (ack !== undefined) this.#emit(...ack);
        return;
      }
      case T.GOAWAY:
        if (id !== 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'GOAWAY on a stream');
        this.#goingAway = true;
        return;
      case T.WINDOW_UPDATE:
        return this.#onWindowUpdate(id, payload);
      default:
        return; // Unknown frame types are ignored (§5.5).
    }
  }

  #onData(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'DATA on stream 0');
    // The whole frame counts against flow control, padding included (§6.1).
    if (payload.length > this.#recvWindow) throw new ConnectionError(H2_ERROR.FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
    this.#recvWindow -= payload.length;
    this.#credit(undefined, payload.length);
    const data = unpad(flags, payload);
    const s = this.#streams.get(id);
    if (s === undefined) {
      if (id > this.#lastStreamId) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'DATA on an idle stream');
      return; // A stream we closed: the client had not seen our RST_STREAM yet (§5.1).
    }
    if (s.remoteClosed) {
      this.resetStream(s, H2_ERROR.STREAM_CLOSED, true);
      return;
    }
    if (payload.length > s.recvWindow) {
      this.resetStream(s, H2_ERROR.FLOW_CONTROL_ERROR, true);
      return;
    }
    s.recvWindow -= payload.length;
    const end = (flags & F.END_STREAM) !== 0;
    if (!end) this.#credit(s, payload.length);
    if (data.length > 0) s.onData?.(data);
    if (end && !s.closed) this.#remoteEnd(s);
  }

  /** Gives back window for consumed bytes once at least half of it is used (fewer WINDOW_UPDATEs). */
  #credit(s: H2Stream | undefined, n: number): void {
    if (n === 0) return;
    if (s === undefined) {
      this.#recvUnacked += n;
      if (this.#recvUnacked >= CONNECTION_WINDOW / 2) {
        this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, 0), u32(this.#recvUnacked));
        this.#recvWindow += this.#recvUnacked;
        this.#recvUnacked = 0;
      }
      return;
    }
    s.recvUnacked += n;
    if (!s.paused) this.releaseCredit(s);
  }

  /** Sends a stream's held-back credit once it is at least half its window. */
  releaseCredit(s: H2Stream): void {
    if (!s.closed && !s.remoteClosed && s.recvUnacked >= STREAM_WINDOW / 2) {
      this.#emit(frameHeader(4, T.WINDOW_UPDATE, 0, s.id), u32(s.recvUnacked));
      s.recvWindow += s.recvUnacked;
      s.recvUnacked = 0;
    }
  }

  #headerBlock(block: DecodedHeaderBlock | undefined): void {
    if (block === undefined) return;
    const { id, endStream, fields } = block;
    const existing = this.#streams.get(id);
    if (existing !== undefined) {
      // Trailers from the client: they must end the stream; gRPC sends none, so their fields are dropped.
      if (existing.remoteClosed || !endStream) {
        this.resetStream(existing, existing.remoteClosed ? H2_ERROR.STREAM_CLOSED : H2_ERROR.PROTOCOL_ERROR, true);
        return;
      }
      this.#remoteEnd(existing);
      return;
    }
    if ((id & 1) === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, `HEADERS opening even stream ${id}`);
    if (id <= this.#lastStreamId) {
      // A closed stream (ours, or one skipped over, §5.1.1); its block was decoded above to keep HPACK in step.
      this.#sendRst(id, H2_ERROR.STREAM_CLOSED);
      return;
    }
    this.#lastStreamId = id;
    if (this.#goingAway) {
      this.#sendRst(id, H2_ERROR.REFUSED_STREAM);
      return;
    }
    if (this.#streams.size >= this.#o.maxConcurrentStreams) {
      this.#sendRst(id, H2_ERROR.REFUSED_STREAM);
      return;
    }
    const headers = requestHeaders(fields);
    if (headers === undefined) {
      this.#sendRst(id, H2_ERROR.PROTOCOL_ERROR);
      return;
    }
    const s = new H2Stream(this, id, this.#flow.initialWindow);
    this.#streams.set(id, s);
    // A request without a body is complete before its handler runs: a response ended inside onStream closes the stream.
    s.remoteClosed = endStream;
    this.#o.onStream(s, headers);
    if (endStream && !s.closed) s.onEnd?.();
  }

  #remoteEnd(s: H2Stream): void {
    s.remoteClosed = true;
    s.onEnd?.();
    if (s.localClosed) this.#finishStream(s);
  }

  #onRstStream(id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
    if (payload.length !== 4) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'RST_STREAM not 4 bytes');
    if (id > this.#lastStreamId) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'RST_STREAM on an idle stream');
    const now = performance.now();
    this.#resetTokens = Math.min(RESETS_PER_SECOND, this.#resetTokens + ((now - this.#resetRefilled) * RESETS_PER_SECOND) / 1000);
    this.#resetRefilled = now;
    if (this.#resetTokens < 1) throw new ConnectionError(H2_ERROR.ENHANCE_YOUR_CALM, `more than ${RESETS_PER_SECOND} stream resets a second`);
    this.#resetTokens--;
    const s = this.#streams.get(id);
    if (s !== undefined) this.resetStream(s, payload.readUInt32BE(0), false);
  }

  #onSettings(flags: number, id: number, payload: Buffer): void {
    // MAX_CONCURRENT_STREAMS (we open none), MAX_HEADER_LIST_SIZE (advisory) and unknown settings are ignored.
    const other = (key: number): void => {
      if (key === S.HEADER_TABLE_SIZE) this.#tableSizeUpdate = true;
    };
    if (this.#flow.receiveSettings(flags, id, payload, () => this.#streams.values(), (s) => this.pump(s), other)) this.#emit(SETTINGS_ACK);
  }

  #onWindowUpdate(id: number, payload: Buffer): void {
    const increment = windowIncrement(payload);
    if (id === 0) {
      for (const s of this.#flow.growConnection(increment)) this.pump(s);
      return;
    }
    if (id > this.#lastStreamId) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'WINDOW_UPDATE on an idle stream');
    const s = this.#streams.get(id);
    if (s === undefined) return; // Closed: allowed (§6.9).
    const error = this.#flow.growStream(s, increment);
    if (error !== undefined) this.resetStream(s, error, true);
    else this.pump(s);
  }

  // ------------------------------------------------------------------- send

  sendHeaders(s: H2Stream, block: Buffer, endStream: boolean): void {
    let rest = block;
    if (this.#tableSizeUpdate) {
      // A size update to 0 is valid under any limit the client set; we never index anything.
      this.#tableSizeUpdate = false;
      rest = Buffer.concat([Buffer.from([0x20]), rest]);
    }
    let type: number = T.HEADERS;
    let flags = endStream ? F.END_STREAM : 0;
    for (;;) {
      const piece = rest.subarray(0, this.#flow.maxFrame);
      rest = rest.subarray(piece.length);
      const last = rest.length === 0;
      this.#emit(frameHeader(piece.length, type, flags | (last ? F.END_HEADERS : 0), s.id), piece);
      if (last) break;
      type = T.CONTINUATION;
      flags = 0;
    }
    if (endStream) this.#localEnd(s);
  }

  /** Sends what the windows allow of s's queue, then its trailers once the queue is empty. */
  pump(s: H2Stream): void {
    if (s.closed) return;
    if (!this.#flow.send(s, this.#emitFrames)) return;
    if (s.trailers !== undefined) {
      const block = s.trailers;
      s.trailers = undefined;
      this.sendHeaders(s, block, true);
      return;
    }
    this.#maybeDrain(s);
  }

  #maybeDrain(s: H2Stream): void {
    if (!s.needDrain || s.closed || this.blocked || s.queuedBytes >= this.streamHighWaterMark) return;
    s.needDrain = false;
    s.onDrain?.();
  }

  #localEnd(s: H2Stream): void {
    s.localClosed = true;
    if (s.remoteClosed) {
      this.#finishStream(s);
      return;
    }
    // The response is complete while the client still sends: tell it to stop (as grpc-go does).
    this.#sendRst(s.id, H2_ERROR.NO_ERROR);
    this.#finishStream(s);
  }

  #finishStream(s: H2Stream): void {
    if (s.closed) return;
    s.closed = true;
    this.#streams.delete(s.id);
    this.#flow.forget(s);
    s.queue.length = 0;
    s.queuedBytes = 0;
    this.#streamSent(s);
    s.onClose?.();
  }

  #streamSent(s: H2Stream): void {
    const fn = s.onSent;
    if (fn === undefined) return;
    s.onSent = undefined;
    this.afterWrites(fn);
  }

  /**
   * Runs fn once every frame made so far is out of our hands: each socket
   * write that carries one has completed, or failed with the connection
   * (frames still waiting in #out are dropped when it closes).
   */
  afterWrites(fn: () => void): void {
    const seq = this.#out.length > 0 ? this.#writesIssued + 1 : this.#writesIssued;
    if (seq <= this.#writesDone) fn();
    else this.#afterWrites.push({ seq, fn });
  }

  /** Socket write `seq` completed (or failed): run what waited for it and every write before it. */
  #written(seq: number): void {
    if (seq !== this.#writesDone + 1) {
      this.#doneEarly.add(seq);
      return;
    }
    this.#writesDone = seq;
    while (this.#doneEarly.delete(this.#writesDone + 1)) this.#writesDone++;
    this.#runAfterWrites(this.#writesDone);
  }

  #runAfterWrites(upTo: number): void {
    const waiting = this.#afterWrites;
    let n = 0;
    while (n < waiting.length && waiting[n]!.seq <= upTo) n++;
    if (n === 0) return;
    const ready = waiting.slice(0, n);
    this.#afterWrites = waiting.slice(n);
    for (const w of ready) w.fn();
  }

  /** Closes s; sends RST_STREAM with `code` when `send` (not when the client reset it). */
  resetStream(s: H2Stream, code: number, send: boolean): void {
    if (s.closed) return;
    if (send) this.#sendRst(s.id, code);
    this.#finishStream(s);
  }

  #sendRst(id: number, code: number): void {
    this.#emit(frameHeader(4, T.RST_STREAM, 0, id), u32(code));
  }

  #streamError(id: number, code: number): void {
    const s = this.#streams.get(id);
    if (s !== undefined) this.resetStream(s, code, true);
    else this.#sendRst(id, code);
  }

  #connectionError(code: number, message: string): void {
    this.#o.onError('connection', new Error(`h2 connection error ${code}: ${message}`));
    const payload = Buffer.allocUnsafe(8);
    payload.writeUInt32BE(this.#lastStreamId, 0);
    payload.writeUInt32BE(code, 4);
    this.#emit(frameHeader(8 + Buffer.byteLength(message), T.GOAWAY, 0, 0), payload, Buffer.from(message, 'latin1'));
    this.#flush();
    this.#socket.end();
    this.#closed();
  }

  /** Queues frame bytes; everything queued in one turn goes out in one socket write. */
  #emit(...parts: Buffer[]): void {
    if (this.#destroyed) return;
    for (const p of parts) {
      this.#out.push(p);
      this.#outBytes += p.length;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#out.length === 0 || this.#socket.destroyed) return;
    const parts = this.#out;
    const bytes = this.#outBytes;
    this.#out = [];
    this.#outBytes = 0;
    const seq = ++this.#writesIssued;
    if (parts.length === 1) {
      this.#socket.write(parts[0]!, () => this.#written(seq));
    } else if (bytes <= COALESCE_BYTES || parts.length * 2048 > bytes) {
      // Small output, or many small frames (a watch batch): one copy, one write.
      this.#socket.write(Buffer.concat(parts), () => this.#written(seq));
    } else {
      // Large DATA: no copy; the corked writes leave as one writev. Write
      // `seq` is done when each of them is (a failing socket may report
      // them in any order).
      let left = parts.length;
      const one = (): void => {
        if (--left === 0) this.#written(seq);
      };
      this.#socket.cork();
      for (const p of parts) this.#socket.write(p, one);
      this.#socket.uncork();
    }
    const unread = this.#socket.writableLength;
    if (unread > (this.#o.maxUnreadOutputBytes ?? DEFAULT_MAX_UNREAD_OUTPUT)) {
      this.#o.onError('connection', new Error(`h2: the client left ${unread} bytes unread; closing the connection`));
      this.destroy();
    }
  }

  #drained(): void {
    for (const s of [...this.#streams.values()]) this.#maybeDrain(s);
  }

  #closed(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#out = [];
    this.#outBytes = 0;
    const open = [...this.#streams.values()];
    this.#streams.clear();
    this.#flow.clear();
    for (const s of open) {
      if (s.closed) continue;
      s.closed = true;
      this.#streamSent(s);
      s.onClose?.();
    }
    // What waited for frames that never reached the socket (#out, dropped
    // above) runs now; writes issued still report back, failed if the
    // socket was destroyed under them.
    const issued = this.#writesIssued;
    const unissued = this.#afterWrites.filter((w) => w.seq > issued);
    this.#afterWrites = this.#afterWrites.filter((w) => w.seq <= issued);
    for (const w of unissued) w.fn();
    this.#onClose?.();
  }
}

/**
 * A request's header list as an object, or undefined when it is malformed
 * (§8.3: pseudo-fields first, only the request ones, :method and :path
 * present, lower-case names, no connection-specific fields).
 */
function requestHeaders(fields: readonly HeaderField[]): H2Headers | undefined {
  const h: H2Headers = {};
  let regular = false;
  for (const [name, value] of fields) {
    if (name.startsWith(':')) {
      if (regular || h[name] !== undefined) return undefined;
      if (name !== ':method' && name !== ':path' && name !== ':scheme' && name !== ':authority') return undefined;
      h[name] = value;
      continue;
    }
    regular = true;
    if (name !== name.toLowerCase() || CONNECTION_SPECIFIC.has(name) || (name === 'te' && value !== 'trailers')) return undefined;
    const prior = h[name];
    h[name] = prior === undefined ? value : `${prior}, ${value}`;
  }
  if (h[':method'] === undefined || h[':path'] === undefined || h[':path'] === '') return undefined;
  return h;
}
