// Run by clean-exit.test.ts in its own process: exercise every kind of handle
// the transport creates (server, peer streams, a snapshot stream, a peer in
// reconnect backoff), close everything, then let the process exit on its own.
// A leaked socket or timer keeps it alive and the parent test fails.

import { randomBytes } from 'node:crypto';
import { app, freePort, id, snap, startMember, waitFor } from './helpers.ts';

// Long delays: if close() left a reconnect timer or keepalive behind, the process would outlive the parent's deadline.
const timing = { reconnectInitialMs: 4_000, reconnectMaxMs: 8_000, keepaliveTimeMs: 4_000 };
const a = await startMember(1, { timing });
const b = await startMember(2, { timing });
a.transport.addPeer(b.id, b.address);
b.transport.addPeer(a.id, a.address);
a.transport.addPeer(id(3), `127.0.0.1:${await freePort()}`); // dead: sits in backoff
a.transport.send([app(1, 2, 0), snap(1, 2, randomBytes(3 * 1024 * 1024))]);
b.transport.send([app(2, 1, 0)]);
await waitFor('traffic both ways', () => b.handler.received.length === 2 && a.handler.received.length === 1, 10_000);
await waitFor('the dead peer to be in backoff', () => a.handler.unreachable.includes(id(3)));
// A snapshot still streaming when close() is called.
a.transport.send([snap(1, 3, randomBytes(1024))]);
await Promise.all([a.transport.close(), b.transport.close()]);
process.stdout.write(`closed ${performance.now()}\n`);
process.on('exit', () => process.stdout.write(`exit ${performance.now()}\n`));
