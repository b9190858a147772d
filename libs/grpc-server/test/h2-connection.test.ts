// The hand-written HTTP/2 server connection (h2-connection.ts) as a client
// sees it: against Node's HTTP/2 client, and against raw frames written by
// hand for what a well-behaved client would never send.

import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { H2Connection, MAX_HEADER_FRAMES, RESETS_PER_SECOND, type H2Headers, type H2Stream } from '../src/h2-connection.ts';
import { HpackDecoder, encodeLiteralBlock, type HeaderField } from '../src/hpack.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const T = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7, WINDOW_UPDATE: 0x8, CONTINUATION: 0x9 } as const;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const OPTS = { timeout: 2000 };

// ------------------------------------------------------------------ frames

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly id: number;
  readonly payload: Buffer;
}

function frame(type: number, flags: number, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(id, 5);
  return Buffer.concat([h, payload]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function settings(pairs: readonly [number, number][]): Buffer {
  const p = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([k, v], i) => {
    p.writeUInt16BE(k, i * 6);
    p.writeUInt32BE(v, i * 6 + 2);
  });
  return frame(T.SETTINGS, 0, 0, p);
}

function settingsOf(f: Frame): Map<number, number> {
  const m = new Map<number, number>();
  for (let at = 0; at + 6 <= f.payload.length; at += 6) m.set(f.payload.readUInt16BE(at), f.payload.readUInt32BE(at + 2));
  return m;
}

const block = (fields: readonly HeaderField[]): Buffer => Buffer.from(encodeLiteralBlock(fields));
const request = (path: string, extra: readonly HeaderField[] = []): HeaderField[] => [[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', '127.0.0.1'], ...extra];
const headersFrame = (id: number, fields: readonly HeaderField[], endStream = true): Buffer => frame(T.HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), id, block(fields));
const errorCode = (f: Frame): number => (f.type === T.GOAWAY ? f.payload.readUInt32BE(4) : f.payload.readUInt32BE(0));
const describeFrames = (fs: readonly Frame[]): string => fs.map((f) => `t${f.type}/f${f.flags}/s${f.id}/${f.payload.length}`).join(' ');

/** A client writing frames by hand and reading every frame the server sends. */
class RawClient {
  readonly socket: Socket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<void>;
  /** The HPACK decoder for the server's header blocks. */
  readonly decoder = new HpackDecoder();
  #buf = Buffer.alloc(0);
  #cursor = 0;
  #wake: (() => void) | undefined;
  #pingSeq = 0;
  isClosed = false;

  constructor(port: number, first: Buffer = Buffer.concat([PREFACE, settings([])])) {
    this.socket = netConnect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 9) {
        const length = this.#buf.readUIntBE(0, 3);
        if (this.#buf.length < 9 + length) break;
        this.frames.push({ type: this.#buf[3]!, flags: this.#buf[4]!, id: this.#buf.readUInt32BE(5) & 0x7fffffff, payload: this.#buf.subarray(9, 9 + length) });
        this.#buf = this.#buf.subarray(9 + length);
      }
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => {
      this.isClosed = true;
      this.#wake?.();
      resolve();
    }));
    this.socket.write(first);
  }

  send(...bufs: Buffer[]): void {
    this.socket.write(Buffer.concat(bufs));
  }

  /** The next frame (after the last one waited for) matching pred. */
  async waitFor(pred: (f: Frame) => boolean, what: string, ms = 1500): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = this.#cursor; i < this.frames.length; i++) {
        if (pred(this.frames[i]!)) {
          this.#cursor = i + 1;
          return this.frames[i]!;
        }
      }
      if (this.isClosed || Date.now() >= deadline) assert.fail(`no ${what}${this.isClosed ? ' (socket closed)' : ''}; got ${describeFrames(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** A PING round trip: every frame the server made before handling it has arrived. */
  async barrier(): Promise<Frame> {
    const data = Buffer.alloc(8);
    data.writeUInt32BE(0xb0000000 + ++this.#pingSeq, 4);
    this.send(frame(T.PING, 0, 0, data));
    return this.waitFor((f) => f.type === T.PING && (f.flags & ACK) !== 0 && f.payload.equals(data), 'PING ACK');
  }

  decode(f: Frame): Map<string, string> {
    return new Map(this.decoder.decode(f.payload));
  }

  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }
}

// ------------------------------------------------------------------ server

interface Harness {
  readonly port: number;
  readonly conns: H2Connection[];
  readonly errors: string[];
  readonly opened: { stream: H2Stream; headers: H2Headers }[];
  close(): Promise<void>;
}

async function serve(onStream: (s: H2Stream, h: H2Headers) => void, o: { maxConcurrentStreams?: number; hwm?: number; maxUnreadOutputBytes?: number } = {}): Promise<Harness> {
  const conns: H2Connection[] = [];
  const errors: string[] = [];
  const opened: { stream: H2Stream; headers: H2Headers }[] = [];
  const server = createNetServer((socket) => {
    conns.push(new H2Connection(socket, {
      onStream: (stream, headers) => {
        opened.push({ stream, headers });
        onStream(stream, headers);
      },
      onError: (what, err) => errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`),
      maxConcurrentStreams: o.maxConcurrentStreams ?? 100,
      streamHighWaterMarkBytes: o.hwm ?? 64 * 1024,
      ...(o.maxUnreadOutputBytes !== undefined ? { maxUnreadOutputBytes: o.maxUnreadOutputBytes } : {}),
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    conns,
    errors,
    opened,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers once the request has ended: 200, `body`, trailer x-trailer: v. */
function answerOnEnd(body: (req: Buffer) => Buffer): (s: H2Stream) => void {
  return (s) => {
    const parts: Buffer[] = [];
    s.onData = (c) => parts.push(Buffer.from(c));
    s.onEnd = () => {
      s.respond([[':status', '200'], ['content-type', 'application/x-test']], false);
      s.write(body(Buffer.concat(parts)));
      s.end([['x-trailer', 'v']]);
    };
  };
}

function pattern(n: number): Buffer {
  return Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) % 251));
}

async function http2Client(port: number, options: http2.ClientSessionOptions = {}): Promise<http2.ClientHttp2Session> {
  const client = http2.connect(`http://127.0.0.1:${port}`, options);
  client.on('error', () => {});
  try {
    await within(new Promise<void>((resolve, reject) => {
      client.once('remoteSettings', () => resolve());
      client.once('error', reject);
    }), 'remote SETTINGS');
  } catch (err) {
    client.destroy();
    throw err;
  }
  return client;
}

/** A request through Node's client: response headers, body, trailers. */
function exchange(client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body: Buffer): Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer; trailers: http2.IncomingHttpHeaders | undefined }> {
  return within(new Promise((resolve, reject) => {
    const req = client.request(headers);
    let response: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    const parts: Buffer[] = [];
    req.on('response', (h) => {
      response = h;
    });
    req.on('trailers', (t: http2.IncomingHttpHeaders) => {
      trailers = t;
    });
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve({ headers: response, body: Buffer.concat(parts), trailers }));
    req.on('error', reject);
    req.end(body);
  }), 'the response');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** p, or a failure after ms: a test that fails still reaches its teardown. */
async function within<V>(p: Promise<V>, what: string, ms = 1500): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------- tests

describe('HTTP/2 server connection', () => {
  it('answers a node:http2 request with headers, body and trailers; request headers lower-case, repeats joined', OPTS, async () => {
    const h = await serve(answerOnEnd((req) => Buffer.concat([Buffer.from('echo:'), req])));
    const client = await http2Client(h.port);
    try {
      const res = await exchange(client, { ':method': 'POST', ':path': '/t.S/Echo', 'X-Mixed-Case': 'Value', 'x-dup': ['a', 'b', 'c'], 'content-type': 'application/grpc' }, Buffer.from('hello'));
      assert.equal(res.headers[':status'], 200);
      assert.equal(res.headers['content-type'], 'application/x-test');
      assert.equal(res.body.toString(), 'echo:hello');
      assert.equal(res.trailers?.['x-trailer'], 'v');
      assert.equal(h.opened.length, 1);
      const got = h.opened[0]!.headers;
      assert.equal(got[':method'], 'POST');
      assert.equal(got[':path'], '/t.S/Echo');
      assert.equal(got[':authority'], `127.0.0.1:${h.port}`);
      assert.equal(got['x-mixed-case'], 'Value');
      assert.equal(got['X-Mixed-Case'], undefined);
      assert.equal(got['x-dup'], 'a, b, c');
      for (const name of Object.keys(got)) assert.equal(name, name.toLowerCase());
      // A second request on the same connection works too.
      const again = await exchange(client, { ':method': 'POST', ':path': '/again' }, Buffer.alloc(0));
      assert.equal(again.body.toString(), 'echo:');
    } finally {
      client.close();
      await h.close();
    }
  });

  it('accepts a URL as :authority (as grpc-go sends it)', OPTS, async () => {
    const h = await serve((s) => s.respond([[':status', '200']], true));
    const c = new RawClient(h.port);
    try {
      c.send(headersFrame(1, [[':method', 'POST'], [':scheme', 'http'], [':path', '/etcdserverpb.KV/Range'], [':authority', 'http://127.0.0.1:2379'], ['content-type', 'application/grpc']]));
      const res = await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response HEADERS');
      assert.equal(c.decode(res).get(':status'), '200');
      assert.equal(res.flags & END_STREAM, END_STREAM);
      assert.equal(h.opened[0]?.headers[':authority'], 'http://127.0.0.1:2379');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('sends 200 KiB intact through a 1000-byte initial window (node:http2 client)', OPTS, async () => {
    const payload = pattern(200 * 1024);
    const h = await serve(answerOnEnd(() => payload));
    const client = await http2Client(h.port, { settings: { initialWindowSize: 1000 } });
    try {
      const res = await exchange(client, { ':method': 'POST', ':path': '/big' }, Buffer.alloc(0));
      assert.equal(res.body.length, payload.length);
      assert.ok(res.body.equals(payload), 'bytes differ');
      assert.equal(res.trailers?.['x-trailer'], 'v');
    } finally {
      client.close();
      await h.close();
    }
  });

  /** A response of `bytes` to a raw client whose initial stream window is 1000: once 1000 bytes came, the rest waits. */
  async function heldResponse(bytes: number): Promise<{ h: Harness; c: RawClient; payload: Buffer; received: () => Buffer }> {
    const payload = pattern(bytes);
    const h = await serve(answerOnEnd(() => payload));
    return { h, payload, ...(await askHeld(h, '/big')) };
  }

  /** A raw client (stream window 1000) asks h for `path`; returns once the first 1000 bytes of the answer came. */
  async function askHeld(h: Harness, path: string): Promise<{ c: RawClient; received: () => Buffer }> {
    const c = new RawClient(h.port, Buffer.concat([PREFACE, settings([[0x4, 1000]])]));
    const received = (): Buffer => Buffer.concat(c.frames.filter((f) => f.type === T.DATA && f.id === 1).map((f) => f.payload));
    c.send(headersFrame(1, request(path)));
    await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response HEADERS');
    await sleep(100);
    await c.barrier();
    assert.equal(received().length, 1000, 'stream window of 1000');
    return { c, received };
  }

  it('never sends DATA beyond the stream or connection window until WINDOW_UPDATE arrives (raw frames)', OPTS, async () => {
    const { h, c, payload, received } = await heldResponse(200 * 1024);
    try {
      // The stream window opens wide: the connection's default 65535 is the limit now.
      c.send(frame(T.WINDOW_UPDATE, 0, 1, u32(1 << 20)));
      await sleep(100);
      await c.barrier();
      assert.equal(received().length, 65_535, 'connection window of 65535');
      c.send(frame(T.WINDOW_UPDATE, 0, 0, u32(1 << 20)));
      const trailers = await c.waitFor((f) => f.type === T.HEADERS && f.id === 1 && (f.flags & END_STREAM) !== 0, 'trailers');
      assert.equal(c.decode(trailers).get('x-trailer'), 'v');
      assert.ok(received().equals(payload), 'bytes differ');
      for (const f of c.frames) if (f.type === T.DATA) assert.ok(f.payload.length <= 16_384, `DATA of ${f.payload.length}`);
    } finally {
      await c.close();
      await h.close();
    }
  });

  /**
   * A raw client (stream window 1000) asks for `bytes`; the server writes a
   * buffer it lends (whenSent), and overwrites it with 0xee when given it
   * back, so a buffer given back while still being sent reaches the client
   * corrupted.
   */
  async function lentResponse(bytes: number): Promise<{ h: Harness; c: RawClient; payload: Buffer; received: () => Buffer; sent: () => number }> {
    const payload = pattern(bytes);
    let sent = 0;
    const h = await serve((s) => {
      s.onEnd = () => {
        const lent = Buffer.from(payload);
        s.respond([[':status', '200']], false);
        s.write(lent);
        s.whenSent(() => {
          sent++;
          lent.fill(0xee);
        });
        s.end([['x-trailer', 'v']]);
      };
    });
    return { h, payload, ...(await askHeld(h, '/lent')), sent: () => sent };
  }

  it('whenSent: the writer gets its buffer back only after the last frame of it left, once', OPTS, async () => {
    const { h, c, payload, received, sent } = await lentResponse(200 * 1024);
    try {
      assert.equal(sent(), 0, 'given back while most of it waits for window');
      c.send(frame(T.WINDOW_UPDATE, 0, 1, u32(1 << 20)), frame(T.WINDOW_UPDATE, 0, 0, u32(1 << 20)));
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 1 && (f.flags & END_STREAM) !== 0, 'trailers');
      for (let i = 0; i < 50 && sent() === 0; i++) await sleep(10);
      assert.equal(sent(), 1);
      assert.ok(received().equals(payload), 'the client got bytes overwritten after whenSent');
      assert.throws(() => h.opened[0]!.stream.whenSent(() => {}), /already has a whenSent callback/);
    } finally {
      await c.close();
      await h.close();
    }
    assert.equal(sent(), 1);
  });

  it('whenSent on a stream already closed: called once the writes issued before completed', OPTS, async () => {
    const h = await serve(answerOnEnd(() => pattern(50_000)));
    const client = await http2Client(h.port);
    try {
      await exchange(client, { ':method': 'POST', ':path': '/done' }, Buffer.alloc(0));
      const s = h.opened[0]!.stream;
      assert.equal(s.closed, true);
      let sent = 0;
      s.whenSent(() => sent++);
      for (let i = 0; i < 50 && sent === 0; i++) await sleep(10);
      assert.equal(sent, 1);
    } finally {
      client.close();
      await h.close();
    }
  });

  it('whenSent: called when the client resets the stream or goes away with the answer still waiting for window', OPTS, async () => {
    const reset = await lentResponse(100 * 1024);
    try {
      reset.c.send(frame(T.RST_STREAM, 0, 1, u32(8)));
      await reset.c.barrier();
      for (let i = 0; i < 50 && reset.sent() === 0; i++) await sleep(10);
      assert.equal(reset.sent(), 1);
    } finally {
      await reset.c.close();
      await reset.h.close();
    }
    const gone = await lentResponse(100 * 1024);
    try {
      await gone.c.close();
      for (let i = 0; i < 100 && gone.sent() === 0; i++) await sleep(10);
      assert.equal(gone.sent(), 1);
    } finally {
      await gone.h.close();
    }
    assert.equal(gone.sent(), 1);
  });

  it('a later SETTINGS that raises the initial window sends the DATA waiting for it (§6.9.2)', OPTS, async () => {
    const { h, c, payload, received } = await heldResponse(40 * 1024);
    try {
      // No WINDOW_UPDATE: only the new initial window (64 KiB) opens the stream.
      c.send(settings([[0x4, 64 * 1024]]));
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 1 && (f.flags & END_STREAM) !== 0, 'trailers');
      assert.ok(received().equals(payload), 'bytes differ');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it("answers a client PING with the same bytes; ping(cb) runs cb on the client's ACK", OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    let client: http2.ClientHttp2Session | undefined;
    try {
      const data = Buffer.from('01234567');
      c.send(frame(T.PING, 0, 0, data));
      const ack = await c.waitFor((f) => f.type === T.PING, 'PING ACK');
      assert.equal(ack.flags, ACK);
      assert.equal(ack.id, 0);
      assert.ok(ack.payload.equals(data));
      // Server ping against the raw client: cb waits for an ACK carrying the same bytes.
      await c.barrier();
      let acked = 0;
      h.conns[0]!.ping(() => acked++);
      const ping = await c.waitFor((f) => f.type === T.PING && (f.flags & ACK) === 0, 'server PING');
      c.send(frame(T.PING, ACK, 0, Buffer.from('wrongwrg')));
      await c.barrier();
      assert.equal(acked, 0, 'cb ran on an ACK with other bytes');
      c.send(frame(T.PING, ACK, 0, ping.payload));
      await c.barrier();
      assert.equal(acked, 1);
      // And against node:http2, which answers by itself.
      client = await http2Client(h.port);
      await within(new Promise<void>((resolve) => h.conns[1]!.ping(resolve)), 'ping callback');
    } finally {
      client?.close();
      await c.close();
      await h.close();
    }
  });

  it('decodes a header block split over HEADERS + CONTINUATION', OPTS, async () => {
    const h = await serve((s) => s.respond([[':status', '200']], true));
    const c = new RawClient(h.port);
    try {
      const b = block(request('/split', [['x-long', 'z'.repeat(300)]]));
      c.send(frame(T.HEADERS, END_STREAM, 1, b.subarray(0, 10)), frame(T.CONTINUATION, 0, 1, b.subarray(10, 200)), frame(T.CONTINUATION, END_HEADERS, 1, b.subarray(200)));
      const res = await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response HEADERS');
      assert.equal(c.decode(res).get(':status'), '200');
      assert.equal(h.opened[0]?.headers[':path'], '/split');
      assert.equal(h.opened[0]?.headers['x-long'], 'z'.repeat(300));
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('a HEADERS interrupted before its CONTINUATION is a connection error PROTOCOL_ERROR', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    try {
      const b = block(request('/cut'));
      c.send(frame(T.HEADERS, END_STREAM, 1, b.subarray(0, 5)), frame(T.PING, 0, 0, Buffer.alloc(8)), frame(T.CONTINUATION, END_HEADERS, 1, b.subarray(5)));
      const goaway = await c.waitFor((f) => f.type === T.GOAWAY, 'GOAWAY');
      assert.equal(errorCode(goaway), 1);
      await within(c.closed, 'the socket to close');
      assert.equal(h.opened.length, 0);
      assert.equal(c.frames.some((f) => f.type === T.PING), false, 'the PING inside the block was answered');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('a frame above 16384 bytes is a connection error FRAME_SIZE_ERROR', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    try {
      c.send(headersFrame(1, request('/open'), false));
      await c.barrier();
      c.send(frame(T.DATA, 0, 1, Buffer.alloc(16_385)));
      const goaway = await c.waitFor((f) => f.type === T.GOAWAY, 'GOAWAY');
      assert.equal(errorCode(goaway), 6);
      assert.equal(goaway.payload.readUInt32BE(0), 1, 'last stream id');
      await within(c.closed, 'the socket to close');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('with maxConcurrentStreams 1 refuses a second stream (REFUSED_STREAM) while the first still works', OPTS, async () => {
    const h = await serve(answerOnEnd((req) => Buffer.concat([Buffer.from('got:'), req])), { maxConcurrentStreams: 1 });
    const c = new RawClient(h.port);
    try {
      c.send(headersFrame(1, request('/first'), false), headersFrame(3, request('/second')));
      const rst = await c.waitFor((f) => f.type === T.RST_STREAM, 'RST_STREAM');
      assert.equal(rst.id, 3);
      assert.equal(errorCode(rst), 7);
      assert.deepEqual(h.opened.map((o) => o.headers[':path']), ['/first']);
      c.send(frame(T.DATA, END_STREAM, 1, Buffer.from('abc')));
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response HEADERS');
      const data = await c.waitFor((f) => f.type === T.DATA && f.id === 1, 'DATA');
      assert.equal(data.payload.toString(), 'got:abc');
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 1 && (f.flags & END_STREAM) !== 0, 'trailers');
      // The slot is free again.
      c.send(headersFrame(5, request('/third')));
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 5, 'response on stream 5');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('RST_STREAM from the client closes the server stream; nothing more is sent on it', OPTS, async () => {
    let closed = 0;
    const h = await serve((s) => {
      s.onClose = () => closed++;
      s.respond([[':status', '200']], false);
      s.write(Buffer.alloc(100, 1)); // 10 go out, 90 wait for window
    });
    const c = new RawClient(h.port, Buffer.concat([PREFACE, settings([[0x4, 10]])]));
    try {
      c.send(headersFrame(1, request('/reset'), false));
      await c.waitFor((f) => f.type === T.DATA && f.id === 1, 'first DATA');
      c.send(frame(T.RST_STREAM, 0, 1, u32(8)));
      await c.barrier();
      assert.equal(closed, 1, 'onClose fired');
      const mark = c.frames.length;
      const s = h.opened[0]!.stream;
      assert.equal(s.write(Buffer.from('late')), false);
      s.end([['x-late', '1']]);
      s.reset(2);
      // More window on the closed stream and the connection: allowed, and nothing is released.
      c.send(frame(T.WINDOW_UPDATE, 0, 1, u32(1000)), settings([[0x4, 100_000]]));
      await sleep(50);
      await c.barrier();
      const after = c.frames.slice(mark).filter((f) => f.id === 1);
      assert.deepEqual(after, [], `frames on stream 1 after its RST_STREAM: ${describeFrames(after)}`);
      assert.equal(closed, 1);
      assert.equal(c.frames.some((f) => f.type === T.GOAWAY), false);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('malformed request headers get RST_STREAM PROTOCOL_ERROR without onStream; other streams are served', OPTS, async () => {
    const h = await serve((s) => s.respond([[':status', '200']], true));
    const c = new RawClient(h.port);
    try {
      c.send(
        headersFrame(1, request('/upper', [['X-Upper', 'v']])),
        headersFrame(3, request('/conn', [['connection', 'keep-alive']])),
        headersFrame(5, request('/te', [['te', 'gzip']])),
        headersFrame(7, [[':method', 'POST'], ['x-a', 'b'], [':path', '/late-pseudo']]),
        headersFrame(9, request('/good')),
      );
      for (const id of [1, 3, 5, 7]) {
        const rst = await c.waitFor((f) => f.type === T.RST_STREAM && f.id === id, `RST_STREAM on ${id}`);
        assert.equal(errorCode(rst), 1, `stream ${id}`);
      }
      const res = await c.waitFor((f) => f.type === T.HEADERS && f.id === 9, 'response on stream 9');
      assert.equal(c.decode(res).get(':status'), '200');
      assert.deepEqual(h.opened.map((o) => o.headers[':path']), ['/good']);
      assert.equal(c.frames.some((f) => f.type === T.GOAWAY), false);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('DATA on a stream never opened is a connection error PROTOCOL_ERROR', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    try {
      c.send(frame(T.DATA, 0, 7, Buffer.from('hi')));
      const goaway = await c.waitFor((f) => f.type === T.GOAWAY, 'GOAWAY');
      assert.equal(errorCode(goaway), 1);
      await within(c.closed, 'the socket to close');
      assert.equal(h.opened.length, 0);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('a bad preface closes the socket without a stream', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port, Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    try {
      await within(c.closed, 'the socket to close');
      assert.equal(h.opened.length, 0);
      assert.equal(c.frames.some((f) => f.type === T.HEADERS), false);
      assert.ok(h.errors.some((e) => /preface/.test(e)), h.errors.join('; '));
      assert.equal(h.conns[0]?.destroyed, true);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('after SETTINGS_HEADER_TABLE_SIZE the next response block starts with a table size update', OPTS, async () => {
    const h = await serve((s) => s.respond([[':status', '200'], ['x-a', 'b']], true));
    const c = new RawClient(h.port, Buffer.concat([PREFACE, settings([[0x1, 0]])]));
    try {
      await c.waitFor((f) => f.type === T.SETTINGS && f.flags === ACK, 'SETTINGS ACK');
      c.send(headersFrame(1, request('/one')));
      const first = await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response on 1');
      assert.equal(first.payload[0], 0x20);
      const strict = new HpackDecoder(0);
      assert.deepEqual(strict.decode(first.payload), [[':status', '200'], ['x-a', 'b']]);
      c.send(headersFrame(3, request('/two')));
      const second = await c.waitFor((f) => f.type === T.HEADERS && f.id === 3, 'response on 3');
      assert.notEqual(second.payload[0], 0x20, 'one update is enough');
      assert.deepEqual(strict.decode(second.payload), [[':status', '200'], ['x-a', 'b']]);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('ending a response before the client half-closes sends RST_STREAM NO_ERROR after the trailers', OPTS, async () => {
    let closed = false;
    const h = await serve((s) => {
      s.onClose = () => (closed = true);
      s.respond([[':status', '200']], false);
      s.write(Buffer.from('x'));
      s.end([['grpc-status', '0']]);
    });
    const c = new RawClient(h.port);
    try {
      c.send(headersFrame(1, request('/early'), false));
      const rst = await c.waitFor((f) => f.type === T.RST_STREAM && f.id === 1, 'RST_STREAM');
      assert.equal(errorCode(rst), 0);
      const onStream1 = c.frames.filter((f) => f.id === 1).map((f) => [f.type, f.flags & END_STREAM]);
      assert.deepEqual(onStream1, [[T.HEADERS, 0], [T.DATA, 0], [T.HEADERS, END_STREAM], [T.RST_STREAM, 0]]);
      assert.equal(closed, true);
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('sends no RST_STREAM when the request had already ended, even if answered inside onStream', OPTS, async () => {
    // The request's HEADERS carry END_STREAM: after the response's END_STREAM the stream is closed (§5.1), so no RST_STREAM may follow.
    const h = await serve((s) => s.respond([[':status', '415']], true));
    const c = new RawClient(h.port);
    try {
      c.send(headersFrame(1, request('/done')));
      await c.waitFor((f) => f.type === T.HEADERS && f.id === 1, 'response');
      await c.barrier();
      const rst = c.frames.filter((f) => f.type === T.RST_STREAM);
      assert.deepEqual(rst.map((f) => [f.id, errorCode(f)]), [], 'RST_STREAM on a closed stream');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('announces MAX_CONCURRENT_STREAMS from the option and ACKs the client SETTINGS', OPTS, async () => {
    const h = await serve(() => {}, { maxConcurrentStreams: 7 });
    const c = new RawClient(h.port, Buffer.concat([PREFACE, settings([[0x4, 5000], [0x2, 0]])]));
    let client: http2.ClientHttp2Session | undefined;
    try {
      const first = await c.waitFor(() => true, 'first frame');
      assert.equal(first.type, T.SETTINGS);
      assert.equal(first.flags, 0);
      assert.equal(settingsOf(first).get(0x3), 7);
      const ack = await c.waitFor((f) => f.type === T.SETTINGS && (f.flags & ACK) !== 0, 'SETTINGS ACK');
      assert.equal(ack.payload.length, 0);
      assert.equal(ack.id, 0);
      // A second SETTINGS, empty, is ACKed too.
      c.send(settings([]));
      await c.waitFor((f) => f.type === T.SETTINGS && (f.flags & ACK) !== 0, 'second SETTINGS ACK');
      client = await http2Client(h.port);
      assert.equal(client.remoteSettings.maxConcurrentStreams, 7);
    } finally {
      client?.close();
      await c.close();
      await h.close();
    }
  });

  it('a header block spread over more than MAX_HEADER_FRAMES frames is a connection error ENHANCE_YOUR_CALM', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    try {
      const fields = block(request('/flood'));
      // Within the limit: one HEADERS and MAX_HEADER_FRAMES - 2 empty CONTINUATIONs, then the last one, is served.
      c.send(frame(T.HEADERS, END_STREAM, 1, fields), ...Array.from({ length: MAX_HEADER_FRAMES - 2 }, () => frame(T.CONTINUATION, 0, 1)), frame(T.CONTINUATION, END_HEADERS, 1));
      await c.barrier();
      assert.equal(h.opened.length, 1);
      c.send(frame(T.HEADERS, END_STREAM, 3, fields), ...Array.from({ length: MAX_HEADER_FRAMES }, () => frame(T.CONTINUATION, 0, 3)));
      const goaway = await c.waitFor((f) => f.type === T.GOAWAY, 'GOAWAY');
      assert.equal(errorCode(goaway), 0xb);
      await within(c.closed, 'the socket to close');
      assert.equal(h.opened.length, 1, 'the flooded stream never opened');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('client resets beyond RESETS_PER_SECOND are a connection error ENHANCE_YOUR_CALM; fewer are served', OPTS, async () => {
    const h = await serve(() => {});
    const c = new RawClient(h.port);
    try {
      const burst = (from: number, n: number): Buffer[] =>
        Array.from({ length: n }, (_, i) => [headersFrame(from + 2 * i, request('/r'), false), frame(T.RST_STREAM, 0, from + 2 * i, u32(8))]).flat();
      c.send(...burst(1, RESETS_PER_SECOND / 2));
      await c.barrier();
      assert.ok(!c.frames.some((f) => f.type === T.GOAWAY), 'half the budget is allowed');
      assert.ok(h.opened.every((o) => o.stream.closed), 'every reset stream closed');
      c.send(...burst(1 + RESETS_PER_SECOND, 2 * RESETS_PER_SECOND));
      const goaway = await c.waitFor((f) => f.type === T.GOAWAY, 'GOAWAY');
      assert.equal(errorCode(goaway), 0xb);
      await within(c.closed, 'the socket to close');
    } finally {
      await c.close();
      await h.close();
    }
  });

  it('drops a connection whose client stops reading once its unread output passes the bound', OPTS, async () => {
    const h = await serve((s) => {
      s.onEnd = () => {
        s.respond([[':status', '200']], false);
        // A writer that ignores back-pressure (as a unary answer does): 16 MiB at once.
        for (let i = 0; i < 256; i++) s.write(Buffer.alloc(64 * 1024, i));
      };
    }, { maxUnreadOutputBytes: 256 * 1024 });
    // Windows wide open, so only the socket holds the server back; then the client reads nothing.
    const c = new RawClient(h.port, Buffer.concat([PREFACE, settings([[0x4, 2 ** 31 - 1]]), frame(T.WINDOW_UPDATE, 0, 0, u32(2 ** 31 - 1 - 65_535))]));
    try {
      await c.barrier();
      c.socket.pause();
      c.send(headersFrame(1, request('/big')));
      await within(new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (h.conns[0]?.destroyed === true) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      }), 'the server to drop the connection');
      assert.ok(h.errors.some((e) => e.includes('unread')), h.errors.join('; '));
      assert.equal(h.opened[0]?.stream.closed, true);
    } finally {
      await c.close();
      await h.close();
    }
  });
});
