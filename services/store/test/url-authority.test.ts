// The client port serves a client that puts a URL in :authority (etcdctl
// 3.4's per-endpoint commands with --endpoints=http://...), which nghttp2
// alone resets, and still serves every other client as before.

import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import * as http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GRPC_STATUS, GrpcServer } from '../src/rpc/grpc-server.ts';
import { RequestRewriter, authorityFromUrl, repairAuthority } from '../src/rpc/url-authority.ts';

function framed(body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(body.length, 1);
  return Buffer.concat([h, body]);
}

/** One unary gRPC call over a raw Node HTTP/2 session, with the :authority given. */
function call(session: http2.ClientHttp2Session, authority: string, body: Buffer): Promise<{ status: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/t.S/Echo', ':authority': authority, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    req.on('trailers', (t: http2.IncomingHttpHeaders) => (status = String(t['grpc-status'])));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('close', () => {
      if (req.rstCode !== http2.constants.NGHTTP2_NO_ERROR) reject(new Error(`stream reset with code ${req.rstCode}`));
      else resolve({ status, body: Buffer.concat(chunks).subarray(5) });
    });
    req.end(framed(body));
  });
}

function closed(socket: Socket, withinMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs);
    socket.resume(); // a paused socket never reaches 'end'
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('client port: a URL as :authority', () => {
  let server: GrpcServer;
  let port: number;
  const errors: string[] = [];

  before(async () => {
    server = new GrpcServer({ maxReceiveMessageBytes: 4 * 1024 * 1024, toStatus: () => ({ code: GRPC_STATUS.UNKNOWN, message: 'x' }), onError: (what, err) => errors.push(`${what}: ${String(err)}`) });
    server.add('/t.S/Echo', { kind: 'unary', handler: (req) => req });
    port = await server.listen('127.0.0.1', 0);
  });
  after(() => server.forceShutdown());

  it('reads the host and port out of a URL authority, and leaves other authorities alone', () => {
    assert.equal(authorityFromUrl('http://127.0.0.1:2379'), '127.0.0.1:2379');
    assert.equal(authorityFromUrl('https://member-1.example:2379/'), 'member-1.example:2379');
    assert.equal(authorityFromUrl('unix://sock?x'), 'sock');
    assert.equal(authorityFromUrl('127.0.0.1:2379'), undefined);
    assert.equal(authorityFromUrl('localhost'), undefined);
    assert.deepEqual(repairAuthority([[':authority', 'http://h:1'], ['x-url', 'http://h:1']]), [[':authority', 'h:1'], ['x-url', 'http://h:1']]);
  });

  it('answers calls whose :authority is a URL, many on one connection, large bodies included', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    try {
      const authority = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 5; i++) {
        const r = await call(session, authority, Buffer.from(`call ${i}`));
        assert.equal(r.status, '0');
        assert.equal(r.body.toString(), `call ${i}`);
      }
      // More than the connection's initial flow-control window, through the rewriting stream.
      const big = Buffer.alloc(300_000, 0x5a);
      const r = await call(session, authority, big);
      assert.equal(r.status, '0');
      assert.ok(r.body.equals(big));
    } finally {
      session.destroy();
    }
  });

  it('still serves clients with a plain authority, on their own native path', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const r = await call(session, `127.0.0.1:${port}`, Buffer.from('plain'));
      assert.deepEqual([r.status, r.body.toString()], ['0', 'plain']);
      const viaGrpcJs = await new Promise<Buffer>((resolve, reject) =>
        client.makeUnaryRequest('/t.S/Echo', (b: Buffer) => b, (b: Buffer) => b, Buffer.from('grpc-js'), (err, res) => (err === null ? resolve(res!) : reject(err))),
      );
      assert.equal(viaGrpcJs.toString(), 'grpc-js');
    } finally {
      session.destroy();
      client.close();
    }
  });

  it('outlives URL-authority clients whose connections are reset while responses are being written', async () => {
    const authority = `http://127.0.0.1:${port}`;
    // More than loopback's socket buffers hold (a few MiB each way).
    const big = Buffer.alloc(3_500_000, 0x33);
    for (let round = 0; round < 4; round++) {
      const socket = netConnect(port, '127.0.0.1');
      socket.on('error', () => {});
      // A window large enough that the server writes the whole answer at
      // once; the client never reads it, so the server's socket write is
      // still unfinished when the connection is reset under it.
      const session = http2.connect(authority, { createConnection: () => socket, settings: { initialWindowSize: 2 ** 31 - 1 } });
      session.on('error', () => {});
      session.on('connect', () => session.setLocalWindowSize(2 ** 31 - 1));
      for (let i = 0; i < 6; i++) {
        const req = session.request({ ':method': 'POST', ':path': '/t.S/Echo', ':authority': authority, 'content-type': 'application/grpc', te: 'trailers' });
        req.on('error', () => {});
        req.end(framed(big));
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + 20 * round));
      socket.pause();
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.resetAndDestroy();
      session.destroy();
    }
    // The server (the member, in production) is still here and still answers URL-authority clients.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const session = http2.connect(authority);
    try {
      const r = await call(session, authority, Buffer.from('still here'));
      assert.deepEqual([r.status, r.body.toString()], ['0', 'still here']);
    } finally {
      session.destroy();
    }
  });

  it('passes everything but header blocks through unchanged and drops the ACK of the early SETTINGS', () => {
    const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
    const settings = Buffer.from([0, 0, 6, 0x4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100]);
    const ack = Buffer.from([0, 0, 0, 0x4, 0x1, 0, 0, 0, 0]);
    const ping = Buffer.from([0, 0, 8, 0x6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // HEADERS (stream 1, END_HEADERS | END_STREAM): :method POST, :path /, literal :authority (static name 1) "http://h:1".
    const block = Buffer.concat([Buffer.from([0x83, 0x84, 0x01, 10]), Buffer.from('http://h:1')]);
    const headers = Buffer.concat([Buffer.from([0, 0, block.length, 0x1, 0x5, 0, 0, 0, 1]), block]);
    const rw = new RequestRewriter();
    // Split at awkward places: inside the preface, inside a frame header, inside the block.
    const stream = Buffer.concat([preface, settings, ack, ping, headers, ack]);
    const cuts = [0, 10, 30, 44, 60, stream.length];
    const out: Buffer[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) out.push(...rw.process(stream.subarray(cuts[i], cuts[i + 1])));
    const all = Buffer.concat(out);
    assert.ok(all.subarray(0, 24).equals(preface));
    assert.ok(all.subarray(24, 24 + settings.length).equals(settings));
    assert.ok(all.subarray(39, 39 + ping.length).equals(ping), 'the first ACK is gone, the ping follows the settings');
    const rewritten = all.subarray(39 + ping.length);
    assert.equal(rewritten[3], 0x1);
    assert.equal(rewritten[4], 0x5);
    assert.ok(rewritten.includes(Buffer.from('h:1')) && !rewritten.includes(Buffer.from('http://')));
    assert.ok(rewritten.subarray(rewritten.length - 9).equals(ack), 'a second ACK is the client acknowledging nghttp2 and passes');
  });

  it('answers a client that is not HTTP/2 with a GOAWAY, and closes connections still being looked at when the server stops', async () => {
    // Not HTTP/2: nghttp2 answers it with a GOAWAY, as it did before anything looked first.
    const http1 = netConnect(port, '127.0.0.1');
    http1.on('error', () => {});
    const received: Buffer[] = [];
    http1.on('data', (c: Buffer) => received.push(c));
    http1.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const goaway = (): boolean => {
      const b = Buffer.concat(received);
      for (let at = 0; at + 9 <= b.length; at += 9 + b.readUIntBE(at, 3)) if (b[at + 3] === 0x7) return true;
      return false;
    };
    for (const deadline = Date.now() + 5_000; !goaway(); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) assert.fail(`no GOAWAY in ${Buffer.concat(received).toString('hex')}`);
    }
    http1.destroy();

    const other = new GrpcServer({ maxReceiveMessageBytes: 1024, toStatus: () => ({ code: GRPC_STATUS.UNKNOWN, message: 'x' }) });
    const otherPort = await other.listen('127.0.0.1', 0);
    const idle = netConnect(otherPort, '127.0.0.1');
    idle.on('error', () => {});
    await new Promise<void>((resolve) => idle.once('connect', resolve));
    await new Promise((r) => setTimeout(r, 50));
    other.forceShutdown();
    await closed(idle, 5_000);
  });
});
