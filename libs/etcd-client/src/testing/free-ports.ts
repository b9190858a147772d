// Loopback ports the OS reports free right now, all held open together so
// none repeats. Another process can still take one before it is used: the
// callers retry startup on "address already in use".

import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';

export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      servers.push(
        await new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, host, () => resolve(s));
        }),
      );
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
