// Which replica do the bench's connections reach? HAProxy in TCP mode opens
// one backend connection per client connection, so the established sockets
// whose local port is a replica's port, in /proc/net/tcp, count the client
// sessions each replica serves. The bench prints that spread, and the
// failover kills the replica that serves the most of its sessions.

const ESTABLISHED = '01';

/** Established sockets per local port, for `ports` only (others are not counted), from /proc/net/tcp text. */
export function establishedByLocalPort(text: string, ports: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>(ports.map((p) => [p, 0]));
  for (const line of text.split('\n').slice(1)) {
    // sl local_address rem_address st ...
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== ESTABLISHED) continue;
    const colon = f[1]!.lastIndexOf(':');
    if (colon < 0) continue;
    const port = Number.parseInt(f[1]!.slice(colon + 1), 16);
    const n = counts.get(port);
    if (n !== undefined) counts.set(port, n + 1);
  }
  return counts;
}
