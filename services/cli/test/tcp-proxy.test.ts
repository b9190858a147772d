import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@logbook/raft';
import { TcpProxy } from '../src/tcp-proxy.ts';

const BIN = fileURLToPath(new URL('../bin/logbook.js', import.meta.url));
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An echo server on an ephemeral loopback port. */
async function echoServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  assert.ok(a !== null && typeof a !== 'string');
  return { server, port: a.port, sockets };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `text` and resolves with what came back once it is as long, or with what arrived before the socket closed. */
function roundTrip(s: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => {
      got += c;
      if (got.length >= text.length) resolve(got);
    });
    s.once('close', () => resolve(got));
    s.write(text);
  });
}

const closedSoon = (s: Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));

test('forwards bytes both ways; large writes arrive whole', async () => {
  const echo = await echoServer();
  const proxy = await TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: echo.port, maxConnections: 4, connectTimeoutMs: 1_000, logger: quiet });
  try {
    const s = await dial(proxy.port);
    assert.equal(await roundTrip(s, 'hello'), 'hello');
    s.removeAllListeners('data');
    const big = 'x'.repeat(2 * 1024 * 1024);
    assert.equal((await roundTrip(s, big)).length, big.length);
    s.destroy();
  } finally {
    await proxy.close();
    echo.server.close();
  }
});

test('at the connection bound a new connection is closed at once; a slot frees when one closes', async () => {
  const echo = await echoServer();
  const proxy = await TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: echo.port, maxConnections: 2, connectTimeoutMs: 1_000, logger: quiet });
  try {
    const a = await dial(proxy.port);
    const b = await dial(proxy.port);
    assert.equal(await roundTrip(a, 'a'), 'a');
    assert.equal(await roundTrip(b, 'b'), 'b');
    const c = await dial(proxy.port);
    assert.equal(await roundTrip(c, 'c'), '', 'the third connection is closed without forwarding');
    assert.equal(proxy.refusedConnections, 1);
    a.destroy();
    await closedSoon(a);
    for (let i = 0; i < 50 && proxy.activeConnections > 1; i++) await new Promise((r) => setTimeout(r, 10));
    const d = await dial(proxy.port);
    assert.equal(await roundTrip(d, 'd'), 'd');
    b.destroy();
    d.destroy();
  } finally {
    await proxy.close();
    echo.server.close();
  }
});

test('the target closing closes the client; an unreachable target closes it too', async () => {
  const echo = await echoServer();
  const proxy = await TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: echo.port, maxConnections: 4, connectTimeoutMs: 1_000, logger: quiet });
  try {
    const s = await dial(proxy.port);
    assert.equal(await roundTrip(s, 'x'), 'x');
    for (const t of echo.sockets) t.destroy();
    await closedSoon(s);
    await new Promise<void>((r) => echo.server.close(() => r()));
    const t = await dial(proxy.port);
    assert.equal(await roundTrip(t, 'y'), '', 'nothing listens on the target port any more');
    await closedSoon(t);
    assert.equal(proxy.activeConnections, 0);
  } finally {
    await proxy.close();
  }
});

test('close drops the forwarded connections (a cut) and resolves closed', async () => {
  const echo = await echoServer();
  const proxy = await TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: echo.port, maxConnections: 4, connectTimeoutMs: 1_000, logger: quiet });
  const port = proxy.port;
  const s = await dial(port);
  assert.equal(await roundTrip(s, 'x'), 'x');
  await proxy.close();
  await closedSoon(s);
  assert.equal(await proxy.closed, undefined);
  await assert.rejects(dial(port), /ECONNREFUSED/, 'no longer listening');
  echo.server.close();
});

test('a taken listen port fails start; bad limits are refused', async () => {
  const echo = await echoServer();
  try {
    await assert.rejects(TcpProxy.start({ listenHost: '127.0.0.1', listenPort: echo.port, targetHost: '127.0.0.1', targetPort: 1, maxConnections: 1, connectTimeoutMs: 1_000, logger: quiet }), /EADDRINUSE/);
    await assert.rejects(TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: 1, maxConnections: 0, connectTimeoutMs: 1_000, logger: quiet }), RangeError);
    await assert.rejects(TcpProxy.start({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: 1, maxConnections: 1, connectTimeoutMs: 0, logger: quiet }), RangeError);
  } finally {
    echo.server.close();
  }
});

test('logbook tcp-proxy: hidden from help, every flag problem reported at once (exit 2)', () => {
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.doesNotMatch(help.stdout, /tcp-proxy/);
  const r = spawnSync(process.execPath, [BIN, 'tcp-proxy', '--listen', 'nowhere', '--max-connections', '0', '--connect-timeout', 'soon'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /invalid value "nowhere" for --listen: want HOST:PORT/);
  assert.match(r.stderr, /--target is required/);
  assert.match(r.stderr, /--max-connections must be an integer in \[1, 65536\]/);
  assert.match(r.stderr, /invalid value "soon" for --connect-timeout/);
});
