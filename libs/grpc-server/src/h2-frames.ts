// HTTP/2 (RFC 9113) frame constants and helpers shared by the server
// (h2-connection.ts) and the client (h2-client.ts).

import { HpackDecoder, HpackError, type HeaderField } from './hpack.ts';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER = 9;
export const T = { DATA: 0x0, HEADERS: 0x1, PRIORITY: 0x2, RST_STREAM: 0x3, SETTINGS: 0x4, PUSH_PROMISE: 0x5, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8, CONTINUATION: 0x9 } as const;
export const F = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;
export const S = { HEADER_TABLE_SIZE: 0x1, ENABLE_PUSH: 0x2, MAX_CONCURRENT_STREAMS: 0x3, INITIAL_WINDOW_SIZE: 0x4, MAX_FRAME_SIZE: 0x5, MAX_HEADER_LIST_SIZE: 0x6 } as const;

/** HTTP/2 error codes (RFC 9113 §7). */
export const H2_ERROR = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  ENHANCE_YOUR_CALM: 0xb,
} as const;

/** Our SETTINGS_MAX_FRAME_SIZE: the protocol's default, never raised. */
export const MAX_FRAME_BYTES = 16_384;
export const MAX_WINDOW = 2 ** 31 - 1;
export const DEFAULT_WINDOW = 65_535;

/** A connection error (§5.4.1): the connection ends with a GOAWAY carrying `code`. */
export class ConnectionError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export function frameHeader(length: number, type: number, flags: number, stream: number): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER);
  h[0] = (length >>> 16) & 0xff;
  h[1] = (length >>> 8) & 0xff;
  h[2] = length & 0xff;
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return h;
}

export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
}

export type FrameHandler = (type: number, flags: number, id: number, payload: Buffer) => void;

/**
 * Hands each whole frame at the front of `buf` to onFrame while `live()`,
 * and returns what is left (the start of an unfinished frame). A frame over
 * MAX_FRAME_BYTES (our SETTINGS_MAX_FRAME_SIZE) is a connection error.
 */
function splitFrames(buf: Buffer, live: () => boolean, onFrame: FrameHandler): Buffer {
  while (buf.length >= FRAME_HEADER && live()) {
    const length = (buf[0]! << 16) | (buf[1]! << 8) | buf[2]!;
    if (length > MAX_FRAME_BYTES) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, `frame of ${length} bytes`);
    if (buf.length < FRAME_HEADER + length) break;
    const payload = buf.subarray(FRAME_HEADER, FRAME_HEADER + length);
    const type = buf[3]!;
    const flags = buf[4]!;
    const id = buf.readUInt32BE(5) & 0x7fffffff;
    buf = buf.subarray(FRAME_HEADER + length);
    onFrame(type, flags, id, payload);
  }
  return buf;
}

const NO_BYTES = Buffer.alloc(0);

export const SETTINGS_ACK = frameHeader(0, T.SETTINGS, F.ACK, 0);

/**
 * One connection's incoming bytes, cut into frames: the start of an
 * unfinished frame waits for the next chunk. What a frame's handling throws
 * ends the chunk: a ConnectionError is returned as is, anything else (a bug
 * on our side) as INTERNAL_ERROR; the caller closes the connection with it.
 */
export class FrameReader {
  #in: Buffer = NO_BYTES;

  push(chunk: Buffer, live: () => boolean, onFrame: FrameHandler): ConnectionError | undefined {
    try {
      const rest = splitFrames(this.#in.length === 0 ? chunk : Buffer.concat([this.#in, chunk]), live, onFrame);
      this.#in = rest.length === 0 ? NO_BYTES : rest;
      return undefined;
    } catch (err) {
      if (err instanceof ConnectionError) return err;
      return new ConnectionError(H2_ERROR.INTERNAL_ERROR, `internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Strips padding (PADDED flag); the pad length must leave room for it. */
export function unpad(flags: number, payload: Buffer): Buffer {
  if ((flags & F.PADDED) === 0) return payload;
  if (payload.length < 1 || payload[0]! >= payload.length) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'padding exceeds the frame');
  return payload.subarray(1, payload.length - payload[0]!);
}

/** A WINDOW_UPDATE's increment (0 is left to the caller: a stream or a connection error). */
export function windowIncrement(payload: Buffer): number {
  if (payload.length !== 4) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'WINDOW_UPDATE not 4 bytes');
  return payload.readUInt32BE(0) & 0x7fffffff;
}

/** Our PINGs and their callbacks, and the answer to the peer's. */
export class Pings {
  #pending: { data: Buffer; cb: () => void }[] = [];
  #seq = 0;

  /** A PING frame to send; cb runs when its ACK comes. */
  next(cb: () => void): Buffer[] {
    const data = Buffer.alloc(8);
    data.writeUInt32BE(++this.#seq >>> 0, 4);
    this.#pending.push({ data, cb });
    return [frameHeader(8, T.PING, 0, 0), data];
  }

  /** A received PING: the ACK frame to send for the peer's, or undefined after running our own's callback. */
  receive(flags: number, id: number, payload: Buffer): Buffer[] | undefined {
    if (id !== 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'PING on a stream');
    if (payload.length !== 8) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'PING not 8 bytes');
    if ((flags & F.ACK) === 0) return [frameHeader(8, T.PING, F.ACK, 0), Buffer.from(payload)];
    const i = this.#pending.findIndex((p) => p.data.equals(payload));
    if (i >= 0) this.#pending.splice(i, 1)[0]!.cb();
    return undefined;
  }

  clear(): void {
    this.#pending = [];
  }
}

export const MAX_HEADER_BLOCK_BYTES = 64 * 1024;
export const MAX_HEADER_LIST_BYTES = 64 * 1024;
export const MAX_HEADER_FRAMES = 64;

/** A whole header block: its stream, whether its HEADERS frame ended the stream, and its fields. */
export interface DecodedHeaderBlock {
  readonly id: number;
  readonly endStream: boolean;
  readonly fields: HeaderField[];
}

/**
 * Assembles HEADERS + CONTINUATION into decoded header blocks, for either
 * side of a connection (one HPACK decoder per connection). Bounds: a block
 * above MAX_HEADER_BLOCK_BYTES or in more than MAX_HEADER_FRAMES frames, a
 * decoded list above MAX_HEADER_LIST_BYTES, and any other frame arriving
 * inside a block are connection errors.
 */
export class HeaderBlocks {
  readonly #decoder = new HpackDecoder(4096, MAX_HEADER_LIST_BYTES);
  #block: { id: number; endStream: boolean; parts: Buffer[]; bytes: number } | undefined;

  /** Called for every frame before it is handled: only a CONTINUATION of the open block may come now. */
  check(type: number, id: number): void {
    if (this.#block !== undefined && (type !== T.CONTINUATION || id !== this.#block.id)) {
      throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'a header block was interrupted');
    }
  }

  /** A HEADERS frame: the block when it is whole, undefined while CONTINUATIONs are to come. */
  headers(flags: number, id: number, payload: Buffer): DecodedHeaderBlock | undefined {
    if (id === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'HEADERS on stream 0');
    let fragment = unpad(flags, payload);
    if ((flags & F.PRIORITY) !== 0) {
      if (fragment.length < 5) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'HEADERS too short for its priority');
      if ((fragment.readUInt32BE(0) & 0x7fffffff) === id) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'a stream depending on itself');
      fragment = fragment.subarray(5);
    }
    this.#block = { id, endStream: (flags & F.END_STREAM) !== 0, parts: [], bytes: 0 };
    return this.#add(fragment, (flags & F.END_HEADERS) !== 0);
  }

  /** A CONTINUATION frame (check() made sure it continues the open block, if any). */
  continuation(flags: number, payload: Buffer): DecodedHeaderBlock | undefined {
    if (this.#block === undefined) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'CONTINUATION without HEADERS');
    return this.#add(payload, (flags & F.END_HEADERS) !== 0);
  }

  #add(fragment: Buffer, last: boolean): DecodedHeaderBlock | undefined {
    const b = this.#block!;
    b.bytes += fragment.length;
    if (b.bytes > MAX_HEADER_BLOCK_BYTES) throw new ConnectionError(H2_ERROR.ENHANCE_YOUR_CALM, `a header block above ${MAX_HEADER_BLOCK_BYTES} bytes`);
    if (b.parts.length >= MAX_HEADER_FRAMES) throw new ConnectionError(H2_ERROR.ENHANCE_YOUR_CALM, `a header block in more than ${MAX_HEADER_FRAMES} frames`);
    b.parts.push(fragment);
    if (!last) return undefined;
    this.#block = undefined;
    try {
      return { id: b.id, endStream: b.endStream, fields: this.#decoder.decode(b.parts.length === 1 ? b.parts[0]! : Buffer.concat(b.parts)) };
    } catch (err) {
      if (err instanceof HpackError) throw new ConnectionError(H2_ERROR.COMPRESSION_ERROR, `header block: ${err.message}`);
      throw err;
    }
  }
}

/** A stream's outgoing side, as SendFlow sees it. */
export interface OutStream {
  readonly id: number;
  /** The peer's receive window for this stream. */
  sendWindow: number;
  /** DATA waiting for window. */
  readonly queue: Buffer[];
  queuedBytes: number;
}

/**
 * Our sending side's flow control (§6.9), for either side of a connection:
 * the connection window, the peer's initial stream window and frame size,
 * and the streams waiting for connection window.
 */
export class SendFlow<S extends OutStream> {
  #window = DEFAULT_WINDOW;
  initialWindow = DEFAULT_WINDOW;
  maxFrame = MAX_FRAME_BYTES;
  readonly #waiting = new Set<S>();

  /** Emits DATA (without END_STREAM) for as much of s's queue as the windows allow; true once the queue is empty. */
  send(s: S, emit: (...parts: Buffer[]) => void): boolean {
    while (s.queue.length > 0) {
      const room = Math.min(s.sendWindow, this.#window, this.maxFrame);
      if (room <= 0) {
        if (this.#window <= 0) this.#waiting.add(s);
        return false;
      }
      const head = s.queue[0]!;
      const piece = head.length <= room ? head : head.subarray(0, room);
      if (piece === head) s.queue.shift();
      else s.queue[0] = head.subarray(room);
      s.queuedBytes -= piece.length;
      s.sendWindow -= piece.length;
      this.#window -= piece.length;
      emit(frameHeader(piece.length, T.DATA, 0, s.id), piece);
    }
    return true;
  }

  /** A WINDOW_UPDATE on stream 0: the streams that waited for it, to send again. */
  growConnection(increment: number): S[] {
    if (increment === 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
    this.#window += increment;
    if (this.#window > MAX_WINDOW) throw new ConnectionError(H2_ERROR.FLOW_CONTROL_ERROR, 'the connection window above 2^31-1');
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    return waiting;
  }

  /** A WINDOW_UPDATE on s: undefined, or the code to reset s with (a stream error, §6.9). */
  growStream(s: S, increment: number): number | undefined {
    if (increment === 0) return H2_ERROR.PROTOCOL_ERROR;
    s.sendWindow += increment;
    return s.sendWindow > MAX_WINDOW ? H2_ERROR.FLOW_CONTROL_ERROR : undefined;
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE: moves every open stream's window by the change; true when they grew (send again). */
  setInitialWindow(value: number, streams: Iterable<S>): boolean {
    if (value > MAX_WINDOW) throw new ConnectionError(H2_ERROR.FLOW_CONTROL_ERROR, 'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1');
    const delta = value - this.initialWindow;
    this.initialWindow = value;
    for (const s of streams) {
      s.sendWindow += delta;
      if (s.sendWindow > MAX_WINDOW) throw new ConnectionError(H2_ERROR.FLOW_CONTROL_ERROR, 'a stream window above 2^31-1');
    }
    return delta > 0;
  }

  /**
   * The peer's SETTINGS frame (§6.5), checked; its window and frame size
   * apply here, and `pump` gets every stream once the initial window grew.
   * Every other setting goes to `other`. Returns whether the frame must be
   * acknowledged (not an ACK itself).
   */
  receiveSettings(flags: number, id: number, payload: Buffer, streams: () => Iterable<S>, pump: (s: S) => void, other?: (key: number, value: number) => void): boolean {
    if (id !== 0) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if ((flags & F.ACK) !== 0) {
      if (payload.length !== 0) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
      return false;
    }
    if (payload.length % 6 !== 0) throw new ConnectionError(H2_ERROR.FRAME_SIZE_ERROR, 'SETTINGS not a multiple of 6 bytes');
    for (let at = 0; at < payload.length; at += 6) {
      const key = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (key === S.INITIAL_WINDOW_SIZE) {
        if (this.setInitialWindow(value, streams())) for (const s of [...streams()]) pump(s);
      } else if (key === S.MAX_FRAME_SIZE) {
        this.setMaxFrame(value);
      } else if (key === S.ENABLE_PUSH && value > 1) {
        throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'SETTINGS_ENABLE_PUSH above 1');
      } else {
        other?.(key, value);
      }
    }
    return true;
  }

  /** SETTINGS_MAX_FRAME_SIZE. */
  setMaxFrame(value: number): void {
    if (value < MAX_FRAME_BYTES || value > 0xffffff) throw new ConnectionError(H2_ERROR.PROTOCOL_ERROR, 'SETTINGS_MAX_FRAME_SIZE out of range');
    this.maxFrame = value;
  }

  /** s is closed: it waits no more. */
  forget(s: S): void {
    this.#waiting.delete(s);
  }

  clear(): void {
    this.#waiting.clear();
  }
}
