// Loopback ports for test processes. The OS picks each port (bind to 0), so
// parallel test files do not collide on a fixed range; all ports of one call
// are held open together, so one call never returns the same port twice.
// Another process can still take a port between close() and the member's
// bind — the member then fails to start and the harness reports its log.

import { createServer, type Server } from 'node:net';

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

export async function freeLoopbackPorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError(`port count must be 1..64, got ${count}`);
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnAnyPort());
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}
