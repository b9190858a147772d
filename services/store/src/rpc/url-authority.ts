// Accepting clients that send a URL as :authority.
//
// etcdctl 3.4 (grpc-go's passthrough resolver) dials a per-endpoint command
// (`endpoint status`, `endpoint hashkv`, `--cluster`, `defrag`, ...) with the
// endpoint as given, so `--endpoints=http://127.0.0.1:2379` puts
// "http://127.0.0.1:2379" in :authority. Go's HTTP/2 server accepts that;
// nghttp2 (Node's) resets the stream (PROTOCOL_ERROR: '/' is not allowed in
// an authority) and has no option to accept it. So each connection is looked
// at before nghttp2 gets it:
//
// 1. The server's SETTINGS frame is written at once (grpc-go sends nothing
//    before it sees one), and the client's bytes are held until its first
//    header block and its ACK of those SETTINGS have arrived.
// 2. The ACK is removed (nghttp2 did not send those SETTINGS and would call
//    it a protocol error) and the held bytes are put back on the socket.
// 3. When the first request's :authority is not a URL, nghttp2 takes the
//    socket itself, as before (its native reads, nothing in between).
//    Otherwise it gets a stream in front of the socket that rewrites every
//    header block the client sends: each field decoded (HPACK, with the
//    client's dynamic table) and written back as a literal, :authority cut
//    to its host[:port]. Every other frame passes unchanged.
//
// Bounds: a connection that has not decided within SNIFF_TIMEOUT_MS, or has
// sent SNIFF_MAX_BYTES first (a client cannot send more than its flow-control
// window, 64 KiB, before the server's first WINDOW_UPDATE), is closed; a
// frame above MAX_FRAME_BYTES or a header block above MAX_BLOCK_BYTES closes
// a rewritten connection (nghttp2 would refuse them too).

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { HpackDecoder, HpackError, encodeLiteralBlock, type HeaderField } from './hpack.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const FRAME_HEADER_BYTES = 9;
const FRAME = { HEADERS: 0x1, SETTINGS: 0x4, CONTINUATION: 0x9 } as const;
const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;
/** SETTINGS_MAX_FRAME_SIZE's default; the server never raises it. */
const MAX_FRAME_BYTES = 16_384;
const MAX_BLOCK_BYTES = 64 * 1024;
export const SNIFF_TIMEOUT_MS = 10_000;
export const SNIFF_MAX_BYTES = 1024 * 1024;
/** An empty SETTINGS frame: the server's connection preface, all defaults. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, FRAME.SETTINGS, 0, 0, 0, 0, 0]);

/** The host[:port] of an authority written as a URL ("http://h:p", "https://h:p/x"), else undefined. */
export function authorityFromUrl(value: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(value);
  return m === null ? undefined : m[1];
}

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
  /** The whole frame, header included. */
  readonly raw: Buffer;
}

class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** Checks a client's connection preface, then splits what follows into frames. */
class FrameReader {
  #pending: Buffer = Buffer.alloc(0);
  #prefaceLeft = PREFACE.length;

  /** Throws ProtocolError when the bytes are not an HTTP/2 client preface. */
  push(chunk: Buffer): void {
    if (this.#prefaceLeft > 0) {
      const seen = PREFACE.length - this.#prefaceLeft;
      const take = Math.min(this.#prefaceLeft, chunk.length);
      if (!chunk.subarray(0, take).equals(PREFACE.subarray(seen, seen + take))) throw new ProtocolError('not an HTTP/2 client preface');
      this.#prefaceLeft -= take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length > 0) this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
  }

  get prefaceDone(): boolean {
    return this.#prefaceLeft === 0;
  }

  /** The next whole frame, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    const p = this.#pending;
    if (p.length < FRAME_HEADER_BYTES) return undefined;
    const length = p.readUIntBE(0, 3);
    if (length > MAX_FRAME_BYTES) throw new ProtocolError(`frame of ${length} bytes`);
    if (p.length < FRAME_HEADER_BYTES + length) return undefined;
    const raw = p.subarray(0, FRAME_HEADER_BYTES + length);
    this.#pending = p.subarray(raw.length);
    return { type: p[3]!, flags: p[4]!, stream: p.readUInt32BE(5) & 0x7fffffff, payload: raw.subarray(FRAME_HEADER_BYTES), raw };
  }
}

/** A HEADERS frame's header block fragment (padding and priority fields removed). */
function headersFragment(f: Frame): Buffer {
  let p = f.payload;
  let pad = 0;
  if ((f.flags & FLAG.PADDED) !== 0) {
    if (p.length < 1) throw new ProtocolError('padded HEADERS without a pad length');
    pad = p[0]!;
    p = p.subarray(1);
  }
  if ((f.flags & FLAG.PRIORITY) !== 0) p = p.subarray(5);
  if (pad > p.length) throw new ProtocolError('HEADERS padding longer than the frame');
  return p.subarray(0, p.length - pad);
}

/** Collects a header block across HEADERS and CONTINUATION frames. */
class BlockAssembler {
  #first: Frame | undefined;
  #parts: Buffer[] = [];
  #bytes = 0;

  /** Feeds a HEADERS or CONTINUATION frame; returns the block once END_HEADERS is seen. */
  add(f: Frame): { readonly headers: Frame; readonly block: Buffer } | undefined {
    if (f.type === FRAME.HEADERS) {
      if (this.#first !== undefined) throw new ProtocolError('HEADERS inside a header block');
      this.#first = f;
      this.#parts = [headersFragment(f)];
    } else {
      if (this.#first === undefined || f.stream !== this.#first.stream) throw new ProtocolError('CONTINUATION outside a header block');
      this.#parts.push(f.payload);
    }
    this.#bytes += this.#parts.at(-1)!.length;
    if (this.#bytes > MAX_BLOCK_BYTES) throw new ProtocolError('header block too large');
    if ((f.flags & FLAG.END_HEADERS) === 0) return undefined;
    const done = { headers: this.#first, block: Buffer.concat(this.#parts) };
    this.#first = undefined;
    this.#parts = [];
    this.#bytes = 0;
    return done;
  }

  get open(): boolean {
    return this.#first !== undefined;
  }
}

function frameHeader(length: number, type: number, flags: number, stream: number): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUIntBE(length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return h;
}

/** A header block as HEADERS + CONTINUATION frames of at most MAX_FRAME_BYTES. */
function headerFrames(stream: number, endStream: boolean, block: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, first = true; first || at < block.length; first = false) {
    const part = block.subarray(at, at + MAX_FRAME_BYTES);
    at += part.length;
    const last = at >= block.length;
    const flags = (last ? FLAG.END_HEADERS : 0) | (first && endStream ? FLAG.END_STREAM : 0);
    out.push(frameHeader(part.length, first ? FRAME.HEADERS : FRAME.CONTINUATION, flags, stream), Buffer.from(part));
  }
  return out;
}

/** The fields with a URL :authority cut to host[:port]. */
export function repairAuthority(fields: readonly HeaderField[]): HeaderField[] {
  return fields.map(([name, value]) => (name === ':authority' ? [name, authorityFromUrl(value) ?? value] : [name, value]));
}

/**
 * Rewrites the client→server byte stream of one connection: header blocks
 * re-encoded with a repaired :authority, the first SETTINGS ACK dropped,
 * everything else as it came.
 */
export class RequestRewriter {
  readonly #frames = new FrameReader();
  readonly #blocks = new BlockAssembler();
  readonly #decoder = new HpackDecoder();
  #ackDropped = false;

  /** The bytes to hand on for `chunk`; throws on a protocol violation. */
  process(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const hadPreface = this.#frames.prefaceDone;
    this.#frames.push(chunk);
    if (!hadPreface && this.#frames.prefaceDone) out.push(PREFACE);
    for (let f = this.#frames.next(); f !== undefined; f = this.#frames.next()) {
      if (f.type === FRAME.SETTINGS && (f.flags & FLAG.ACK) !== 0 && !this.#ackDropped) {
        this.#ackDropped = true;
        continue;
      }
      if (f.type !== FRAME.HEADERS && f.type !== FRAME.CONTINUATION) {
        if (this.#blocks.open) throw new ProtocolError('frame inside a header block');
        out.push(f.raw);
        continue;
      }
      const done = this.#blocks.add(f);
      if (done === undefined) continue;
      const fields = repairAuthority(this.#decoder.decode(done.block));
      out.push(...headerFrames(done.headers.stream, (done.headers.flags & FLAG.END_STREAM) !== 0, encodeLiteralBlock(fields)));
    }
    return out;
  }
}

/** A Duplex in front of a socket whose client→server bytes go through a RequestRewriter. */
class RewritingStream extends Duplex {
  readonly #socket: Socket;
  readonly #rewriter = new RequestRewriter();
  /** The write or end the HTTP/2 session is waiting on, if any. */
  #pending: ((error?: Error | null) => void) | undefined;
  #failed = false;

  constructor(socket: Socket, held: Buffer) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#feed(chunk));
    socket.on('end', () => this.push(null));
    // A failed socket is not passed on as an error: node's JSStreamSocket
    // relays it to the HTTP/2 session, whose teardown writes once more while
    // the write it already has in flight is unfinished, and node asserts (the
    // process dies). Instead the outstanding write or end is settled first,
    // and this stream closes a turn later, after JSStreamSocket has finished
    // that write (it does so in an immediate queued when the callback runs).
    socket.on('error', () => this.#socketGone());
    socket.on('close', () => this.#socketGone());
    this.#feed(held);
    socket.resume();
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  #socketGone(): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#settle(null);
    setImmediate(() => this.destroy());
  }

  #settle(error: Error | null): void {
    const callback = this.#pending;
    this.#pending = undefined;
    callback?.(error);
  }

  #feed(chunk: Buffer): void {
    let parts: Buffer[];
    try {
      parts = this.#rewriter.process(chunk);
    } catch {
      // Not a request nghttp2 could parse either: the connection ends here.
      this.#socket.destroy();
      return;
    }
    for (const p of parts) this.push(p);
  }

  override _read(): void {
    // Pushed as the socket delivers; the socket's own buffer bounds it.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#failed) {
      callback(null); // the bytes have nowhere to go; the stream closes on its own
      return;
    }
    this.#pending = callback;
    this.#socket.write(chunk, (err) => {
      if (this.#pending === callback) this.#settle(err ?? null);
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#failed) {
      callback(null);
      return;
    }
    this.#pending = callback;
    this.#socket.end(() => {
      if (this.#pending === callback) this.#settle(null);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    this.#settle(null);
    callback(error);
  }
}

export interface Handover {
  /** nghttp2 takes this connection (a socket, or the rewriting stream in front of one). */
  readonly serve: (connection: Duplex) => void;
  readonly report: (what: string, err: unknown) => void;
}

/**
 * Looks at a new connection's first request (see the top of this file) and
 * hands it to `serve`: the socket itself, or a rewriting stream in front of
 * it when the client sent a URL as :authority.
 */
export function acceptConnection(socket: Socket, h: Handover): void {
  const held: Buffer[] = [];
  let heldBytes = 0;
  const frames = new FrameReader();
  const blocks = new BlockAssembler();
  let rewrite: boolean | undefined;
  let acked = false;
  /** Where the client's ACK of our SETTINGS starts in the held bytes (-1: not seen). */
  let ackAt = -1;
  let position = PREFACE.length;
  let done = false;

  const finish = (): void => {
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
    socket.pause();
    const bytes = Buffer.concat(held);
    if (rewrite === true) {
      h.serve(new RewritingStream(socket, bytes));
      return;
    }
    // Everything the client sent, in order, without the ACK of our SETTINGS.
    socket.unshift(ackAt < 0 ? bytes : Buffer.concat([bytes.subarray(0, ackAt), bytes.subarray(ackAt + FRAME_HEADER_BYTES)]));
    h.serve(socket);
  };
  const fail = (why: string): void => {
    done = true;
    clearTimeout(timer);
    h.report('connection', new Error(`closing a client connection: ${why}`));
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    if (done) return;
    held.push(chunk);
    heldBytes += chunk.length;
    if (heldBytes > SNIFF_MAX_BYTES) {
      fail(`${heldBytes} bytes before its first request`);
      return;
    }
    try {
      frames.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      // Not HTTP/2: nghttp2 answers it (with a GOAWAY) as it always did.
      rewrite = false;
      acked = true;
      finish();
      return;
    }
    try {
      for (let f = frames.next(); f !== undefined; f = frames.next()) {
        const at = position;
        position += f.raw.length;
        if (f.type === FRAME.SETTINGS && (f.flags & FLAG.ACK) !== 0 && !acked) {
          acked = true;
          ackAt = at;
        } else if (rewrite === undefined && (f.type === FRAME.HEADERS || f.type === FRAME.CONTINUATION)) {
          const b = blocks.add(f);
          if (b !== undefined) {
            const authority = new HpackDecoder().decode(b.block).find(([name]) => name === ':authority')?.[1];
            rewrite = authority !== undefined && authorityFromUrl(authority) !== undefined;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof ProtocolError || err instanceof HpackError)) throw err;
      // A malformed first request: nghttp2 refuses it as it would have.
      rewrite = false;
    }
    if (rewrite !== undefined && acked) finish();
  };
  const onError = (err: Error): void => {
    if (!done) fail(err.message);
  };
  const onClose = (): void => {
    done = true;
    clearTimeout(timer);
  };
  const timer = setTimeout(() => {
    if (!done) fail(`no request within ${SNIFF_TIMEOUT_MS} ms`);
  }, SNIFF_TIMEOUT_MS);
  timer.unref();
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
  socket.write(EMPTY_SETTINGS);
}
