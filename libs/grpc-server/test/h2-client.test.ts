// The hand-written HTTP/2 client connection (h2-client.ts) against Node's
// HTTP/2 server (nghttp2): an independent implementation of the other side.

import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { H2ClientSession, type H2ClientStream, type H2ResponseHeaders } from '../src/h2-client.ts';
import type { HeaderField } from '../src/hpack.ts';

const OPTS = { timeout: 5000 };
/** Everything a test opened, closed after the file whatever the tests did. */
const cleanup: (() => void)[] = [];
after(() => {
  for (const fn of cleanup) fn();
});

async function listen(server: http2.Http2Server | ReturnType<typeof createNetServer>): Promise<number> {
  cleanup.push(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function connect(port: number, onClose: (reason: string) => void = () => {}, streamHighWaterMarkBytes?: number): Promise<{ session: H2ClientSession; socket: Socket }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  cleanup.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { session: new H2ClientSession(socket, { onClose, ...(streamHighWaterMarkBytes === undefined ? {} : { streamHighWaterMarkBytes }) }), socket };
}

const request = (path: string): HeaderField[] => [[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', '127.0.0.1'], ['content-type', 'application/grpc'], ['te', 'trailers']];

interface Seen {
  headers: { headers: H2ResponseHeaders; endStream: boolean }[];
  data: Buffer[];
  closed: Promise<number | undefined>;
}

function watch(s: H2ClientStream): Seen {
  const seen: Seen = { headers: [], data: [], closed: Promise.resolve(undefined) };
  s.onHeaders = (headers, endStream) => seen.headers.push({ headers, endStream });
  s.onData = (chunk) => seen.data.push(chunk);
  seen.closed = new Promise((resolve) => (s.onClose = resolve));
  return seen;
}

describe('HTTP/2 client connection against node:http2', () => {
  it('sends a request and its body, and sees headers, data and trailers', OPTS, async () => {
    const server = http2.createServer();
    let got: { headers: http2.IncomingHttpHeaders; body: Buffer } | undefined;
    server.on('stream', (stream, headers) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        got = { headers, body: Buffer.concat(parts) };
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-n': String(parts.length) }));
        stream.end(Buffer.from('answer'));
      });
    });
    const { session } = await connect(await listen(server));
    const s = session.request(request('/t.S/Echo'));
    const seen = watch(s);
    // 200 KiB in pieces: more than the 64 KiB default window the server starts with.
    const body = Buffer.alloc(200 * 1024, 7);
    for (let at = 0; at < body.length; at += 10_000) s.write(body.subarray(at, at + 10_000));
    s.end();
    assert.equal(await seen.closed, undefined);
    assert.equal(got?.headers[':path'], '/t.S/Echo');
    assert.equal(got?.headers['te'], 'trailers');
    assert.ok(got?.body.equals(body), 'the body arrived byte-exact');
    assert.deepEqual(seen.headers.map((h) => [h.headers[':status'] ?? h.headers['grpc-status'], h.endStream]), [['200', false], ['0', true]]);
    assert.equal(Buffer.concat(seen.data).toString(), 'answer');
    session.close();
    server.close();
  });

  it('never sends more DATA than the server window allows, and reports back-pressure until it opens', OPTS, async () => {
    const server = http2.createServer({ settings: { initialWindowSize: 1000 } });
    let received = 0;
    let release: (() => void) | undefined;
    server.on('stream', (stream) => {
      stream.pause();
      release = () => {
        stream.on('data', (c: Buffer) => (received += c.length));
        stream.resume();
      };
      stream.on('end', () => {
        stream.respond({ ':status': 200 }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end();
      });
    });
    const { session } = await connect(await listen(server), () => {}, 4096);
    // The PING's answer comes after the server's SETTINGS (its 1,000-byte window).
    await new Promise<void>((resolve) => session.ping(resolve));
    const s = session.request(request('/t.S/Slow'));
    const seen = watch(s);
    let ok = true;
    let written = 0;
    for (let i = 0; i < 10 && ok; i++) {
      ok = s.write(Buffer.alloc(1000, i));
      written += 1000;
    }
    assert.equal(ok, false, 'write() reports back-pressure once 4 KiB wait for window');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(received, 0);
    assert.equal(s.queuedBytes, written - 1000, 'all but the first window of 1,000 bytes waits');
    const drainedOnce = new Promise<void>((resolve) => (s.onDrain = resolve));
    release!();
    await drainedOnce;
    s.end();
    assert.equal(await seen.closed, undefined);
    assert.equal(received, written, 'the server got everything written');
    session.close();
    server.close();
  });

  it('sees a reset from the server as the stream closing with its code', OPTS, async () => {
    const server = http2.createServer();
    server.on('stream', (stream) => {
      stream.on('error', () => {}); // node reports its own reset as an error on the stream
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    });
    const { session } = await connect(await listen(server));
    const seen = watch(session.request(request('/t.S/No')));
    assert.equal(await seen.closed, http2.constants.NGHTTP2_REFUSED_STREAM);
    session.close();
    server.close();
  });

  it('answers the server ping, gets its own answered, and reports GOAWAY as the end of the connection', OPTS, async () => {
    const server = http2.createServer();
    let serverSession: http2.ServerHttp2Session | undefined;
    server.on('session', (sess) => (serverSession = sess));
    let closedWith: string | undefined;
    const closed = new Promise<void>((resolve) => {
      void listen(server).then(async (port) => {
        const { session } = await connect(port, (reason) => {
          closedWith = reason;
          resolve();
        });
        await new Promise<void>((r) => session.ping(r));
        await new Promise((r) => setTimeout(r, 50));
        const rtt = await new Promise<number>((r, j) => serverSession!.ping((err, d) => (err ? j(err) : r(d))));
        assert.ok(rtt >= 0);
        serverSession!.goaway(http2.constants.NGHTTP2_NO_ERROR);
      });
    });
    await closed;
    assert.match(closedWith ?? '', /GOAWAY/);
    server.close();
  });

  it('ends the connection with a GOAWAY on a frame over its maximum size', OPTS, async () => {
    // A raw server: SETTINGS, then a DATA frame of 20,000 bytes (ours is 16,384 at most).
    const raw = createNetServer((sock) => {
      const settings = Buffer.alloc(9);
      settings[3] = 0x4;
      const big = Buffer.alloc(9 + 20_000);
      big.writeUIntBE(20_000, 0, 3);
      big.writeUInt32BE(1, 5);
      sock.on('data', () => {});
      sock.write(Buffer.concat([settings, big]));
    });
    let reason = '';
    const closed = new Promise<void>((resolve) => {
      void listen(raw).then((port) =>
        connect(port, (r) => {
          reason = r;
          resolve();
        }),
      );
    });
    await closed;
    assert.match(reason, /protocol error: frame of 20000 bytes/);
    raw.close();
  });
});
