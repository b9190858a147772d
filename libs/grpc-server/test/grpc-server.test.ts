// The client port's gRPC server against a real gRPC client (@grpc/grpc-js):
// what the wire protocol promises a client, call by call.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { generateCa, issueClientCert, issueServingCert } from '@logbook/pki';
import { CallAbortedError, GRPC_STATUS, GrpcServer, encodeGrpcMessage, parseGrpcTimeout, type StreamCall } from '../src/grpc-server.ts';

const identity = (b: Buffer): Buffer => b;
class TestError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}


function unaryCall(c: grpc.Client, path: string, body: Buffer, opts: { metadata?: grpc.Metadata; deadlineMs?: number } = {}): Promise<{ body: Buffer; error?: undefined } | { error: grpc.ServiceError; body?: undefined }> {
  return new Promise((resolve) => {
    const options: grpc.CallOptions = opts.deadlineMs === undefined ? {} : { deadline: Date.now() + opts.deadlineMs };
    c.makeUnaryRequest(path, identity, identity, body, opts.metadata ?? new grpc.Metadata(), options, (err, res) => resolve(err !== null ? { error: err } : { body: res! }));
  });
}

describe('client-port gRPC server', () => {
  const MAX = 64 * 1024;
  const events: string[] = [];
  let server: GrpcServer;
  let client: grpc.Client;
  let hangSignal: AbortSignal | undefined;
  const chatClosed: Promise<void>[] = [];
  /** What /t.S/Slow received: each message's number; it pauses after the first. */
  const slowSeen: number[] = [];
  let slowCall: StreamCall | undefined;
  let smallHwmServer: GrpcServer;
  let smallClient: grpc.Client;
  /** The size of each /t.S/Lent answer given back. */
  const lentSent: number[] = [];

  const handlers = (s: GrpcServer): void => {
    s.add('/t.S/Echo', {
      kind: 'unary',
      handler: (req, call) => {
        const ctx = call.metadata.get('ctx-bin')[0];
        const who = call.metadata.get('who')[0];
        return Buffer.concat([req, Buffer.from(`|${String(who)}|`), Buffer.isBuffer(ctx) ? ctx : Buffer.alloc(0)]);
      },
    });
    s.add('/t.S/Fail', {
      kind: 'unary',
      handler: async (req) => {
        await Promise.resolve();
        throw new TestError(GRPC_STATUS.INVALID_ARGUMENT, `bad: ${req.toString()} 100% ünïcode`);
      },
    });
    s.add('/t.S/Hang', {
      kind: 'unary',
      handler: (_req, call) => {
        hangSignal = call.signal;
        return new Promise((_resolve, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason as Error)));
      },
    });
    s.add('/t.S/Chat', {
      kind: 'stream',
      handler: (call: StreamCall) => {
        chatClosed.push(new Promise((resolve) => call.onClose(resolve)));
        call.onMessage((m) => {
          if (m.toString() === 'fail') {
            call.end(new TestError(GRPC_STATUS.RESOURCE_EXHAUSTED, 'too many'));
            return;
          }
          // Three answers per message, written in one turn.
          for (let i = 0; i < 3; i++) call.write(Buffer.from(`${m.toString()}#${i}`));
        });
        call.onHalfClose(() => call.end());
      },
    });
    // A large answer as a view into the middle of a bigger buffer (as a range answer framed in place is).
    s.add('/t.S/Big', {
      kind: 'unary',
      handler: (req) => {
        const n = Number(req.toString());
        const backing = Uint8Array.from({ length: n + 100 }, (_, i) => (i * 7) % 251);
        return backing.subarray(60, 60 + n);
      },
    });
    // A lent answer (UnaryReply): overwritten once given back, so one given back early arrives corrupted.
    s.add('/t.S/Lent', {
      kind: 'unary',
      handler: async (req) => {
        await Promise.resolve();
        const n = Number(req.toString());
        const lent = Uint8Array.from({ length: n }, (_, i) => (i * 13) % 251);
        return {
          bytes: lent,
          sent: () => {
            lentSent.push(n);
            lent.fill(0xee);
          },
        };
      },
    });
    // Small, large, small messages in one turn: they arrive whole and in order.
    s.add('/t.S/Mixed', {
      kind: 'stream',
      handler: (call: StreamCall) => {
        call.onMessage(() => {
          call.write(Buffer.from('first'));
          call.write(Buffer.alloc(300_000, 0xab));
          call.write(Buffer.from('last'));
          call.end();
        });
      },
    });
    s.add('/t.S/Slow', {
      kind: 'stream',
      handler: (call: StreamCall) => {
        call.onMessage((m) => {
          slowSeen.push(m.readUInt32BE(0));
          if (slowSeen.length === 1) {
            call.pause();
            slowCall = call;
          }
        });
        call.onHalfClose(() => {
          call.write(Buffer.from(`half-closed after ${slowSeen.length}`));
          call.end();
        });
      },
    });
    s.add('/t.S/List', {
      kind: 'stream',
      handler: (call: StreamCall) => {
        call.onMessage((m) => {
          void (async () => {
            const n = Number(m.toString());
            let blocked = 0;
            for (let i = 0; i < n; i++) {
              if (!call.write(Buffer.alloc(1024, i % 251))) {
                blocked++;
                await call.drained();
              }
              if (call.closed) return;
            }
            events.push(`list blocked ${blocked}`);
            call.end();
          })();
        });
      },
    });
  };

  before(async () => {
    const toStatus = (e: unknown): { code: number; message: string } => (e instanceof TestError ? { code: e.code, message: e.message } : { code: GRPC_STATUS.UNKNOWN, message: String(e) });
    server = new GrpcServer({ maxReceiveMessageBytes: MAX, toStatus });
    handlers(server);
    const port = await server.listen('127.0.0.1', 0);
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    smallHwmServer = new GrpcServer({ maxReceiveMessageBytes: MAX, toStatus, streamHighWaterMarkBytes: 8 * 1024 });
    handlers(smallHwmServer);
    smallClient = new grpc.Client(`127.0.0.1:${await smallHwmServer.listen('127.0.0.1', 0)}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client.close();
    smallClient.close();
    server.forceShutdown();
    smallHwmServer.forceShutdown();
  });

  it('answers a unary call, with text and binary metadata', async () => {
    const md = new grpc.Metadata();
    md.set('who', 'alice');
    md.set('ctx-bin', Buffer.from([0, 1, 2, 255]));
    const r = await unaryCall(client, '/t.S/Echo', Buffer.from('hello'), { metadata: md });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.body, Buffer.concat([Buffer.from('hello|alice|'), Buffer.from([0, 1, 2, 255])]));
    const empty = await unaryCall(client, '/t.S/Echo', Buffer.alloc(0));
    assert.deepEqual(empty.body, Buffer.from('|undefined|'));
  });

  it("fails a call with the handler's status and its message, non-ASCII intact", async () => {
    const r = await unaryCall(client, '/t.S/Fail', Buffer.from('x'));
    assert.equal(r.error?.code, GRPC_STATUS.INVALID_ARGUMENT);
    assert.equal(r.error?.details, 'bad: x 100% ünïcode');
  });

  it('answers an unknown method with UNIMPLEMENTED', async () => {
    const r = await unaryCall(client, '/t.S/Missing', Buffer.from('x'));
    assert.equal(r.error?.code, GRPC_STATUS.UNIMPLEMENTED);
    assert.match(r.error?.details ?? '', /unknown method \/t\.S\/Missing/);
  });

  it('refuses a message over the limit with RESOURCE_EXHAUSTED before the handler sees it', async () => {
    const r = await unaryCall(client, '/t.S/Echo', Buffer.alloc(MAX + 1));
    assert.equal(r.error?.code, GRPC_STATUS.RESOURCE_EXHAUSTED);
    assert.equal(r.error?.details, `grpc: received message larger than max (${MAX + 1} vs. ${MAX})`);
    const ok = await unaryCall(client, '/t.S/Echo', Buffer.alloc(MAX - 20, 1));
    assert.equal(ok.error, undefined);
  });

  it('accepts a gzip-compressed request', async () => {
    const port = Number(client.getChannel().getTarget().split(':').at(-1));
    const gz = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });
    try {
      const r = await unaryCall(gz, '/t.S/Echo', Buffer.alloc(5000, 0x61));
      assert.equal(r.error, undefined);
      assert.equal(r.body?.subarray(0, 5000).toString(), 'a'.repeat(5000));
    } finally {
      gz.close();
    }
  });

  it("ends a call at the client's deadline and aborts the handler's signal", async () => {
    const r = await unaryCall(client, '/t.S/Hang', Buffer.from('x'), { deadlineMs: 150 });
    assert.equal(r.error?.code, GRPC_STATUS.DEADLINE_EXCEEDED);
    // The client gives up at its deadline too; the server's own timer (or the client's reset) follows within moments.
    for (let i = 0; i < 100 && hangSignal?.aborted !== true; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(hangSignal?.aborted, true);
    assert.ok(hangSignal?.reason instanceof CallAbortedError);
  });

  it('sends large messages whole: a unary answer that is a view of a bigger buffer, and a stream mixing sizes', async () => {
    for (const n of [70_000, 3_000_000]) {
      const r = await unaryCall(client, '/t.S/Big', Buffer.from(String(n)));
      assert.equal(r.error, undefined);
      assert.equal(r.body?.length, n);
      assert.deepEqual(r.body, Buffer.from(Uint8Array.from({ length: n }, (_, i) => ((i + 60) * 7) % 251)));
    }
    const stream = client.makeBidiStreamRequest<Buffer, Buffer>('/t.S/Mixed', identity, identity);
    const got: Buffer[] = [];
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('data', (b: Buffer) => got.push(b));
    stream.on('error', () => {});
    stream.write(Buffer.from('go'));
    assert.equal((await status).code, GRPC_STATUS.OK);
    assert.deepEqual(got.map((b) => b.length), [5, 300_000, 4]);
    assert.equal(got[0]?.toString(), 'first');
    assert.ok(got[1]?.every((x) => x === 0xab));
    assert.equal(got[2]?.toString(), 'last');
  });

  it('a lent unary answer (UnaryReply) is given back once, after the client has all of it', async () => {
    for (const n of [1_000, 3_000_000]) {
      const r = await unaryCall(client, '/t.S/Lent', Buffer.from(String(n)));
      assert.equal(r.error, undefined);
      assert.ok(r.body?.equals(Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 13) % 251))), `${n}: bytes overwritten before they were sent`);
    }
    // Several at once on one connection, sharing the socket's writes.
    const many = await Promise.all([2_000_000, 500_000, 70_000, 1_500_000].map((n) => unaryCall(client, '/t.S/Lent', Buffer.from(String(n)))));
    for (const r of many) assert.ok(r.body?.every((x, i) => x === (i * 13) % 251), 'bytes overwritten before they were sent');
    for (let i = 0; i < 50 && lentSent.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual([...lentSent].sort((a, b) => a - b), [1_000, 70_000, 500_000, 1_500_000, 2_000_000, 3_000_000]);
  });

  it('carries a bidirectional stream in order, and the status after the messages', async () => {
    const stream = client.makeBidiStreamRequest<Buffer, Buffer>('/t.S/Chat', identity, identity);
    const got: string[] = [];
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('data', (b: Buffer) => got.push(b.toString()));
    stream.on('error', () => {});
    for (let i = 0; i < 50; i++) stream.write(Buffer.from(`m${i}`));
    stream.end();
    const st = await status;
    assert.equal(st.code, GRPC_STATUS.OK);
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => [0, 1, 2].map((j) => `m${i}#${j}`)).flat());

    const failing = client.makeBidiStreamRequest<Buffer, Buffer>('/t.S/Chat', identity, identity);
    const before: string[] = [];
    failing.on('data', (b: Buffer) => before.push(b.toString()));
    const err = new Promise<grpc.ServiceError>((resolve) => failing.on('error', resolve));
    failing.write(Buffer.from('a'));
    failing.write(Buffer.from('fail'));
    const e = await err;
    assert.equal(e.code, GRPC_STATUS.RESOURCE_EXHAUSTED);
    assert.equal(e.details, 'too many');
    assert.deepEqual(before, ['a#0', 'a#1', 'a#2']);
  });

  it("tells the handler when the client cancels a stream", async () => {
    const n = chatClosed.length;
    const stream = client.makeBidiStreamRequest<Buffer, Buffer>('/t.S/Chat', identity, identity);
    stream.on('error', () => {});
    const first = new Promise((resolve) => stream.once('data', resolve));
    stream.write(Buffer.from('hi'));
    await first;
    stream.cancel();
    await chatClosed[n];
  });

  it('streams many responses to one request, waiting for the client when its window is full', async () => {
    const call = smallClient.makeServerStreamRequest<Buffer, Buffer>('/t.S/List', identity, identity, Buffer.from('2000'));
    let count = 0;
    let bytes = 0;
    call.pause();
    // Let the server fill the window and block before reading anything.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const done = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('data', (b: Buffer) => {
      count++;
      bytes += b.byteLength;
      assert.equal(b[0], (count - 1) % 251);
    });
    call.resume();
    const st = await done;
    assert.equal(st.code, GRPC_STATUS.OK);
    assert.equal(count, 2000);
    assert.equal(bytes, 2000 * 1024);
    const blocked = Number(events.find((e) => e.startsWith('list blocked'))?.split(' ')[2]);
    assert.ok(blocked > 0, 'the handler saw back-pressure at least once');
  });

  it('holds back a paused stream: no messages, no half-close, and the client stops at the stream window', async () => {
    const count = 40;
    const size = 60 * 1024;
    let written = 0;
    const answer = new Promise<Buffer>((resolve, reject) => {
      const call = client.makeClientStreamRequest<Buffer, Buffer>('/t.S/Slow', identity, identity, (err, res) => (err === null ? resolve(res!) : reject(err)));
      for (let i = 0; i < count; i++) {
        const m = Buffer.alloc(size);
        m.writeUInt32BE(i, 0);
        call.write(m, () => written++);
      }
      call.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(slowSeen, [0], 'nothing delivered while paused');
    // 2.4 MB sent against a 1 MiB stream window whose credit is held back.
    assert.ok(written < count * 0.6, `the client wrote ${written} of ${count} messages while the server was paused`);
    slowCall!.resume();
    assert.equal((await answer).toString(), `half-closed after ${count}`);
    assert.deepEqual(slowSeen, Array.from({ length: count }, (_, i) => i));
  });

  it('parses grpc-timeout and percent-encodes grpc-message as the spec says', () => {
    assert.equal(parseGrpcTimeout('100m'), 100);
    assert.equal(parseGrpcTimeout('2S'), 2000);
    assert.equal(parseGrpcTimeout('1H'), 3_600_000);
    assert.equal(parseGrpcTimeout('5u'), 0.005);
    assert.equal(parseGrpcTimeout('123456789m'), undefined);
    assert.equal(parseGrpcTimeout('10x'), undefined);
    assert.equal(parseGrpcTimeout(undefined), undefined);
    assert.equal(encodeGrpcMessage('a 100% é\n'), 'a 100%25 %C3%A9%0A');
  });
});

describe('client-port gRPC server over TLS with --client-cert-auth', () => {
  it('serves a client with a certificate from the CA and refuses one without', async () => {
    const now = new Date();
    const ca = await generateCa({ commonName: 'test-ca', now, validityDays: 1 });
    const serving = await issueServingCert(ca, { commonName: 'store', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
    const clientCert = await issueClientCert(ca, { commonName: 'etcdctl', organizations: [], now, validityDays: 1 });
    const server = new GrpcServer({ maxReceiveMessageBytes: 1024, toStatus: () => ({ code: GRPC_STATUS.UNKNOWN, message: 'x' }) });
    server.add('/t.S/Echo', { kind: 'unary', handler: (req) => req });
    const port = await server.listen('127.0.0.1', 0, { cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, clientCertAuth: true });
    const good = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(clientCert.keyPem), Buffer.from(clientCert.certPem)));
    const anonymous = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(ca.certPem)));
    try {
      const ok = await unaryCall(good, '/t.S/Echo', Buffer.from('tls'), { deadlineMs: 5000 });
      assert.deepEqual(ok.body, Buffer.from('tls'));
      const refused = await unaryCall(anonymous, '/t.S/Echo', Buffer.from('tls'), { deadlineMs: 5000 });
      assert.equal(refused.error?.code, GRPC_STATUS.UNAVAILABLE);
    } finally {
      good.close();
      anonymous.close();
      server.forceShutdown();
    }
  });
});

